"""Reporting periods: the yearly one from the plan's rules, and ad-hoc requests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import (
    Agency,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Plan,
    ReportingPeriod,
)


def chased(period: ReportingPeriod) -> ColumnElement[bool]:
    """Which of a period's agencies are reminded and counted as overdue (a condition on
    Agency): for the yearly report, not the bodies the plan only requests (`obliged` false);
    an ad-hoc request names its agencies itself, so all of them."""
    if period.kind == PeriodKind.periodic:
        return col(Agency.obliged).is_(True)
    return true()


def reporting_agencies(session: Session) -> list[Agency]:
    """Concrete, current agencies that owe periodic reports."""
    return list(
        session.exec(
            select(Agency)
            .where(
                col(Agency.is_group).is_(False),
                col(Agency.reports).is_(True),
                col(Agency.merged_into_id).is_(None),
            )
            .order_by(col(Agency.id))
        ).all()
    )


def ensure_yearly_period(
    session: Session, *, plan: Plan, year: int, clock: Clock
) -> tuple[ReportingPeriod, bool]:
    """Open the plan's period for `year` if it is not there yet. Returns (period, created)."""
    key = str(year)
    period = session.exec(
        select(ReportingPeriod).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.key == key
        )
    ).first()
    if period is not None:
        return period, False
    period = ReportingPeriod(
        plan_id=plan.id,  # type: ignore[arg-type]
        key=key,
        kind=PeriodKind.periodic,
        title=f"Báo cáo năm {year} - Kế hoạch {plan.code}",
        due_on=date(year, plan.agencies_due_month, plan.agencies_due_day),
        consolidation_due_on=date(year, plan.consolidation_due_month, plan.consolidation_due_day),
        status=PeriodStatus.open,
        created_at=clock.now(),
    )
    session.add(period)
    session.flush()
    for agency in reporting_agencies(session):
        session.add(PeriodAgency(period_id=period.id, agency_id=agency.id))  # type: ignore[arg-type]
    session.flush()
    return period, True


def open_periods(session: Session) -> list[ReportingPeriod]:
    return list(
        session.exec(
            select(ReportingPeriod)
            .where(ReportingPeriod.status == PeriodStatus.open)
            .order_by(col(ReportingPeriod.due_on))
        ).all()
    )


def period_agency_ids(session: Session, *, period: ReportingPeriod) -> list[int]:
    return list(
        session.exec(
            select(PeriodAgency.agency_id).where(PeriodAgency.period_id == period.id)
        ).all()
    )
