"""The Repository port over SQL (SQLite or PostgreSQL): rows in, domain objects out."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    bindparam,
    insert,
    literal,
    true,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import ReturningUpdate
from sqlmodel import Session, col, func, select

from interviewer.core.machine import next_deadline
from interviewer.core.rubric import Scorecard
from interviewer.core.stages import Stage
from interviewer.core.state import InterviewState, Status
from interviewer.core.transcript import Role, Turn
from interviewer.outbox import Post
from interviewer.ports import HistoryEntry, StaleInterview, StoredInterview, UsageDelta
from storage.models import (
    Interview,
    InterviewTurn,
    PeerSession,
    ProcessedEvent,
    ScorecardRow,
    User,
    UTCDateTime,
    as_utc,
    aware,
    pk,
    storable,
    utc_now,
)
from storage.repositories.base import add_posts, post_rows
from storage.repositories.outbox import SqlOutboxRepository


class SqlRepository(SqlOutboxRepository):
    """Interviews, their turns and scorecards in one SQL database."""

    def ensure_user(self, platform: str, external_id: str, display_name: str | None = None) -> int:
        """The id of the user, created on first sight (and renamed when the name changed)."""
        try:
            return self._ensure_user(platform, external_id, display_name)
        except IntegrityError:
            # Someone else's first sight of the same user won the race; now there is a row.
            return self._ensure_user(platform, external_id, display_name)

    def conversation(
        self, platform: str, external_id: str, display_name: str | None, channel: str
    ) -> tuple[int, StoredInterview | None]:
        """The user's id and the conversation's running interview, read together: one
        connection for what every answer reads first. A new user, or a renamed one, is
        written as ensure_user writes them."""
        params = {"platform": platform, "external_id": external_id, "channel": channel}
        with self._autocommitted() as connection:
            if self._postgres:  # one statement: the user, the interview and its turns
                row = connection.execute(_CONVERSATION, params).one()
                user_id = _unchanged_user(row[0], row[1], display_name)
                found = row[2:-1]
                stored = None if found[0] is None else _stored(found, _json_turns(row[-1]))
            else:
                user_id = _known_user(connection, platform, external_id, display_name)
                stored = _first_stored(connection, _RUNNING_IN_CHANNEL, params)
        if user_id is None:
            user_id = self.ensure_user(platform, external_id, display_name)
        return user_id, stored

    def create_interview(
        self,
        user_id: int,
        platform: str,
        channel: str,
        state: InterviewState,
        turns: Sequence[Turn],
        brain: str,
    ) -> int:
        """Store a new interview with its first turns; return its id."""
        with self._transaction() as session:
            row = Interview(
                user_id=user_id,
                platform=platform,
                channel=channel,
                brain=brain,
                created_at=as_utc(state.started_at),
                ended_at=_ended_at(state),
                **_state_columns(state),
            )
            session.add(row)
            session.flush()
            interview_id = pk(row.id)
            if turns:
                session.execute(insert(InterviewTurn), _turn_rows(interview_id, 1, turns, state))
            return interview_id

    def active_interview(self, user_id: int, channel: str | None = None) -> StoredInterview | None:
        """The user's most recent running interview (in one channel when given)."""
        where = [col(Interview.user_id) == user_id, col(Interview.status) == Status.ACTIVE.value]
        if channel is not None:
            where.append(col(Interview.channel) == channel)
        with self._autocommitted() as connection:
            return _first_stored(connection, _newest_of(*where))

    def active_in_channel(self, platform: str, channel: str) -> StoredInterview | None:
        """The running interview of a conversation (a DM, a thread), whoever runs it."""
        with self._autocommitted() as connection:
            return _first_stored(
                connection, _RUNNING_IN_CHANNEL, {"platform": platform, "channel": channel}
            )

    def due_interviews(self, now: datetime, limit: int = 100) -> list[int]:
        """Running interviews whose clock needs a tick at `now`, most overdue first."""
        statement = (
            select(Interview.id)
            .where(
                Interview.status == Status.ACTIVE.value,
                col(Interview.deadline_at).is_not(None),
                col(Interview.deadline_at) <= as_utc(now),
            )
            .order_by(col(Interview.deadline_at))
            .limit(limit)
        )
        with self._autocommitted() as connection:  # the clock asks every few seconds
            return [i for i in connection.execute(statement).scalars() if i is not None]

    def unscored(self, user_id: int | None = None, limit: int = 50) -> list[int]:
        """Ended interviews without a scorecard (a crash while grading), oldest first."""
        statement = (
            select(Interview.id)
            .where(Interview.status == Status.ENDED.value, col(Interview.overall).is_(None))
            .order_by(col(Interview.id))
            .limit(limit)
        )
        if user_id is not None:
            statement = statement.where(Interview.user_id == user_id)
        with Session(self._engine) as session:
            return [i for i in session.exec(statement) if i is not None]

    def unanswered(self, before: datetime, platforms: Sequence[str], limit: int = 50) -> list[int]:
        """Running interviews on `platforms` whose last turn is a candidate's stored before
        `before`: answers whose reply never came (a crash, a failure), oldest first."""
        if not platforms:
            return []
        newer = aliased(InterviewTurn)
        last_seq = (
            sa_select(func.max(newer.seq))
            .where(col(newer.interview_id) == col(Interview.id))
            .correlate(Interview)
            .scalar_subquery()
        )
        statement = (
            sa_select(col(Interview.id))
            .join(InterviewTurn, col(InterviewTurn.interview_id) == col(Interview.id))
            .where(
                col(Interview.status) == Status.ACTIVE.value,
                col(Interview.platform).in_(platforms),
                col(InterviewTurn.seq) == last_seq,
                col(InterviewTurn.role) == Role.CANDIDATE.value,
                col(InterviewTurn.created_at) <= as_utc(before),
                # a peer mock's answers wait for the human interviewer, not for us
                ~col(Interview.id).in_(
                    sa_select(col(PeerSession.interview_id)).where(
                        col(PeerSession.interview_id).is_not(None)
                    )
                ),
            )
            .order_by(col(Interview.id))
            .limit(limit)
        )
        with self._autocommitted() as connection:
            return [i for i in connection.execute(statement).scalars() if i is not None]

    def activity(self, now: datetime) -> tuple[int, int, float]:
        """Running interviews, how many have a deadline due, and the oldest one's lateness (s)."""
        active = Interview.status == Status.ACTIVE.value
        due = col(Interview.deadline_at) <= as_utc(now)
        with Session(self._engine) as session:
            running = session.exec(select(func.count()).where(active)).one()
            late, oldest = session.exec(
                select(func.count(), func.min(Interview.deadline_at)).where(active, due)
            ).one()
        lag = 0.0 if oldest is None else (as_utc(now) - aware(oldest)).total_seconds()
        return int(running), int(late), max(0.0, lag)

    def claim_event(self, platform: str, key: str) -> bool:
        """Record that an event was handled; False when it already was (a retry, a replay)."""
        if not self._postgres:
            return self._insert_once(ProcessedEvent(platform=platform, event_key=key[:255]))
        # One statement in autocommit: a round trip, where a transaction took three.
        params = {"platform": platform, "event_key": key[:255], "created_at": utc_now()}
        with self._autocommitted() as connection:
            return connection.execute(_CLAIM_EVENT, params).first() is not None

    def add_usage(
        self, interview_id: int, prompt_tokens: int, completion_tokens: int, cost_usd: float
    ) -> None:
        """Add a model call's token use and estimated cost to the interview."""
        with self._transaction() as session:
            row = _lock_interview(session, interview_id)
            row.prompt_tokens += prompt_tokens
            row.completion_tokens += completion_tokens
            row.cost_usd += cost_usd
            session.add(row)

    def load(self, interview_id: int) -> StoredInterview | None:
        """One interview with its turns and scorecard."""
        with self._autocommitted() as connection:
            return _first_stored(connection, _INTERVIEW_BY_ID, {"interview_id": interview_id})

    def save_step(
        self,
        interview_id: int,
        state: InterviewState,
        new_turns: Sequence[Turn],
        expected_version: int | None = None,
        usage: UsageDelta | None = None,
        posts: Sequence[Post] = (),
    ) -> int:
        """Store the new state and append the new turns, in one transaction; the new version.
        `posts` (a peer mock's clock posts) go in the outbox in the same transaction.

        Every answer saves twice, so this is the hot path. On PostgreSQL a step checked
        against the version it read (`expected_version`, as the service's are) is one
        statement in autocommit (_save_step_at_once); otherwise three statements in a
        transaction (an UPDATE that checks the version and locks the row, the last turn
        number, one INSERT of the turns).
        """
        active = state.status is Status.ACTIVE
        columns = _state_columns(state)
        params: dict[str, Any] = {f"v_{k}": v for k, v in columns.items()}
        params["v_id"] = interview_id
        if expected_version is not None:
            params["v_expected"] = expected_version
        if not active:
            params["v_ended_at"] = _ended_at(state)
        if usage:
            params["v_prompt_tokens"] = usage.prompt_tokens
            params["v_completion_tokens"] = usage.completion_tokens
            params["v_cost_usd"] = usage.cost_usd
        if self._postgres and expected_version is not None:
            return self._save_step_at_once(
                params, tuple(columns), state, new_turns, bool(usage), posts
            )
        statement = _step_statement(
            tuple(columns), expected_version is not None, bool(usage), active
        )
        with self._engine.begin() as connection:
            version = connection.execute(statement, params).scalar_one_or_none()
            if version is None:
                current = connection.execute(
                    sa_select(col(Interview.version)).where(col(Interview.id) == interview_id)
                ).scalar_one_or_none()
                if current is None:
                    raise LookupError(f"no interview with id {interview_id}")
                raise StaleInterview(
                    f"interview {interview_id} is at version {current}, not {expected_version}"
                )
            if new_turns:
                # A statement of its own, after the row is locked: on PostgreSQL a subquery
                # of the UPDATE would read from before the lock was granted (read committed).
                # (A step checked against the version it read does not need this: see
                # _save_step_at_once.)
                last = connection.execute(_LAST_SEQ, {"interview_id": interview_id}).scalar_one()
                first = (last or 0) + 1
                connection.execute(
                    insert(InterviewTurn), _turn_rows(interview_id, first, new_turns, state)
                )
            add_posts(connection, posts, utc_now())
        return int(version)

    def _save_step_at_once(
        self,
        params: dict[str, Any],
        columns: tuple[str, ...],
        state: InterviewState,
        new_turns: Sequence[Turn],
        usage: bool,
        posts: Sequence[Post],
    ) -> int:
        """save_step on PostgreSQL for a step checked against the version it read (every step
        the service saves): one statement in autocommit, so one round trip where the
        transaction took five (BEGIN, the UPDATE, the last turn number, the INSERT, COMMIT).
        See _STEP_AT_ONCE for why it numbers the turns right."""
        interview_id = params["v_id"]
        active = state.status is Status.ACTIVE
        statement = _step_at_once(columns, usage, active, bool(posts))
        rows = _turn_rows(interview_id, 1, new_turns, state)
        for name in _TURN_ARRAYS:
            params[f"t_{name}"] = [r[name] for r in rows]
        if posts:
            params["p_now"] = utc_now()
            post_values = post_rows(posts, params["p_now"])
            for name in _POST_ARRAYS:
                params[f"p_{name}"] = [r[name] for r in post_values]
        with self._autocommitted() as connection:
            saved, seen = connection.execute(statement, params).one()
        if saved is not None:
            return int(saved)
        if seen is None:
            raise LookupError(f"no interview with id {interview_id}")
        expected = params["v_expected"]
        if seen == expected:  # moved on after the statement's snapshot: the lock told
            raise StaleInterview(f"interview {interview_id} moved on from version {expected}")
        raise StaleInterview(f"interview {interview_id} is at version {seen}, not {expected}")

    def save_scorecard(self, interview_id: int, scorecard: Scorecard) -> None:
        """Store the interview's scorecard (replacing an earlier one) and its overall score."""
        card_json = json.dumps(scorecard.to_dict())
        with self._transaction() as session:
            interview = _lock_interview(session, interview_id)
            row = session.exec(
                select(ScorecardRow).where(ScorecardRow.interview_id == interview_id)
            ).first()
            if row is None:
                row = ScorecardRow(
                    interview_id=interview_id,
                    overall=scorecard.overall,
                    hire_signal=scorecard.hire_signal.value,
                    grader=scorecard.grader,
                    card_json=card_json,
                )
            else:
                row.overall = scorecard.overall
                row.hire_signal = scorecard.hire_signal.value
                row.grader = scorecard.grader
                row.card_json = card_json
                row.created_at = utc_now()
            interview.overall = scorecard.overall
            interview.hire_signal = scorecard.hire_signal.value
            session.add_all([row, interview])

    def history(self, user_id: int, limit: int = 20) -> list[HistoryEntry]:
        """The user's interviews, newest first."""
        statement = (
            select(Interview)
            .where(Interview.user_id == user_id)
            .order_by(col(Interview.created_at).desc(), col(Interview.id).desc())
            .limit(limit)
        )
        with Session(self._engine) as session:
            return [
                HistoryEntry(
                    interview_id=pk(row.id),
                    question_id=row.question_id,
                    format=row.format,
                    status=row.status,
                    started_at=row.created_at,
                    overall=row.overall,
                    hire_signal=row.hire_signal,
                    prompt_tokens=row.prompt_tokens,
                    completion_tokens=row.completion_tokens,
                    cost_usd=row.cost_usd,
                )
                for row in session.exec(statement)
            ]

    def _ensure_user(self, platform: str, external_id: str, display_name: str | None) -> int:
        # Most calls find the user as it is: a read, without taking a write lock.
        with self._autocommitted() as connection:
            known = _known_user(connection, platform, external_id, display_name)
        if known is not None:
            return known
        name = None if display_name is None else storable(display_name)
        with self._transaction() as session:
            user = session.exec(
                select(User).where(User.platform == platform, User.external_id == external_id)
            ).first()
            if user is None:
                user = User(platform=platform, external_id=external_id, display_name=name)
                session.add(user)
            elif name and user.display_name != name:
                user.display_name = name
                session.add(user)
            session.flush()
            return pk(user.id)


