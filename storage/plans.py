"""Read-side queries over plans and tasks."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, select

from storage.i18n import Text
from storage.models import (
    Agency,
    AgencyChange,
    Plan,
    PlanAgency,
    PlanDuty,
    PlanDutyAgency,
    ReportingPeriod,
    Task,
    TaskAssignment,
    TaskRole,
)


def list_plans(session: Session) -> list[Plan]:
    return list(session.exec(select(Plan).order_by(col(Plan.id))).all())


# Built once, and only the columns wanted: a stranger's /start and /help read them on every
# message, so they are a good part of what an update costs (bench/telegram_throughput.py).
_PLAN_CODES = select(Plan.code).order_by(col(Plan.id))
_SECRETARIAT_NAME = (
    select(Agency.name)
    .join(Plan, col(Plan.secretariat_agency_id) == col(Agency.id))
    .order_by(col(Plan.id))
    .limit(1)
)


def plan_codes_in_order(session: Session) -> list[str]:
    """The plans' codes, in the order they were imported."""
    return list(session.exec(_PLAN_CODES).all())


def secretariat_name(session: Session) -> str | None:
    """The agency that runs the deployment's plans (the first plan names it); None when no
    plan names one."""
    return session.exec(_SECRETARIAT_NAME).first()


def plan_codes(session: Session, plan_ids: set[int]) -> dict[int, str]:
    """Plan id -> code, for these plans."""
    rows = session.exec(select(Plan).where(col(Plan.id).in_(plan_ids))).all()
    return {p.id: p.code for p in rows if p.id is not None}


def get_plan(session: Session, *, code: str | None = None) -> Plan | None:
    """The plan with this code (case does not matter), or, when no code is given, the only
    plan: None when there is none, or several to choose from."""
    plans = list_plans(session)
    if code is None:
        return plans[0] if len(plans) == 1 else None
    wanted = code.strip().casefold()
    return next((p for p in plans if p.code.casefold() == wanted), None)


class PlanChoiceError(LookupError):
    """No plan matches what was asked, or several do: `text` says which exist."""

    def __init__(self, key: str, **values: object) -> None:
        self.text = Text(key, values)
        super().__init__(str(self.text))


def choose_plan(session: Session, *, code: str | None) -> Plan:
    """The plan named by `code` (e.g. `--plan 452/KH-UBND`), or the only one."""
    plan = get_plan(session, code=code)
    if plan is not None:
        return plan
    codes = ", ".join(p.code for p in list_plans(session))
    if not codes:
        raise PlanChoiceError("plan_choice.none")
    if code is None:
        raise PlanChoiceError("plan_choice.several", codes=codes)
    raise PlanChoiceError("plan_choice.unknown", code=code, codes=codes)


def active_tasks(session: Session, *, plan: Plan) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.plan_id == plan.id, col(Task.retired).is_(False))
            .order_by(col(Task.number))
        ).all()
    )


def find_task(session: Session, *, plan: Plan, number: int) -> Task | None:
    """An active task of the plan by its number in the appendix."""
    return session.exec(
        select(Task).where(
            Task.plan_id == plan.id, Task.number == number, col(Task.retired).is_(False)
        )
    ).first()


def task_agencies(session: Session, *, plan: Plan) -> dict[int, dict[str, list[Agency]]]:
    """For each task id: its lead and coordinating agencies (or groups), in plan order."""
    rows = session.exec(
        select(TaskAssignment, Agency)
        .join(Agency, col(Agency.id) == col(TaskAssignment.agency_id))
        .join(Task, col(Task.id) == col(TaskAssignment.task_id))
        .where(Task.plan_id == plan.id)
        .order_by(col(TaskAssignment.position))
    ).all()
    out: dict[int, dict[str, list[Agency]]] = {}
    for assignment, agency in rows:
        roles = out.setdefault(assignment.task_id, {TaskRole.lead: [], TaskRole.coordinating: []})
        roles[assignment.role].append(agency)
    return out


def describe_plan(session: Session, *, plan: Plan) -> dict[str, Any]:
    """A plain description of a plan (for `baocao plan show` and its --json)."""
    assignments = task_agencies(session, plan=plan)
    tasks = []
    for task in active_tasks(session, plan=plan):
        roles = assignments.get(task.id or 0, {})
        tasks.append(
            {
                "number": task.number,
                "title": task.title,
                "timeframe": task.timeframe,
                "lead": [a.name for a in roles.get(TaskRole.lead, [])],
                "coordinating": [a.name for a in roles.get(TaskRole.coordinating, [])],
            }
        )
    secretariat = (
        session.get(Agency, plan.secretariat_agency_id) if plan.secretariat_agency_id else None
    )
    duties = session.exec(
        select(PlanDuty).where(PlanDuty.plan_id == plan.id).order_by(col(PlanDuty.number))
    ).all()
    duty_agencies = session.exec(
        select(PlanDutyAgency, Agency)
        .join(Agency, col(Agency.id) == col(PlanDutyAgency.agency_id))
        .join(PlanDuty, col(PlanDuty.id) == col(PlanDutyAgency.duty_id))
        .where(PlanDuty.plan_id == plan.id)
    ).all()
    by_duty: dict[int, list[str]] = {}
    for link, agency in duty_agencies:
        by_duty.setdefault(link.duty_id, []).append(agency.name)
    return {
        "code": plan.code,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "secretariat": secretariat.name if secretariat else None,
        "deadlines": {
            "agencies_report": f"{plan.agencies_due_day:02d}/{plan.agencies_due_month:02d}",
            "consolidation": f"{plan.consolidation_due_day:02d}/{plan.consolidation_due_month:02d}",
            "adhoc_on_request": plan.adhoc_allowed,
        },
        "tasks": tasks,
        "duties": [
            {"number": d.number, "heading": d.heading, "agencies": by_duty.get(d.id or 0, [])}
            for d in duties
        ],
        "agency_changes": agency_changes(session, plan=plan),
    }


def agency_changes(session: Session, *, plan: Plan) -> list[dict[str, Any]]:
    """The recorded changes of the agencies this plan names (renamed, merged, split,
    dissolved), by date: what `plan show` tells after a reorganisation."""
    named = select(PlanAgency.agency_id).where(PlanAgency.plan_id == plan.id)
    changes = session.exec(
        select(AgencyChange)
        .where(col(AgencyChange.agency_id).in_(named), AgencyChange.kind != "create")
        .order_by(col(AgencyChange.effective_on), col(AgencyChange.id))
    ).all()
    ids = {c.agency_id for c in changes} | {i for c in changes for i in c.successor_ids}
    names = {
        a.id: a.name for a in session.exec(select(Agency).where(col(Agency.id).in_(ids))).all()
    }
    return [
        {
            "effective_on": c.effective_on.isoformat(),
            "kind": c.kind,
            "agency": c.detail.get("from") or c.detail.get("name") or names.get(c.agency_id, ""),
            "successors": [names.get(i, "") for i in c.successor_ids],
            "new_name": c.detail.get("to"),
            "in_effect": c.carried_out_at is not None,
        }
        for c in changes
    ]


def period_file_key(session: Session, period: ReportingPeriod) -> str:
    """The period's part of a file name: its key, and with several plans also its plan's code,
    so two plans' files of the same year never share a name ("2026-15-kh-skhcn")."""
    if len(list_plans(session)) < 2:
        return period.key
    plan = session.get(Plan, period.plan_id)
    code = re.sub(r"[^a-z0-9]+", "-", plan.code.lower()).strip("-") if plan else ""
    return f"{period.key}-{code}" if code else period.key
