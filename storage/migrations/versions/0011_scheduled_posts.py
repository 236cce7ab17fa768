"""Scheduled posts, exactly once through crashes: one outbox (interviewer/outbox.py) of the
recaps, boards, reminders, pairs and peer-mock clock posts, each with a unique key, a claim
time (the lease), and the id the platform gave it once posted.

Revision ID: 0011_scheduled_posts
Revises: 0010_drill_post_claims
Create Date: 2026-12-07 14:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0011_scheduled_posts"
down_revision: str | None = "0010_drill_post_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("extra_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_post")),
        sa.UniqueConstraint("key", name=op.f("uq_scheduled_post_key")),
    )
    op.create_index(
        "ix_scheduled_post_posted_at_claimed_at",
        "scheduled_post",
        ["posted_at", "claimed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_post_posted_at_claimed_at", table_name="scheduled_post")
    op.drop_table("scheduled_post")