def _lock_interview(session: Session, interview_id: int) -> Interview:
    """The interview row, locked until commit so that concurrent steps queue up.

    On PostgreSQL this is SELECT ... FOR UPDATE; SQLite ignores it and relies on
    BEGIN IMMEDIATE (see storage.engine).
    """
    row = session.exec(
        select(Interview).where(Interview.id == interview_id).with_for_update()
    ).first()
    if row is None:
        raise LookupError(f"no interview with id {interview_id}")
    return row


@functools.cache
def _step_statement(
    state_columns: tuple[str, ...], versioned: bool, usage: bool, active: bool
) -> ReturningUpdate[int]:
    """save_step's UPDATE, built once per shape: parameters `v_<column>` for the state's
    columns (_state_columns), `v_id`, and as the shape needs `v_expected` (the version
    read), `v_ended_at` (kept once set) and the usage to add. It returns the new version."""
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in state_columns}
    values["version"] = col(Interview.version) + 1
    values["ended_at"] = (
        None
        if active
        else func.coalesce(
            col(Interview.ended_at),
            bindparam("v_ended_at", type_=UTCDateTime()),
        )
    )
    if usage:
        for name in ("prompt_tokens", "completion_tokens", "cost_usd"):
            values[name] = getattr(Interview, name) + bindparam(f"v_{name}")
    where = col(Interview.id) == bindparam("v_id")
    if versioned:
        where = where & (col(Interview.version) == bindparam("v_expected"))
    return update(Interview).where(where).values(values).returning(col(Interview.version))


