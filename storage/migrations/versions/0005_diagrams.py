"""Diagrams: a turn keeps the source of the diagram drawn with it (issue 15).

Revision ID: 0005_diagrams
Revises: 0004
Create Date: 2026-12-01 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_diagrams"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interview_turn") as batch:
        batch.add_column(sa.Column("diagram", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_turn") as batch:
        batch.drop_column("diagram")
