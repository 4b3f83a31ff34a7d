"""revoked invites: when the secretariat revoked an invite, kept apart from its expiry

Before this revision a revoked invite was made to expire at once, so the list could not tell
it from one that ran out. A downgrade puts that back: a revoked invite that had not expired
yet expires at the moment it was revoked, so the older code refuses it too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

invites = sa.table(
    "invite",
    sa.column("expires_at", storage.types.UTCDateTime()),
    sa.column("revoked_at", storage.types.UTCDateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.execute(
        invites.update()
        .where(invites.c.revoked_at.is_not(None), invites.c.revoked_at < invites.c.expires_at)
        .values(expires_at=invites.c.revoked_at)
    )
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