_STEP_AT_ONCE = """
WITH step AS (
    UPDATE interview SET {assignments}
    WHERE id = :v_id AND version = :v_expected
    RETURNING version
), last AS (
    SELECT coalesce(max(seq), 0) AS seq FROM interview_turn WHERE interview_id = :v_id
), turns AS (
    INSERT INTO interview_turn ({turn_columns}, interview_id, seq)
    SELECT {turn_columns}, :v_id, last.seq + t.n
    FROM step, last, unnest({turn_arrays}) WITH ORDINALITY AS t({turn_columns}, n)
){posts}
SELECT (SELECT version FROM step) AS saved, (SELECT version FROM interview WHERE id = :v_id)
"""
"""save_step as one statement (PostgreSQL): the step's UPDATE, checked against the version
read; the new turns numbered on from the last; the outbox posts; the new version, or NULL and
the version as seen when the check failed (or NULL twice: no such interview).

Why `last` may read from the statement's snapshot, taken before the row lock is granted
(read committed: a concurrent step that commits meanwhile is not in it): the turns are
inserted only when the UPDATE matched (they are selected FROM step), and it matches only
when the row's newest committed version is still the version read. Every write of turns
raises the version in the same transaction (save_step, checked or not; create_interview
writes a new row). So no turns were committed between the read and the lock: the snapshot,
taken after the read, has every turn there is, and until COMMIT the lock keeps other steps
out. A step committed after the snapshot makes the UPDATE's recheck of the locked row fail:
StaleInterview, nothing written. (The unique (interview_id, seq) key stays the backstop.)
An unchecked step (expected_version None: tests, tools) has no such guarantee and keeps the
transaction that reads the last number after the lock."""

