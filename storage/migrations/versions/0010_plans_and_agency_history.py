"""several plans and agencies with a history: plan_agency (who a plan names, obliged per plan),
agency_change (create, rename, merge, split, dissolve from a date), agency.valid_from/ended_on

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_agency",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("obliged", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_plan_agency_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_agency_plan_id_plan")),
        sa.PrimaryKeyConstraint("plan_id", "agency_id", name=op.f("pk_plan_agency")),
    )
    op.create_table(
        "agency_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("successor_ids", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("recorded_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("carried_out_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_change_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_change")),
    )
    with op.batch_alter_table("agency_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_change_agency_id"), ["agency_id"], unique=False)
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))

    bind = op.get_bind()
    agency = sa.table(
        "agency",
        sa.column("id", sa.Integer()),
        sa.column("is_group", sa.Boolean()),
        sa.column("obliged", sa.Boolean()),
        sa.column("merged_into_id", sa.Integer()),
        sa.column("updated_at", storage.types.UTCDateTime()),
        sa.column("ended_on", sa.Date()),
    )
    plan = sa.table("plan", sa.column("id", sa.Integer()))
    plan_agency = sa.table(
        "plan_agency",
        sa.column("plan_id", sa.Integer()),
        sa.column("agency_id", sa.Integer()),
        sa.column("obliged", sa.Boolean()),
    )
    change = sa.table(
        "agency_change",
        sa.column("kind", sa.String()),
        sa.column("agency_id", sa.Integer()),
        sa.column("effective_on", sa.Date()),
        sa.column("successor_ids", sa.JSON()),
        sa.column("detail", sa.JSON()),
        sa.column("source", sa.String()),
        sa.column("recorded_at", storage.types.UTCDateTime()),
        sa.column("carried_out_at", storage.types.UTCDateTime()),
    )
    # Before, one plan and `obliged` on the agency: every plan keeps what it was.
    plans = [row.id for row in bind.execute(sa.select(plan.c.id))]
    agencies = bind.execute(
        sa.select(
            agency.c.id, agency.c.obliged, agency.c.merged_into_id, agency.c.updated_at
        ).where(agency.c.is_group.is_(False))
    ).all()
    rows = [
        {"plan_id": p, "agency_id": a.id, "obliged": bool(a.obliged)}
        for p in plans
        for a in agencies
    ]
    if rows:
        bind.execute(plan_agency.insert(), rows)
    # A merge made before the history existed: the agency ended the day it was merged.
    for a in agencies:
        if a.merged_into_id is None:
            continue
        day = a.updated_at.date()
        bind.execute(agency.update().where(agency.c.id == a.id).values(ended_on=day))
        bind.execute(
            change.insert().values(
                kind="merge",
                agency_id=a.id,
                effective_on=day,
                successor_ids=[a.merged_into_id],
                detail={},
                source="migration 0010",
                recorded_at=a.updated_at,
                carried_out_at=a.updated_at,
            )
        )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("obliged")


def downgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("obliged", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    bind = op.get_bind()
    agency = sa.table(
        "agency",
        sa.column("id", sa.Integer()),
        sa.column("obliged", sa.Boolean()),
        sa.column("reports", sa.Boolean()),
        sa.column("merged_into_id", sa.Integer()),
        sa.column("ended_on", sa.Date()),
    )
    plan_agency = sa.table(
        "plan_agency",
        sa.column("agency_id", sa.Integer()),
        sa.column("obliged", sa.Boolean()),
    )
    # One flag for every plan: a body any plan only requests stays only requested.
    requested = sa.select(plan_agency.c.agency_id).where(plan_agency.c.obliged.is_(False))
    bind.execute(agency.update().where(agency.c.id.in_(requested)).values(obliged=False))
    # The older code knows only merges: a split or dissolved agency stops reporting.
    bind.execute(
        agency.update()
        .where(agency.c.ended_on.is_not(None), agency.c.merged_into_id.is_(None))
        .values(reports=False)
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
        batch_op.drop_column("valid_from")
    with op.batch_alter_table("agency_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_change_agency_id"))
    op.drop_table("agency_change")
    op.drop_table("plan_agency")
