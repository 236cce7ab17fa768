"""Peer mocks: members who opted in, each channel's weekly pairing, and the sessions.

Revision ID: 0006_peer_mocks
Revises: 0005_diagrams
Create Date: 2026-12-01 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_peer_mocks"
down_revision: str | None = "0005_diagrams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "peer_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_member")),
        sa.UniqueConstraint(
            "platform", "channel", "user_id", name=op.f("uq_peer_member_platform_channel_user_id")
        ),
    )
    op.create_table(
        "peer_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_schedule")),
        sa.UniqueConstraint("platform", "channel", name=op.f("uq_peer_schedule_platform_channel")),
    )
    op.create_table(
        "peer_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interviewer", sa.String(length=255), nullable=False),
        sa.Column("candidate", sa.String(length=255), nullable=False),
        sa.Column("question_id", sa.String(length=255), nullable=False),
        sa.Column("thread_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_session")),
        sa.UniqueConstraint(
            "platform",
            "channel",
            "occurrence_at",
            "interviewer",
            name=op.f("uq_peer_session_platform_channel_occurrence_at_interviewer"),
        ),
    )


def downgrade() -> None:
    op.drop_table("peer_session")
    op.drop_table("peer_schedule")
    op.drop_table("peer_member")