_POSTS_AT_ONCE = """, posts AS (
    INSERT INTO scheduled_post ({post_columns}, created_at)
    SELECT {post_columns}, :p_now
    FROM step, unnest({post_arrays}) AS p({post_columns})
)"""

_TURN_ARRAYS = {
    "role": "TEXT",
    "stage": "TEXT",
    "kind": "TEXT",
    "text": "TEXT",
    "curveball_id": "TEXT",
    "author": "TEXT",
    "diagram": "TEXT",
    "created_at": "TIMESTAMPTZ",
}
_POST_ARRAYS = {
    "key": "TEXT",
    "kind": "TEXT",
    "platform": "TEXT",
    "target": "TEXT",
    "text": "TEXT",
    "extra_json": "TEXT",
    "expires_at": "TIMESTAMPTZ",
}


@functools.cache
def _step_at_once(
    state_columns: tuple[str, ...], usage: bool, active: bool, posts: bool
) -> TextClause:
    """_STEP_AT_ONCE for one shape, built once: parameters as _step_statement's, the new turns'
    columns as arrays `t_<column>`, and with posts their columns `p_<column>` and `p_now`."""
    assignments = [f"{name} = :v_{name}" for name in state_columns]
    assignments.append("version = version + 1")
    assignments.append(
        "ended_at = NULL" if active else "ended_at = coalesce(ended_at, :v_ended_at)"
    )
    if usage:
        assignments += [
            f"{name} = {name} + :v_{name}"
            for name in ("prompt_tokens", "completion_tokens", "cost_usd")
        ]
    post_part = ""
    if posts:
        post_part = _POSTS_AT_ONCE.format(
            post_columns=", ".join(_POST_ARRAYS),
            post_arrays=", ".join(f"CAST(:p_{n} AS {t}[])" for n, t in _POST_ARRAYS.items()),
        )
    sql = _STEP_AT_ONCE.format(
        assignments=", ".join(assignments),
        turn_columns=", ".join(_TURN_ARRAYS),
        turn_arrays=", ".join(f"CAST(:t_{n} AS {t}[])" for n, t in _TURN_ARRAYS.items()),
        posts=post_part,
    )
    times = ["v_updated_at", "v_deadline_at", *(["v_ended_at"] if not active else [])]
    if posts:
        times.append("p_now")
    return sql_text(sql).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in times))


