"""Per-channel settings: answer window, weekly board day, hour and visibility, default format
and level, drill topics.

Revision ID: 0009_channel_settings
Revises: 0008_peer_sessions
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_channel_settings"
down_revision: str | None = "0008_peer_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("window_hours", sa.Float(), nullable=True),
        sa.Column("board_day", sa.Integer(), nullable=True),
        sa.Column("board_hour", sa.Integer(), nullable=True),
        sa.Column("board", sa.String(length=16), nullable=True),
        sa.Column("fmt", sa.String(length=16), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("topics", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_setting")),
        sa.UniqueConstraint(
            "platform", "channel", name=op.f("uq_channel_setting_platform_channel")
        ),
    )


def downgrade() -> None:
    op.drop_table("channel_setting")
