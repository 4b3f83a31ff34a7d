"""Read-side queries over plans and tasks."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.models import Agency, Plan, PlanDuty, PlanDutyAgency, Task, TaskAssignment, TaskRole


def list_plans(session: Session) -> list[Plan]:
    return list(session.exec(select(Plan).order_by(col(Plan.id))).all())


def get_plan(session: Session, *, code: str | None = None) -> Plan | None:
    """The plan with this code, or the first plan when no code is given."""
    query = select(Plan).order_by(col(Plan.id))
    if code is not None:
        query = query.where(Plan.code == code)
    return session.exec(query).first()


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
        select(PlanDutyAgency, Agency).join(Agency, col(Agency.id) == col(PlanDutyAgency.agency_id))
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
    }
