"""Daily drills, their answers, the points ledger, leaderboard choices and job claims.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drill_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=32), nullable=False),
        sa.Column("topic_or_level", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_subscription")),
    )
    # At most one active subscription per channel: a partial unique index.
    op.create_index(
        "uq_drill_subscription_active_channel",
        "drill_subscription",
        ["platform", "channel"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "drill_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question_id", sa.String(length=255), nullable=False),
        sa.Column("thread_key", sa.String(length=255), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recap_posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["drill_subscription.id"],
            name=op.f("fk_drill_post_subscription_id_drill_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_post")),
        sa.UniqueConstraint(
            "subscription_id",
            "occurrence_at",
            name=op.f("uq_drill_post_subscription_id_occurrence_at"),
        ),
    )
    op.create_index(
        "ix_drill_post_platform_thread_key", "drill_post", ["platform", "thread_key"]
    )
    op.create_table(
        "drill_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("scorecard_json", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["drill_post.id"],
            name=op.f("fk_drill_answer_post_id_drill_post"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_answer")),
        sa.UniqueConstraint("post_id", "user_id", name=op.f("uq_drill_answer_post_id_user_id")),
    )
    op.create_table(
        "points_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=255), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=32), nullable=False),
        sa.Column("criteria_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_ledger")),
        sa.UniqueConstraint(
            "source_kind", "source_id", name=op.f("uq_points_ledger_source_kind_source_id")
        ),
    )
    op.create_index(
        "ix_points_ledger_platform_workspace", "points_ledger", ["platform", "workspace"]
    )
    op.create_index("ix_points_ledger_platform_user_id", "points_ledger", ["platform", "user_id"])
    op.create_table(
        "leaderboard_pref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaderboard_pref")),
        sa.UniqueConstraint(
            "platform",
            "workspace",
            "user_id",
            name=op.f("uq_leaderboard_pref_platform_workspace_user_id"),
        ),
    )
    op.create_table(
        "scheduler_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_key", sa.String(length=255), nullable=False),
        sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_claim")),
        sa.UniqueConstraint(
            "job_key", "occurrence_at", name=op.f("uq_scheduler_claim_job_key_occurrence_at")
        ),
    )


def downgrade() -> None:
    op.drop_table("scheduler_claim")
    op.drop_table("leaderboard_pref")
    op.drop_index("ix_points_ledger_platform_user_id", table_name="points_ledger")
    op.drop_index("ix_points_ledger_platform_workspace", table_name="points_ledger")
    op.drop_table("points_ledger")
    op.drop_table("drill_answer")
    op.drop_index("ix_drill_post_platform_thread_key", table_name="drill_post")
    op.drop_table("drill_post")
    op.drop_index("uq_drill_subscription_active_channel", table_name="drill_subscription")
    op.drop_table("drill_subscription")
