"""The points ledger and the members of a workspace, over SQL (a base of SqlDrillRepository)."""

from __future__ import annotations

import json

from sqlalchemy import or_, union
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from interviewer.drills.ports import LedgerEntry, Member
from storage.models import (
    LeaderboardPref,
    PeerMember,
    PointsLedger,
    User,
    storable,
    utc_now,
)
from storage.repositories.base import SqlStore
from storage.repositories.mapping import days_text, entry_from


class SqlPointsRepository(SqlStore):
    """Ledger entries, each source counted once, and members with their privacy choice."""

    def add_points(self, entry: LedgerEntry) -> bool:
        """Add a ledger entry; False when its source was counted before."""
        row = PointsLedger(
            platform=entry.platform,
            workspace=entry.workspace,
            user_id=entry.user_id,
            source_kind=entry.source_kind,
            source_id=entry.source_id,
            question_id=entry.question_id,
            overall=entry.overall,
            points=entry.points,
            local_day=entry.local_day,
            zone=entry.zone,
            weekdays=days_text(entry.weekdays),
            criteria_json=json.dumps(entry.criteria),
            created_at=entry.created_at,
        )
        return self._insert_once(row)

    def ledger(
        self, platform: str, workspace: str | None = None, user_id: str | None = None
    ) -> list[LedgerEntry]:
        """Ledger entries oldest first: a workspace's (with its members' interviews), a member's."""
        statement = select(PointsLedger).where(PointsLedger.platform == platform)
        if workspace is not None:
            # Members seen in the workspace: on its boards, in its drills or its peer mocks
            # (interview and peer points carry no workspace; they count where the member is).
            known = union(
                select(LeaderboardPref.user_id).where(
                    LeaderboardPref.platform == platform, LeaderboardPref.workspace == workspace
                ),
                select(PeerMember.user_id).where(
                    PeerMember.platform == platform, PeerMember.workspace == workspace
                ),
            )
            statement = statement.where(
                or_(
                    col(PointsLedger.workspace) == workspace,
                    (col(PointsLedger.workspace) == "") & col(PointsLedger.user_id).in_(known),
                )
            )
        if user_id is not None:
            statement = statement.where(PointsLedger.user_id == user_id)
        statement = statement.order_by(col(PointsLedger.created_at), col(PointsLedger.id))
        with Session(self._engine) as session:
            return [entry_from(r) for r in session.exec(statement)]

    def note_member(
        self, platform: str, workspace: str, user_id: str, display_name: str | None
    ) -> Member:
        """Record a member seen in a workspace (names are hidden until they opt in)."""
        try:
            return self._note_member(platform, workspace, user_id, display_name, None)
        except IntegrityError:  # a first sight raced another; now the row exists
            return self._note_member(platform, workspace, user_id, display_name, None)

    def set_show_name(self, platform: str, workspace: str, user_id: str, show: bool) -> None:
        """A member's choice to show or hide their name on the workspace's boards."""
        try:
            self._note_member(platform, workspace, user_id, None, show)
        except IntegrityError:
            self._note_member(platform, workspace, user_id, None, show)

    def members(self, platform: str, workspace: str) -> dict[str, Member]:
        """A workspace's known members by user id."""
        statement = select(LeaderboardPref).where(
            LeaderboardPref.platform == platform, LeaderboardPref.workspace == workspace
        )
        with Session(self._engine) as session:
            return {
                r.user_id: Member(r.user_id, r.display_name, r.show_name)
                for r in session.exec(statement)
            }

    def external_user(self, user_id: int) -> tuple[str, str] | None:
        """The platform and platform id of an interview user."""
        with Session(self._engine) as session:
            user = session.get(User, user_id)
            return None if user is None else (user.platform, user.external_id)

    def _note_member(
        self,
        platform: str,
        workspace: str,
        user_id: str,
        display_name: str | None,
        show: bool | None,
    ) -> Member:
        with self._transaction() as session:
            row = session.exec(
                select(LeaderboardPref).where(
                    LeaderboardPref.platform == platform,
                    LeaderboardPref.workspace == workspace,
                    LeaderboardPref.user_id == user_id,
                )
            ).first()
            if row is None:
                row = LeaderboardPref(platform=platform, workspace=workspace, user_id=user_id)
            if display_name:
                row.display_name = storable(display_name)
            if show is not None:
                row.show_name = show
            row.updated_at = utc_now()
            session.add(row)
            session.flush()
            return Member(row.user_id, row.display_name, row.show_name)