PEER_FORMAT = "peer mock"


def _state_columns(state: InterviewState) -> dict[str, Any]:
    """The Interview columns that mirror the state (ended_at is handled apart)."""
    return {
        "question_id": state.question_id,
        "format": PEER_FORMAT if state.peer else state.format.value,  # what history shows
        "status": state.status.value,
        "stage": state.stage.value,
        "state_json": json.dumps(state.to_dict()),
        "updated_at": as_utc(state.last_event_at),
        "deadline_at": next_deadline(state),
    }


def _ended_at(state: InterviewState) -> datetime | None:
    """When the interview ended, None while it runs (an ended_at once stored is kept: see
    _step_statement)."""
    return None if state.status is Status.ACTIVE else as_utc(state.last_event_at)


def _turn_rows(
    interview_id: int, first_seq: int, turns: Sequence[Turn], state: InterviewState
) -> list[dict[str, Any]]:
    """Column values for turns numbered from first_seq; a turn without a time gets the state's."""
    return [
        {
            "interview_id": interview_id,
            "seq": seq,
            "role": turn.role.value,
            "stage": turn.stage.value,
            "kind": str(turn.kind),
            "text": storable(turn.text),
            "curveball_id": turn.curveball_id,
            "author": None if turn.author is None else storable(turn.author),
            "diagram": None if turn.diagram is None else storable(turn.diagram),
            "created_at": as_utc(turn.at or state.last_event_at),
        }
        for seq, turn in enumerate(turns, start=first_seq)
    ]


