"""`/mockroom review [N] [share]` as the chat grammar reads it."""

from __future__ import annotations

import pytest

from bot.chat.grammar import ReviewRequest, UsageError, parse_request, usage


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("review", ReviewRequest()),
        ("review 3", ReviewRequest(3)),
        ("review #3", ReviewRequest(3)),
        ("review share", ReviewRequest(None, share=True)),
        ("review 2 SHARE", ReviewRequest(2, share=True)),
    ],
)
def test_review_requests(text: str, expected: ReviewRequest) -> None:
    assert parse_request(text) == expected


@pytest.mark.parametrize("text", ["review 0", "review two", "review 1 2", "review share 1"])
def test_bad_review_requests_say_the_right_form(text: str) -> None:
    with pytest.raises(UsageError, match="review 3 share"):
        parse_request(text)


def test_the_help_lists_review() -> None:
    assert "*review [N]* annotates it" in usage()  # on the history line: Discord's help is full
