"""The peer mock's 1-4 score labels live in one place (interviewer/peers/outcome.py SCALE):
both platforms' scoring forms and the interviewer's brief show them from there."""

from __future__ import annotations

import re
from pathlib import Path

from bot.discord.peers import ScoreSelect, form_views
from bot.slack.peers import form_blocks
from interviewer.bank import load_bank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Format
from interviewer.peers.brief import interviewer_brief
from interviewer.peers.outcome import SCALE, SCALE_RANGE, SCORES, PeerForm

ROOT = Path(__file__).resolve().parents[2]
FORM = PeerForm(7, "U1", "C1", "URL shortener")


def test_the_scale_covers_every_score_in_order() -> None:
    assert list(SCALE) == list(SCORES)
    assert all(label.startswith(f"{n} ") for n, label in SCALE.items())
    assert f"{SCORES[0]}-{SCORES[-1]}" == SCALE_RANGE


def test_no_other_source_spells_a_score_label() -> None:
    """A second copy of the labels (a form, a brief, a page template) would drift from SCALE."""
    words = [label.partition(" ")[2] for label in SCALE.values()]
    spelled = re.compile(
        r"\b[1-4]\s*[-–:(]?\s*(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE
    )
    home = ROOT / "interviewer" / "peers" / "outcome.py"
    copies = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ("bot", "interviewer")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".j2", ".html") and path != home
        for match in spelled.finditer(path.read_text(encoding="utf-8"))
    ]
    assert copies == []


def test_the_slack_form_shows_the_scale() -> None:
    selects = [b["accessory"] for b in form_blocks(FORM) if b.get("accessory", {}).get("options")]
    assert len(selects) == len(Criterion)
    for select in selects:
        assert [o["text"]["text"] for o in select["options"]] == list(SCALE.values())
        assert SCALE_RANGE in select["placeholder"]["text"]


async def test_the_discord_form_shows_the_scale() -> None:
    selects = [
        item.item for view in form_views(FORM) for item in view.children
        if isinstance(item, ScoreSelect)
    ]  # fmt: skip
    assert len(selects) == len(Criterion)
    for select in selects:
        assert [o.label for o in select.options] == list(SCALE.values())
        assert select.placeholder is not None and SCALE_RANGE in select.placeholder


def test_the_interviewer_s_brief_shows_the_scale() -> None:
    bank = load_bank()
    brief = interviewer_brief(bank.problems["url-shortener"], Format.STANDARD, "Bob")
    assert all(label in brief for label in SCALE.values())
