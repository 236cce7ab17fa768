"""The review page of an interview with every element, each present and escaped."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bot.review.page import NEXT_MARK, build_page
from bot.review.render import markdown_blocks, policy, render_page
from interviewer.bank import load_bank
from interviewer.core.rubric import Contribution, Criterion
from interviewer.core.transcript import Role
from interviewer.references import load_reference
from tests.bot.review.sample import DISCORD, PROBLEM, SCRIPT, SLACK, source, write_reference


def page_html(tmp_path: Path, human: bool = False, reference: bool = True) -> str:
    root = write_reference(tmp_path / "refs") if reference else tmp_path / "none"
    page = build_page(source(human=human), load_bank(), load_reference(PROBLEM, root))
    return render_page(page, "2026-12-08")


def test_member_text_is_escaped_everywhere(tmp_path: Path) -> None:
    html = page_html(tmp_path, human=True)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<!channel>" not in html and "&lt;!channel&gt;" in html
    assert "<@&42>" not in html and "&lt;@&amp;42&gt;" in html
    assert "<b>server</b>" not in html  # a label inside the diagram is text too
    assert "<table>" not in html.replace("<table>\n", "")  # our tables only, never the quote's
    # nothing is fetched: no src, no stylesheet link, no script, no external url as a resource
    assert not re.search(r"\s(?:src|srcset|href)=\"(?:https?:)?//", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)  # only #fragments


def test_quotes_are_highlighted_in_place_and_linked_both_ways(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    mark = re.search(r'<mark id="q-scalability-1">(.*?)</mark>', html)
    assert mark is not None
    assert mark.group(1) == "I would shard the &lt;table&gt; by hash &amp; keep a replica"
    assert '<a class="cite" href="#c-scalability">[Scalability]</a>' in html
    assert 'id="c-scalability"' in html and 'href="#q-scalability-1"' in html
    # a quote inside another one's words links to that highlight; a diagram path to the diagram
    reliability = html[html.index('id="c-reliability"') :]
    reliability = reliability[: reliability.index("</article>")]
    assert 'href="#q-scalability-1"' in reliability and 'href="#d-2"' in reliability
    assert "not found word for word" in html  # the quote never said is shown, not linked


def test_marks_for_curveball_pushback_hint_and_next(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    for mark in ("Curveball", "Pushback", "Hint", NEXT_MARK):
        assert f'<span class="badge">{mark}</span>' in html
    assert "<time>20:00</time>" in html  # times from the start


def test_each_diagram_version_at_its_turn_with_findings(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    assert html.count('<svg class="diagram"') == 3  # two versions and the reference's
    first, second = html.index('id="d-1"'), html.index('id="d-2"')
    assert first < html.index("A hint: think about reads") < second
    assert "Your design, version 1: 3 components, 2 arrows" in html
    assert "What an interviewer asks about this version" in html
    assert "goes through the one API &lt;b&gt;server&lt;/b&gt;" in html  # its single point
    assert '<rect class="box typed flagged"' in html and "⚠ API</text>" in html  # flagged


def test_expected_points_ticked_with_quotes_and_missed(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    assert "✓ Covered:" in html and "✗ Missed:" in html
    assert re.search(r"Expected points: \d+ of \d+ covered", html)


def test_peer_scores_side_by_side(tmp_path: Path) -> None:
    html = page_html(tmp_path, human=True)
    assert "Human interviewer" in html
    assert "Scalability: 3/4 (AI) · 4/4 (human)" in html
    assert 'class="shape other"' in html  # the human's shape on the radar
    assert "Human interviewer" not in page_html(tmp_path, human=False)


def test_header_reference_and_progress(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    assert "<h1>URL shortener" in html or f"({PROBLEM})" in html
    assert "Lean no hire" in html and "the offline scorer" in html
    assert html.count('<svg class="radar"') == 1
    for c in Criterion:
        assert c.label.replace("&", "&amp;") in html
    assert 'id="reference"' in html and "Common mistakes" in html
    assert html.index('id="transcript"') < html.index('id="reference"')
    assert "1,000 writes per second &lt;script&gt;" in html
    assert "▲ up 2" in html  # scalability went from 1 to 3
    assert 'id="reference"' not in page_html(tmp_path, reference=False)
    assert "<title>The reference design: 3 components</title>" in html


def test_landmarks_dark_mode_print_and_policy(tmp_path: Path) -> None:
    html = page_html(tmp_path)
    for part in ("<header>", "<main", "<nav", "<footer>", 'lang="en"', 'name="viewport"'):
        assert part in html
    assert "prefers-color-scheme: dark" in html and "@media print" in html
    assert policy().startswith("default-src 'none'; style-src 'sha256-")
    escaped = policy().replace("'", "&#39;")
    assert f'content="{escaped}"' in html


def test_reference_markdown_is_read_as_text() -> None:
    blocks = markdown_blocks(f"Intro {SLACK}\n\n- one\n- two {DISCORD}\n\n```mermaid\na --> b\n```")
    assert [b.kind for b in blocks] == ["text", "list", "diagram"]
    assert blocks[1].items == ["one", f"two {DISCORD}"]
    assert SCRIPT not in blocks[0].text


def test_a_design_alongs_members_are_numbered_never_named(tmp_path: Path) -> None:
    base = source()
    card = base.scorecard
    card.contributors = [Contribution("U0SECRETID", 1, 2.0), Contribution("U0OTHERID", 1, 2.0)]
    said = [
        replace(t, author="U0SECRETID" if i % 2 else "U0OTHERID") if t.role is Role.CANDIDATE else t
        for i, t in enumerate(base.turns)
    ]
    html = render_page(build_page(replace(base, turns=said), load_bank(), None))
    assert "Member 1" in html and "Member 2" in html
    assert "U0SECRETID" not in html and "U0OTHERID" not in html
    assert "The reference design" not in html
