"""Every database table, and the column type that keeps datetimes timezone-aware UTC."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Dialect, Index, MetaData, Text, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Named constraints make migrations deterministic and let SQLite's batch mode alter them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = SQLModel.metadata
"""All tables; what Alembic compares the migrated schema against."""


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused (its zone is unknowable)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"naive datetime {value.isoformat()} cannot be stored: give it a time zone"
        )
    return value.astimezone(UTC)


# PostgreSQL text holds no NUL, and no UTF-8 column a lone surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """Text any backend can store: NUL and lone surrogates become U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


def aware(value: datetime | str) -> datetime:
    """An aggregate's datetime in UTC (SQLite may hand back naive UTC, or even text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=value.tzinfo or UTC).astimezone(UTC)


def pk(value: int | None) -> int:
    """A primary key that the database has assigned."""
    if value is None:
        raise RuntimeError("row has no id: it was not flushed")
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC and read back aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC before storing (SQLite keeps no offset)."""
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """SQLite hands back naive values, which were stored as UTC."""
        return None if value is None else aware(value)


class User(SQLModel, table=True):
    """A person on one platform (the same human on Slack and Discord is two users)."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    external_id: str = Field(max_length=255)
    display_name: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Interview(SQLModel, table=True):
    """One interview: the machine's state as JSON, plus the columns queries need."""

    __tablename__ = "interview"
    __table_args__ = (
        Index("ix_interview_user_id_status", "user_id", "status"),
        Index("ix_interview_platform_channel_status", "platform", "channel", "status"),
        Index("ix_interview_deadline_at", "deadline_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=255)
    question_id: str = Field(max_length=255)
    format: str = Field(max_length=32)
    status: str = Field(max_length=32)
    stage: str = Field(max_length=32)
    brain: str = Field(max_length=255)
    state_json: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    overall: float | None = None
    hire_signal: str | None = Field(default=None, max_length=32)
    deadline_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    prompt_tokens: int = Field(default=0)
    completion_tokens: int = Field(default=0)
    cost_usd: float = Field(default=0.0)
    version: int = Field(default=0)


class InterviewTurn(SQLModel, table=True):
    """One message of an interview; seq numbers them 1, 2, 3... within the interview."""

    __tablename__ = "interview_turn"
    __table_args__ = (UniqueConstraint("interview_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", ondelete="CASCADE")
    seq: int
    role: str = Field(max_length=32)
    stage: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    text: str = Field(sa_type=Text)
    curveball_id: str | None = Field(default=None, max_length=255)
    author: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    diagram: str | None = Field(default=None, sa_type=Text)  # its diagram's source (issue 15)


class ScorecardRow(SQLModel, table=True):
    """An interview's scorecard as JSON (at most one per interview)."""

    __tablename__ = "scorecard"
    __table_args__ = (UniqueConstraint("interview_id"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", ondelete="CASCADE")
    overall: float
    hire_signal: str = Field(max_length=32)
    grader: str = Field(max_length=255)
    card_json: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ProcessedEvent(SQLModel, table=True):
    """A platform event (message, retry, redelivery) already handled: the claim is the row."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    event_key: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class DrillSubscription(SQLModel, table=True):
    """A channel's daily drill; at most one active per (platform, channel)."""

    __tablename__ = "drill_subscription"
    __table_args__ = (
        Index(
            "uq_drill_subscription_active_channel",
            "platform",
            "channel",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    channel: str = Field(max_length=255)
    at: str = Field(max_length=5)
    zone: str = Field(max_length=64)
    weekdays: str = Field(max_length=32)
    topic_or_level: str | None = Field(default=None, max_length=64)
    created_by: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    active: bool = Field(default=True)


class DrillPostRow(SQLModel, table=True):
    """One drill occurrence: inserting the row is the claim to post it."""

    __tablename__ = "drill_post"
    __table_args__ = (
        UniqueConstraint("subscription_id", "occurrence_at"),
        Index("ix_drill_post_platform_thread_key", "platform", "thread_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="drill_subscription.id", ondelete="CASCADE")
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=255)
    occurrence_at: datetime = Field(sa_type=UTCDateTime)
    question_id: str = Field(max_length=255)
    thread_key: str | None = Field(default=None, max_length=255)
    posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    window_ends_at: datetime = Field(sa_type=UTCDateTime)
    recap_posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # 0010: the lease


class DrillAnswerRow(SQLModel, table=True):
    """A member's answer to a drill: one per member, claimed before it is graded."""

    __tablename__ = "drill_answer"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="drill_post.id", ondelete="CASCADE")
    platform: str = Field(max_length=32)
    user_id: str = Field(max_length=255)
    event_key: str | None = Field(default=None, max_length=255)
    text: str = Field(sa_type=Text)
    overall: float | None = None
    scorecard_json: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    graded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PointsLedger(SQLModel, table=True):
    """Points earned by one interview or drill answer; each source counts once."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id"),
        Index("ix_points_ledger_platform_workspace", "platform", "workspace"),
        Index("ix_points_ledger_platform_user_id", "platform", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    user_id: str = Field(max_length=255)
    source_kind: str = Field(max_length=16)
    source_id: str = Field(max_length=64)
    question_id: str = Field(max_length=255)
    overall: float
    points: int
    local_day: date
    zone: str = Field(max_length=64)
    weekdays: str = Field(max_length=32)
    criteria_json: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class LeaderboardPref(SQLModel, table=True):
    """A member seen in a workspace; their name shows on boards only once they opt in."""

    __tablename__ = "leaderboard_pref"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    user_id: str = Field(max_length=255)
    display_name: str | None = Field(default=None, sa_type=Text)
    show_name: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class SchedulerClaim(SQLModel, table=True):
    """One occurrence of a once-only scheduled job (a weekly board): the row is the claim."""

    __tablename__ = "scheduler_claim"
    __table_args__ = (UniqueConstraint("job_key", "occurrence_at"),)

    id: int | None = Field(default=None, primary_key=True)
    job_key: str = Field(max_length=255)
    occurrence_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ScheduledPost(SQLModel, table=True):
    """One post the bot is to make (interviewer/outbox.py): a recap, a board, a reminder, a
    pair's intro, a peer mock's clock. The unique key makes adding it idempotent; the claim
    time is the lease; `posted_id` is where it went on the platform."""

    __tablename__ = "scheduled_post"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_scheduled_post_posted_at_claimed_at", "posted_at", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255)
    kind: str = Field(max_length=32)
    platform: str = Field(max_length=32)
    target: str = Field(max_length=255)
    text: str = Field(sa_type=Text)
    extra_json: str = Field(default="{}", sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    posted_id: str | None = Field(default=None, max_length=255)


class PeerMember(SQLModel, table=True):
    """A member's choice to be paired for peer mocks in a channel."""

    __tablename__ = "peer_member"
    __table_args__ = (UniqueConstraint("platform", "channel", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    channel: str = Field(max_length=255)
    user_id: str = Field(max_length=255)
    display_name: str | None = Field(default=None, sa_type=Text)
    opted_in: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class PeerSchedule(SQLModel, table=True):
    """A channel's weekly pairing: the weekday, local time and zone; one row per channel."""

    __tablename__ = "peer_schedule"
    __table_args__ = (UniqueConstraint("platform", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    channel: str = Field(max_length=255)
    at: str = Field(max_length=5)
    zone: str = Field(max_length=64)
    weekdays: str = Field(max_length=32)
    created_by: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    active: bool = Field(default=True)


class PeerSession(SQLModel, table=True):
    """One pair of a weekly round: who interviews whom, on what, and where they talk."""

    __tablename__ = "peer_session"
    __table_args__ = (
        UniqueConstraint("platform", "channel", "occurrence_at", "interviewer"),
        Index("ix_peer_session_platform_thread_key", "platform", "thread_key"),
        Index("ix_peer_session_interview_id", "interview_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    channel: str = Field(max_length=255)
    occurrence_at: datetime = Field(sa_type=UTCDateTime)
    interviewer: str = Field(max_length=255)
    candidate: str = Field(max_length=255)
    question_id: str = Field(max_length=255)
    thread_key: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    # The session itself (0008): its interview (the clock, the transcript, the AI's card),
    # when it was started, the human interviewer's scores (JSON) and when they were submitted.
    interview_id: int | None = Field(default=None)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    scores: str | None = Field(default=None, sa_type=Text)
    scored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReminderPref(SQLModel, table=True):
    """A member's streak reminder in a workspace: on or off, and snoozed until when."""

    __tablename__ = "reminder_pref"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    user_id: str = Field(max_length=255)
    enabled: bool = Field(default=True)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ChannelSettingRow(SQLModel, table=True):
    """A channel's settings (interviewer/settings); a NULL column means the server's default."""

    __tablename__ = "channel_setting"
    __table_args__ = (UniqueConstraint("platform", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    workspace: str = Field(max_length=255)
    channel: str = Field(max_length=255)
    window_hours: float | None = Field(default=None)
    board_day: int | None = Field(default=None)
    board_hour: int | None = Field(default=None)
    board: str | None = Field(default=None, max_length=16)
    fmt: str | None = Field(default=None, max_length=16)
    level: str | None = Field(default=None, max_length=16)
    topics: str | None = Field(default=None, sa_type=Text)  # comma-separated; "" is any
    updated_by: str = Field(max_length=255)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
