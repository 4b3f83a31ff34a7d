"""Scope decisions from a table (CSV or XLSX): one row per task and agency with the level.

    Nhiệm vụ | Cơ quan             | Phạm vi
    3        | so-yte              | bắt buộc
    4        | Sở Tài chính        | không

Levels: bắt buộc / required, tùy chọn / optional, không / excluded, mặc định / default.
Every problem is collected (one line each, naming the row) and nothing is written on error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from storage.agencies import find_agency
from storage.clock import Clock
from storage.i18n import text
from storage.models import Plan, Task
from storage.plan_document import PlanFileError, Problem, read_rows
from storage.scope import Level, parse_level, set_scope

_HEADERS = {
    "task": ("nhiệm vụ", "stt", "task"),
    "agency": ("cơ quan", "đơn vị", "agency"),
    "level": ("phạm vi", "mức", "level", "scope"),
}


@dataclass(frozen=True)
class ScopeImport:
    changed: int


def _columns(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = (cell or "").strip().casefold()
        for field, keys in _HEADERS.items():
            if field not in out and any(text.startswith(key) for key in keys):
                out[field] = index
    return out


def import_scope_table(session: Session, *, plan: Plan, path: Path, clock: Clock) -> ScopeImport:
    name = path.name
    try:
        rows = read_rows(path)
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", text("problem.not_found"))]) from None
    if not rows or set(_columns(rows[0])) != set(_HEADERS):
        raise PlanFileError([Problem(name, "missing_header", text("scope.table.columns"))])
    columns = _columns(rows[0])
    tasks = {
        t.number: t
        for t in session.exec(
            select(Task).where(Task.plan_id == plan.id, col(Task.retired).is_(False))
        ).all()
    }
    problems: list[Problem] = []
    decisions = []
    for offset, row in enumerate(rows[1:], start=2):
        cells = {f: (row[i] if i < len(row) else "").strip() for f, i in columns.items()}
        if not any(cells.values()):
            continue
        where = text("problem.at_line", file=name, line=offset)
        number = cells["task"].removesuffix(".0")
        task = tasks.get(int(number)) if number.isdigit() else None
        if task is None:
            problems.append(
                Problem(where, "unknown_task", text("scope.table.task", task=cells["task"]))
            )
        agency = find_agency(session, cells["agency"]) if cells["agency"] else None
        if agency is None or agency.is_group:
            problems.append(
                Problem(
                    where, "unknown_agency", text("problem.unknown_agency", code=cells["agency"])
                )
            )
        level = parse_level(cells["level"])
        if level is not None and not isinstance(level, Level):
            problems.append(
                Problem(
                    where,
                    "bad_level",
                    text("scope.table.level", level=cells["level"]),
                )
            )
        elif task is not None and agency is not None:
            decisions.append((task, agency, level))
    if problems:
        raise PlanFileError(problems)
    for task, agency, level in decisions:
        set_scope(session, task=task, agency=agency, level=level, clock=clock)
    return ScopeImport(len(decisions))
