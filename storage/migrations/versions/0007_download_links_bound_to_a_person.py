"""download links bound to a person and a browser, optionally single-use

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("download_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("single_use", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("used_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("claim_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("download_link", schema=None) as batch_op:
        batch_op.drop_column("claim_hash")
        batch_op.drop_column("used_at")
        batch_op.drop_column("single_use")
