"""Migration 0010 on a database filled by the code before it: `obliged` moves from the agency
to each plan, a merge made earlier becomes a recorded change with an end date, and the
downgrade puts back what the older code reads (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from storage import migrate
from storage.db import create_db_engine

pytestmark = pytest.mark.both_databases

MERGED_AT = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def fill_at_0008(engine: sa.Engine) -> None:
    """A plan, an obliged department, a body only requested, a department merged into the
    first one, and a group."""
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as db:
        db.execute(
            t["plan"]
            .insert()
            .values(
                id=1,
                code="452/KH-UBND",
                title="Kế hoạch",
                issuer="UBND tỉnh",
                agencies_due_month=11,
                agencies_due_day=30,
                consolidation_due_month=12,
                consolidation_due_day=20,
                reporting_note="",
                adhoc_allowed=True,
                imported_at=MERGED_AT,
            )
        )
        for agency_id, code, obliged, merged_into, group in (
            (1, "so-khcn", True, None, False),
            (2, "ubmttq-tinh", False, None, False),
            (3, "so-tttt", True, 1, False),
            (4, "cac-so", True, None, True),
        ):
            db.execute(t["agency"].insert().values(
                id=agency_id, code=code, name=code, kind="department", is_group=group,
                reports=not group, obliged=obliged, broad=False, merged_into_id=merged_into,
                created_at=MERGED_AT, updated_at=MERGED_AT,
            ))  # fmt: skip


def rows(engine: sa.Engine, query: str) -> list[tuple]:
    """Rows with dates as text: SQLite hands back text where PostgreSQL hands back dates."""
    with engine.connect() as db:
        return [
            tuple(str(v) if isinstance(v, date) else v for v in r)
            for r in db.execute(sa.text(query)).all()
        ]


def test_obligations_move_to_the_plan_and_merges_get_a_history(db_url):
    engine = create_db_engine(db_url)
    try:
        migrate.upgrade(engine, "0009")
        fill_at_0008(engine)
        migrate.upgrade(engine, "0010")
        assert rows(engine, "SELECT plan_id, agency_id, obliged FROM plan_agency ORDER BY 2") == [
            (1, 1, True),
            (1, 2, False),
            (1, 3, True),
        ]
        assert rows(engine, "SELECT id, ended_on FROM agency WHERE ended_on IS NOT NULL") == [
            (3, "2026-03-01")
        ]
        assert rows(engine, "SELECT kind, agency_id, effective_on FROM agency_change") == [
            ("merge", 3, "2026-03-01")
        ]
        assert "obliged" not in {c["name"] for c in sa.inspect(engine).get_columns("agency")}
        with engine.begin() as db:  # what the new code adds: a dissolved agency, a 2nd plan
            db.execute(sa.text("UPDATE agency SET ended_on = :d WHERE id = 1"), {"d": "2026-07-01"})
            db.execute(sa.text(
                "INSERT INTO plan (id, code, title, issuer, agencies_due_month, agencies_due_day,"
                " consolidation_due_month, consolidation_due_day, reporting_note, adhoc_allowed,"
                " imported_at) VALUES (2, 'P2', 'P2', '', 6, 30, 7, 15, '', true, :at)"
            ), {"at": MERGED_AT})  # fmt: skip
            db.execute(sa.text("INSERT INTO plan_agency VALUES (2, 1, false)"))
        migrate.downgrade(engine, "0009")
        assert rows(engine, "SELECT id, obliged, reports FROM agency ORDER BY id") == [
            (1, False, False),  # requested by one plan; dissolved, so it reports no more
            (2, False, True),
            (3, True, True),  # merged: the older code follows merged_into_id
            (4, True, False),
        ]
        assert "plan_agency" not in sa.inspect(engine).get_table_names()
        migrate.upgrade(engine)
    finally:
        engine.dispose()
