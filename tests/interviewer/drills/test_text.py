"""The words of a recap: plural forms, and every member who opted in is named."""

from __future__ import annotations

from interviewer.drills.ports import DrillAnswer, Member
from interviewer.drills.text import plural, recap_text


def answers(count: int) -> list[DrillAnswer]:
    return [
        DrillAnswer(i, 1, f"U{i}", f"answer {i}", None, overall=4.0 - i * 0.2) for i in range(count)
    ]


def test_plural_forms() -> None:
    assert plural(1, "answer") == "1 answer" and plural(2, "answer") == "2 answers"
    assert plural(0, "day") == "0 days"


def test_one_answer_reads_as_one() -> None:
    recap = recap_text("URL shortener", answers(1), {}, None, "/mockroom")
    assert "1 answer, average 4.0/4" in recap
    assert "1 other member answered" in recap and "(s)" not in recap


def test_with_twelve_answers_every_opted_in_member_is_named() -> None:
    members = {
        f"U{i}": Member(f"U{i}", f"Name{i}", show_name=i in (1, 4, 7, 10)) for i in range(12)
    }
    recap = recap_text("URL shortener", answers(12), members, "Fri 27 Nov 09:00 UTC", "/mockroom")
    assert "12 answers" in recap
    for i in (1, 4, 7):
        assert f"Name{i}, " in recap  # the best three who opted in, with their excerpts
    assert "Also answered: Name10." in recap  # the fourth is named too
    assert "8 other members answered" in recap
    assert not any(f"Name{i}" in recap for i in (0, 2, 3, 5, 6, 8, 9, 11))
    assert recap.endswith("The next drill: Fri 27 Nov 09:00 UTC.")
