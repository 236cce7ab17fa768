"""Chat conversations: channel lookups, clock deadlines, token usage, processed events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interview") as batch:
        batch.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("prompt_tokens", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("completion_tokens", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("cost_usd", sa.Float(), nullable=False, server_default="0"))
    with op.batch_alter_table("interview") as batch:
        batch.alter_column("prompt_tokens", server_default=None)
        batch.alter_column("completion_tokens", server_default=None)
        batch.alter_column("cost_usd", server_default=None)
    op.create_index(
        "ix_interview_platform_channel_status", "interview", ["platform", "channel", "status"]
    )
    op.create_index("ix_interview_deadline_at", "interview", ["deadline_at"])
    op.create_table(
        "processed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_event")),
        sa.UniqueConstraint(
            "platform", "event_key", name=op.f("uq_processed_event_platform_event_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("processed_event")
    op.drop_index("ix_interview_deadline_at", table_name="interview")
    op.drop_index("ix_interview_platform_channel_status", table_name="interview")
    with op.batch_alter_table("interview") as batch:
        batch.drop_column("cost_usd")
        batch.drop_column("completion_tokens")
        batch.drop_column("prompt_tokens")
        batch.drop_column("deadline_at")
