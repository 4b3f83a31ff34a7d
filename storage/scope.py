"""Scope: which agency reports on which task.

By default an agency named on a task (directly, or through an ordinary group) must report on
it; one that reaches a task only as a coordinating member of a broad collective ("các sở,
ngành, địa phương") *may* have contributed, and is asked once which of those tasks it did.
The secretariat's overrides (required, optional, excluded) win over the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, delete, select

from storage.clock import Clock
from storage.models import (
    Agency,
    GroupMember,
    PlanAgency,
    ScopeOverride,
    Task,
    TaskAssignment,
    TaskRole,
)


class Level(StrEnum):
    required = "required"
    optional = "optional"
    excluded = "excluded"


@dataclass(frozen=True)
class ScopeEntry:
    role: str  # lead | coordinating
    level: Level
    overridden: bool = False


@dataclass(frozen=True)
class ScopedTask:
    task: Task
    role: str
    level: Level


_RANK: dict[tuple[str, Level], int] = {
    (TaskRole.lead, Level.required): 3,
    (TaskRole.coordinating, Level.required): 2,
}


def _better(new: ScopeEntry, old: ScopeEntry | None) -> bool:
    if old is None:
        return True
    return _RANK.get((new.role, new.level), 1) > _RANK.get((old.role, old.level), 1)


def plan_scope(session: Session, *, plan_id: int) -> dict[int, dict[int, ScopeEntry]]:
    """task id -> agency id -> (role, level), groups expanded, overrides applied; excluded
    agencies are left out. Three queries, whatever the plan's size."""
    groups = {
        a.id: a for a in session.exec(select(Agency).where(col(Agency.is_group).is_(True))).all()
    }
    members: dict[int, list[int]] = {}
    for link in session.exec(select(GroupMember)).all():
        members.setdefault(link.group_id, []).append(link.member_id)
    scope: dict[int, dict[int, ScopeEntry]] = {}
    rows = session.exec(
        select(TaskAssignment)
        .join(Task, col(Task.id) == col(TaskAssignment.task_id))
        .where(Task.plan_id == plan_id, col(Task.retired).is_(False))
    ).all()
    for assignment in rows:
        holder = groups.get(assignment.agency_id)
        broad = holder is not None and holder.broad
        level = (
            Level.optional if broad and assignment.role == TaskRole.coordinating else Level.required
        )
        entry = ScopeEntry(assignment.role, level)
        by_agency = scope.setdefault(assignment.task_id, {})
        # A group reaches its members (none, once they were all dissolved), never itself.
        reached = members.get(assignment.agency_id, []) if holder else [assignment.agency_id]
        for agency_id in reached:
            if _better(entry, by_agency.get(agency_id)):
                by_agency[agency_id] = entry
    overrides = session.exec(
        select(ScopeOverride)
        .join(Task, col(Task.id) == col(ScopeOverride.task_id))
        .where(Task.plan_id == plan_id)
    ).all()
    for override in overrides:
        by_agency = scope.setdefault(override.task_id, {})
        current = by_agency.get(override.agency_id)
        if override.level == Level.excluded:
            by_agency.pop(override.agency_id, None)
            continue
        role = current.role if current else TaskRole.coordinating
        by_agency[override.agency_id] = ScopeEntry(role, Level(override.level), overridden=True)
    return scope


def agency_tasks(session: Session, *, plan_id: int, agency_id: int) -> list[ScopedTask]:
    """The tasks in this agency's scope, by task number."""
    scope = plan_scope(session, plan_id=plan_id)
    tasks = {
        t.id: t
        for t in session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.retired).is_(False))
        ).all()
    }
    out = [
        ScopedTask(tasks[task_id], entry.role, entry.level)
        for task_id, by_agency in scope.items()
        if task_id in tasks and (entry := by_agency.get(agency_id)) is not None
    ]
    return sorted(out, key=lambda s: s.task.number)


def set_scope(
    session: Session, *, task: Task, agency: Agency, level: Level | None, clock: Clock
) -> None:
    """Record the secretariat's decision; None goes back to the plan's default."""
    session.exec(
        delete(ScopeOverride).where(
            col(ScopeOverride.task_id) == task.id, col(ScopeOverride.agency_id) == agency.id
        )
    )
    if level is not None:
        session.add(
            ScopeOverride(
                task_id=task.id,
                agency_id=agency.id,
                level=level,
                updated_at=clock.now(),
            )
        )
    session.flush()


LEVEL_WORDS = {
    "required": Level.required,
    "bắt buộc": Level.required,
    "bat-buoc": Level.required,
    "optional": Level.optional,
    "tùy chọn": Level.optional,
    "tuỳ chọn": Level.optional,
    "tuy-chon": Level.optional,
    "excluded": Level.excluded,
    "không": Level.excluded,
    "khong": Level.excluded,
    "loại": Level.excluded,
    "default": None,
    "mặc định": None,
    "mac-dinh": None,
}


def parse_level(word: str) -> Level | str | None:
    """A level from English or Vietnamese words; None for 'back to the default'; the word
    itself (a str that is not a Level) when it means nothing."""
    key = " ".join(word.strip().casefold().split())
    return LEVEL_WORDS.get(key, f"?{word}")


@dataclass(frozen=True)
class ScopeRow:
    task_number: int
    agency_code: str
    agency_name: str
    role: str
    level: Level
    overridden: bool


def scope_rows(session: Session, *, plan_id: int, task_number: int | None = None) -> list[ScopeRow]:
    """Who reports on which task, for `baocao scope show` and `/scope`."""
    tasks = {
        t.id: t
        for t in session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.retired).is_(False))
        ).all()
    }
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    rows = []
    for task_id, by_agency in plan_scope(session, plan_id=plan_id).items():
        task = tasks.get(task_id)
        if task is None or (task_number is not None and task.number != task_number):
            continue
        for agency_id, entry in by_agency.items():
            agency = agencies[agency_id]
            rows.append(
                ScopeRow(
                    task.number, agency.code, agency.name, entry.role, entry.level, entry.overridden
                )
            )
    return sorted(rows, key=lambda r: (r.task_number, r.level != Level.required, r.agency_code))


def is_obliged(session: Session, *, plan_id: int, agency_id: int) -> bool:
    """Whether a plan chases this agency for its yearly report (by default it does)."""
    row = session.get(PlanAgency, (plan_id, agency_id))
    return row is None or row.obliged


def set_obliged(
    session: Session, *, plan_id: int, agency: Agency, obliged: bool, clock: Clock
) -> None:
    """Whether a plan chases an agency for the yearly report (reminders, overdue counts)."""
    row = session.get(PlanAgency, (plan_id, agency.id))
    if row is None:
        row = PlanAgency(plan_id=plan_id, agency_id=agency.id)
    row.obliged = obliged
    agency.updated_at = clock.now()
    session.add_all([row, agency])
    session.flush()