_AnySelect: TypeAlias = Select[*tuple[Any, ...]]

_INTERVIEW_COLUMNS = (
    col(Interview.id),
    col(Interview.user_id),
    col(Interview.platform),
    col(Interview.channel),
    col(Interview.state_json),
    col(Interview.version),
    col(ScorecardRow.card_json),
)
"""What a StoredInterview is made of, read as columns (no ORM objects on the hot path);
select them with _INTERVIEWS."""


_INTERVIEWS = sa_select(*_INTERVIEW_COLUMNS).outerjoin(
    ScorecardRow, col(ScorecardRow.interview_id) == col(Interview.id)
)
"""SELECT _INTERVIEW_COLUMNS: each interview with its scorecard, if it has one (a
statement is immutable: each use adds its own WHERE)."""


# The statements every answer runs, built once with bound parameters: building a statement
# (its operators, its cache key) costs as much Python as running it.

_USER_BY_PLATFORM_ID = sa_select(col(User.id), col(User.display_name)).where(
    col(User.platform) == bindparam("platform"), col(User.external_id) == bindparam("external_id")
)


def _newest_of(*where: ColumnElement[bool]) -> _AnySelect:
    """The most recently created interview matching `where`."""
    return (
        _INTERVIEWS.where(*where)
        .order_by(col(Interview.created_at).desc(), col(Interview.id).desc())
        .limit(1)
    )


_RUNNING_IN_CHANNEL = _newest_of(
    col(Interview.platform) == bindparam("platform"),
    col(Interview.channel) == bindparam("channel"),
    col(Interview.status) == Status.ACTIVE.value,
)

_INTERVIEW_BY_ID = _INTERVIEWS.where(col(Interview.id) == bindparam("interview_id"))

_TURNS = (
    sa_select(
        col(InterviewTurn.role),
        col(InterviewTurn.stage),
        col(InterviewTurn.text),
        col(InterviewTurn.kind),
        col(InterviewTurn.created_at),
        col(InterviewTurn.curveball_id),
        col(InterviewTurn.author),
        col(InterviewTurn.diagram),
    )
    .where(col(InterviewTurn.interview_id) == bindparam("interview_id"))
    .order_by(col(InterviewTurn.seq))
)

_CLAIM_EVENT = (
    pg_insert(ProcessedEvent)
    .values(
        platform=bindparam("platform"),
        event_key=bindparam("event_key"),
        created_at=bindparam("created_at", type_=UTCDateTime()),
    )
    .on_conflict_do_nothing(index_elements=["platform", "event_key"])
    .returning(col(ProcessedEvent.id))
)
"""claim_event on PostgreSQL: a row back when this claim made it, none when it was there."""

_TURNS_JSON = (
    sa_select(
        func.json_agg(
            aggregate_order_by(
                func.json_build_array(*_TURNS.selected_columns), col(InterviewTurn.seq)
            )
        )
    )
    .where(col(InterviewTurn.interview_id) == col(Interview.id))
    .correlate(Interview)
    .scalar_subquery()
)
"""An interview's turns as one JSON array of _TURNS' columns, in order (PostgreSQL): read
with the interview's row, one round trip instead of two."""

