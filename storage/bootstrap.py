"""What every start does: migrate, import the bundled plan into an empty database, and open
the current year's period of every plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from storage import migrate
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.forms import ensure_forms
from storage.periods import ensure_yearly_period
from storage.plan_document import BUNDLED_PLAN, parse_yaml
from storage.plan_import import import_document
from storage.plans import list_plans


@dataclass
class BootReport:
    imported_plan: str | None = None
    opened_periods: list[str] = field(default_factory=list)


def prepare_database(
    engine: Engine,
    make_session: SessionFactory,
    *,
    clock: Clock,
    zone: ZoneInfo,
    plan_file: Path | None = None,
) -> BootReport:
    report = BootReport()
    # Several `baocao run` may start at once on an empty database: one migrates and imports,
    # the others wait, then find the schema at head and the plan there.
    with migrate.schema_lock(engine):
        migrate.upgrade(engine, lock=False)
        with transaction(make_session) as session:
            if not list_plans(session):
                document = parse_yaml(plan_file or BUNDLED_PLAN)
                import_document(session, document=document, clock=clock)
                report.imported_plan = document.plan.code
            for plan in list_plans(session):  # a database made before questionnaires were data
                ensure_forms(session, plan=plan, clock=clock)
        report.opened_periods = open_current_periods(make_session, clock=clock, zone=zone)
    return report


def open_current_periods(
    make_session: SessionFactory, *, clock: Clock, zone: ZoneInfo
) -> list[str]:
    """Open this (local) year's period of each plan; idempotent, so the scheduler calls it daily."""
    year = clock.now().astimezone(zone).year
    opened = []
    with transaction(make_session) as session:
        for plan in list_plans(session):
            period, created = ensure_yearly_period(session, plan=plan, year=year, clock=clock)
            if created:
                opened.append(f"{plan.code} {period.key}")
    return opened
