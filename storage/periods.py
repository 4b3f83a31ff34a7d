"""Reporting periods: the yearly one from the plan's rules, and ad-hoc requests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, not_, true
from sqlmodel import Session, col, select

from storage.agencies import ending_by, exists_on_clause
from storage.clock import Clock
from storage.i18n import translate
from storage.models import (
    Agency,
    GroupMember,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Plan,
    PlanAgency,
    PlanDuty,
    PlanDutyAgency,
    ReportingPeriod,
)
from storage.scope import plan_scope


def chased(period: ReportingPeriod) -> ColumnElement[bool]:
    """Which of a period's agencies are reminded and counted as overdue (a condition on
    Agency): for the yearly report, not the bodies its plan only requests (`obliged` false
    for that plan); an ad-hoc request names its agencies itself, so all of them."""
    if period.kind == PeriodKind.periodic:
        return not_(
            exists().where(
                and_(
                    col(PlanAgency.plan_id) == period.plan_id,
                    col(PlanAgency.agency_id) == col(Agency.id),
                    col(PlanAgency.obliged).is_(False),
                )
            )
        )
    return true()


def reporting_agencies(session: Session) -> list[Agency]:
    """Concrete agencies of the deployment that report and exist now (not merged, split or
    dissolved), whatever plans they take part in."""
    return list(
        session.exec(
            select(Agency)
            .where(
                col(Agency.is_group).is_(False),
                col(Agency.reports).is_(True),
                col(Agency.ended_on).is_(None),
            )
            .order_by(col(Agency.id))
        ).all()
    )


def plan_participants(session: Session, *, plan_id: int, on: date) -> list[Agency]:
    """The agencies that take part in a plan on a day: those the plan names, those its
    tasks reach (groups expanded, the secretariat's exclusions applied) and those its
    section IV duties name (successors inherit all three), that report and exist that day
    (a change recorded to end them by then counts)."""
    reached = {
        agency_id
        for by_agency in plan_scope(session, plan_id=plan_id).values()
        for agency_id in by_agency
    }
    named = set(
        session.exec(
            select(PlanDutyAgency.agency_id)
            .join(PlanDuty, col(PlanDuty.id) == col(PlanDutyAgency.duty_id))
            .where(PlanDuty.plan_id == plan_id)
        ).all()
    )
    members = session.exec(
        select(GroupMember.member_id).where(col(GroupMember.group_id).in_(named))
    ).all()
    listed = session.exec(select(PlanAgency.agency_id).where(PlanAgency.plan_id == plan_id))
    wanted = reached | named | set(members) | set(listed.all())
    ending = ending_by(session, on)
    return [
        agency
        for agency in session.exec(
            select(Agency)
            .where(
                col(Agency.id).in_(wanted),
                col(Agency.is_group).is_(False),
                col(Agency.reports).is_(True),
                exists_on_clause(on),
            )
            .order_by(col(Agency.id))
        ).all()
        if agency.id not in ending
    ]


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
        plan_id=plan.id,
        key=key,
        kind=PeriodKind.periodic,
        # Stored, and read by everyone: in the plan's language, Vietnamese.
        title=translate("period.yearly_title", "vi", year=year, plan=plan.code),
        due_on=date(year, plan.agencies_due_month, plan.agencies_due_day),
        consolidation_due_on=date(year, plan.consolidation_due_month, plan.consolidation_due_day),
        status=PeriodStatus.open,
        created_at=clock.now(),
    )
    session.add(period)
    session.flush()
    # A period's reporting agencies are the plan's that exist on its deadline.
    for agency in plan_participants(session, plan_id=plan.id, on=period.due_on):
        session.add(PeriodAgency(period_id=period.id, agency_id=agency.id))
    session.flush()
    return period, True


def open_periods(session: Session, *, plan_id: int | None = None) -> list[ReportingPeriod]:
    """Open periods (of one plan, or of all), by deadline."""
    query = select(ReportingPeriod).where(ReportingPeriod.status == PeriodStatus.open)
    if plan_id is not None:
        query = query.where(ReportingPeriod.plan_id == plan_id)
    return list(
        session.exec(query.order_by(col(ReportingPeriod.due_on), col(ReportingPeriod.id))).all()
    )


def period_agency_ids(session: Session, *, period: ReportingPeriod) -> list[int]:
    return list(
        session.exec(
            select(PeriodAgency.agency_id).where(PeriodAgency.period_id == period.id)
        ).all()
    )
