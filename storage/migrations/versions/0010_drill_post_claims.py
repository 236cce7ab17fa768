"""When a drill post was claimed: a claim left unposted past a lease (a crash between the claim
and the post, or before its thread was saved) is taken again and found or posted once.

Revision ID: 0010_drill_post_claims
Revises: 0009_channel_settings
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_drill_post_claims"
down_revision: str | None = "0009_channel_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drill_post") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drill_post") as batch:
        batch.drop_column("claimed_at")