_WITH_TURNS = {
    id(statement): statement.add_columns(_TURNS_JSON)
    for statement in (_RUNNING_IN_CHANNEL, _INTERVIEW_BY_ID)
}

_RUNNING = _WITH_TURNS[id(_RUNNING_IN_CHANNEL)].subquery().lateral("running")
_CONVERSATION = sa_select(col(User.id), col(User.display_name), *_RUNNING.c).select_from(
    sa_select(literal(1).label("one"))
    .subquery("one")
    .outerjoin(
        User,
        (col(User.platform) == bindparam("platform"))
        & (col(User.external_id) == bindparam("external_id")),
    )
    .outerjoin(_RUNNING, true())
)
"""conversation on PostgreSQL, one row always: the user's id and name (NULL on first sight),
then the running interview's _INTERVIEW_COLUMNS and _TURNS_JSON (NULL when none runs)."""

_LAST_SEQ = sa_select(func.max(col(InterviewTurn.seq))).where(
    col(InterviewTurn.interview_id) == bindparam("interview_id")
)


def _known_user(
    connection: Connection, platform: str, external_id: str, display_name: str | None
) -> int | None:
    """The user's id when nothing about them needs writing: seen before, and not renamed."""
    row = connection.execute(
        _USER_BY_PLATFORM_ID, {"platform": platform, "external_id": external_id}
    ).first()
    return None if row is None else _unchanged_user(row[0], row[1], display_name)


def _unchanged_user(user_id: int | None, stored_name: str | None, name: str | None) -> int | None:
    """The id of a user found, when their name needs no writing."""
    if user_id is None or (name and stored_name != storable(name)):
        return None
    return pk(user_id)


def _first_stored(
    connection: Connection, statement: _AnySelect, params: dict[str, Any] | None = None
) -> StoredInterview | None:
    """The first interview a SELECT of _INTERVIEW_COLUMNS finds, with its turns: on
    PostgreSQL in the same statement (_TURNS_JSON), on SQLite in a second one."""
    if connection.dialect.name == "postgresql":
        row = connection.execute(_with_turns(statement), params).first()
        return None if row is None else _stored(row[:-1], _json_turns(row[-1]))
    row = connection.execute(statement, params).first()
    if row is None:
        return None
    # Columns, not ORM objects: an interview of forty turns is read on every answer.
    turn_rows = connection.execute(_TURNS, {"interview_id": row[0]}).all()
    return _stored(row, turn_rows)


def _with_turns(statement: _AnySelect) -> _AnySelect:
    """The statement with _TURNS_JSON as its last column (built once for the hot ones)."""
    built = _WITH_TURNS.get(id(statement))
    return statement.add_columns(_TURNS_JSON) if built is None else built


def _json_turns(found: list[list[Any]] | None) -> list[tuple[Any, ...]]:
    """_TURNS_JSON's rows as _TURNS gives them (the times back from their ISO text)."""
    return [(*t[:4], aware(t[4]), *t[5:]) for t in found or ()]


def _stored(row: Sequence[Any], turn_rows: Sequence[Sequence[Any]]) -> StoredInterview:
    """The domain view of an interview row (_INTERVIEW_COLUMNS) and its turns' (_TURNS)."""
    interview_id, user_id, platform, channel, state_json, version, card = row
    return StoredInterview(
        id=interview_id,
        user_id=user_id,
        platform=platform,
        channel=channel,
        state=InterviewState.from_dict(json.loads(state_json)),
        turns=[
            Turn(
                role=Role(role),
                stage=Stage(stage),
                text=text,
                kind=kind,
                at=at,
                curveball_id=curveball_id,
                author=author,
                diagram=diagram,
            )
            for role, stage, text, kind, at, curveball_id, author, diagram in turn_rows
        ],
        scorecard=None if card is None else Scorecard.from_dict(json.loads(card)),
        version=version,
    )
