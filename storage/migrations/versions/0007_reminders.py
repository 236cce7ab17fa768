"""Streak reminders: each member's choice (on, off, snoozed until).

Revision ID: 0007_reminders
Revises: 0006_peer_mocks
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_reminders"
down_revision: str | None = "0006_peer_mocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_pref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_pref")),
        sa.UniqueConstraint(
            "platform", "workspace", "user_id", name=op.f("uq_reminder_pref_platform_workspace_user_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_pref")
