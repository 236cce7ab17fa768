"""Rows of the drill tables mapped to the domain's drill objects, and back."""

from __future__ import annotations

import json
from datetime import time

from interviewer.core.rubric import Scorecard
from interviewer.drills.ports import DrillAnswer, DrillPost, LedgerEntry, Subscription
from interviewer.drills.schedule import DrillSchedule
from storage.models import DrillAnswerRow, DrillPostRow, DrillSubscription, PointsLedger, pk


def days_text(days: frozenset[int]) -> str:
    """Weekday numbers as stored: "0,1,2,3,4"."""
    return ",".join(str(d) for d in sorted(days))


def _days(text: str) -> frozenset[int]:
    return frozenset(int(d) for d in text.split(",") if d)


def schedule_from(at: str, zone: str, weekdays: str) -> DrillSchedule:
    """A schedule as its columns hold it ("09:30", zone, "0,1,2,3,4")."""
    hour, minute = (int(p) for p in at.split(":"))
    return DrillSchedule(time(hour, minute), zone, _days(weekdays))


def subscription_from(row: DrillSubscription) -> Subscription:
    """The domain view of a subscription row."""
    return Subscription(
        id=pk(row.id),
        platform=row.platform,
        workspace=row.workspace,
        channel=row.channel,
        schedule=schedule_from(row.at, row.zone, row.weekdays),
        topic_or_level=row.topic_or_level,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def post_from(row: DrillPostRow, subscription: Subscription) -> DrillPost:
    """The domain view of a drill post row."""
    return DrillPost(
        id=pk(row.id),
        subscription=subscription,
        occurrence_at=row.occurrence_at,
        question_id=row.question_id,
        window_ends_at=row.window_ends_at,
        thread_key=row.thread_key,
        posted_at=row.posted_at,
    )


def answer_from(row: DrillAnswerRow) -> DrillAnswer:
    """The domain view of an answer row, with its scorecard once graded."""
    card = None if row.scorecard_json is None else json.loads(row.scorecard_json)
    return DrillAnswer(
        id=pk(row.id),
        post_id=row.post_id,
        user_id=row.user_id,
        text=row.text,
        event_key=row.event_key,
        overall=row.overall,
        scorecard=None if card is None else Scorecard.from_dict(card),
    )


def entry_from(row: PointsLedger) -> LedgerEntry:
    """The domain view of a ledger row."""
    return LedgerEntry(
        platform=row.platform,
        workspace=row.workspace,
        user_id=row.user_id,
        source_kind=row.source_kind,
        source_id=row.source_id,
        question_id=row.question_id,
        overall=row.overall,
        points=row.points,
        local_day=row.local_day,
        zone=row.zone,
        criteria={k: int(v) for k, v in json.loads(row.criteria_json).items()},
        created_at=row.created_at,
        weekdays=_days(row.weekdays),
    )
