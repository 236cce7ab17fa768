"""Subscribing channels: clear errors with an example, admins only, list and unsubscribe."""

from __future__ import annotations

import pytest

from interviewer.drills.service import DrillError
from interviewer.service import InterviewError, Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import ADMIN, SLACK, TEAM, Replica, utc

EXAMPLE = "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri"
MEMBER = Who(SLACK, "UMEMBER", "Member")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("", "Usage"),
        ("09:30", "Usage"),
        ("9.30 Europe/Berlin", "not a time of day"),
        ("24:00 UTC", "not a time of day"),
        ("09:30 Berlin", "not a time zone"),
        ("09:30 Europe/Berlin funday", "neither weekdays"),
        ("09:30 Europe/Berlin mon-fri underwater-basket-weaving", "neither weekdays"),
        ("09:30 UTC mon-fri senior extra words", "Too many words"),
    ],
)
def test_a_bad_schedule_says_what_is_wrong_and_shows_an_example(
    world: Replica, args: str, says: str
) -> None:
    with pytest.raises(DrillError, match=says) as info:
        world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, args)
    assert EXAMPLE in str(info.value)
    assert world.drills.repo.subscriptions() == []


def test_drill_errors_are_interview_errors_the_chat_layer_already_shows() -> None:
    assert issubclass(DrillError, InterviewError)


def test_only_channel_managers_subscribe_and_unsubscribe(world: Replica) -> None:
    with pytest.raises(DrillError, match="Only people who may manage this channel"):
        world.drills.subscribe(SLACK, TEAM, "C1", MEMBER, False, "09:30 UTC")
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:30 UTC")
    with pytest.raises(DrillError, match="Only people"):
        world.drills.unsubscribe(SLACK, "C1", MEMBER, False)
    assert len(world.drills.repo.subscriptions()) == 1


def test_members_named_in_the_settings_may_manage(world: Replica) -> None:
    world.drills.admins = frozenset({"slack:UMEMBER"})
    assert world.drills.may_manage(SLACK, "UMEMBER", False)
    assert not world.drills.may_manage("discord", "UMEMBER", False)
    world.drills.subscribe(SLACK, TEAM, "C1", MEMBER, False, "09:30 UTC")
    assert [s.created_by for s in world.drills.repo.subscriptions()] == ["UMEMBER"]


def test_subscribe_confirms_the_schedule_and_the_first_drill(
    world: Replica, clock: FakeClock
) -> None:
    clock.now = utc(2026, 11, 25, 7, 0)
    said = world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:30 Europe/Berlin mon-fri")
    assert "09:30 Europe/Berlin, weekdays" in said
    assert "Wed 25 Nov 09:30 Europe/Berlin" in said
    assert "24 hours" in said


def test_a_topic_or_level_narrows_the_drills(world: Replica) -> None:
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:30 UTC daily ai-infra")
    world.drills.subscribe(SLACK, TEAM, "C2", ADMIN, True, "09:30 UTC staff")
    topics = {s.channel: s.topic_or_level for s in world.drills.repo.subscriptions()}
    assert topics == {"C1": "ai-infra", "C2": "staff"}


def test_resubscribing_replaces_and_list_and_unsubscribe(world: Replica) -> None:
    drills = world.drills
    assert "No channel here has a daily drill" in drills.listing(SLACK, TEAM)
    drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:30 UTC")
    said = drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "10:00 Asia/Tokyo sat,sun senior")
    assert "replacing 09:30 UTC, daily" in said
    drills.subscribe(SLACK, "T2", "C9", ADMIN, True, "08:00 UTC")
    listing = drills.listing(SLACK, TEAM)
    assert "<#C1>: 10:00 Asia/Tokyo, weekends, senior" in listing
    assert "C9" not in listing and "09:30" not in listing
    assert "unsubscribed (10:00 Asia/Tokyo, weekends)" in drills.unsubscribe(
        SLACK, "C1", ADMIN, True
    )
    assert drills.unsubscribe(SLACK, "C1", ADMIN, True) == "This channel has no daily drill."
    assert [s.channel for s in drills.repo.subscriptions()] == ["C9"]
