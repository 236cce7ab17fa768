"""Peer sessions: a pair's session runs as an interview; the human interviewer's scores.

Revision ID: 0008_peer_sessions
Revises: 0007_reminders
Create Date: 2026-12-02 01:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_peer_sessions"
down_revision: str | None = "0007_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("peer_session") as batch:
        batch.add_column(sa.Column("interview_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("scores", sa.Text(), nullable=True))
        batch.add_column(sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_peer_session_platform_thread_key", "peer_session", ["platform", "thread_key"]
    )
    op.create_index("ix_peer_session_interview_id", "peer_session", ["interview_id"])


def downgrade() -> None:
    op.drop_index("ix_peer_session_interview_id", table_name="peer_session")
    op.drop_index("ix_peer_session_platform_thread_key", table_name="peer_session")
    with op.batch_alter_table("peer_session") as batch:
        batch.drop_column("scored_at")
        batch.drop_column("scores")
        batch.drop_column("started_at")
        batch.drop_column("interview_id")
