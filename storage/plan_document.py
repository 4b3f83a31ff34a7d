"""The plan file formats: YAML (whole plan) and XLSX/CSV (the appendix table only).

Parsing never touches the database; every problem found is collected, each naming the file,
the row or key, and what is wrong, so the operator can fix the file in one pass.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from storage.i18n import Text, text
from storage.questionnaire import MISSING_VIETNAMESE_LABEL, Questionnaire, check_questionnaire

BUNDLED_PLAN = Path(__file__).with_name("plans") / "plan452.yaml"

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file."""

    place: str | Text  # e.g. "plan.yaml: tasks[3].title" or "plan.xlsx: dòng 7"
    code: str  # machine-readable: unknown_agency, duplicate_task, missing_title, bad_date, ...
    detail: str | Text  # for the operator, worded in their language by `render`

    @property
    def where(self) -> str:
        return str(self.place)

    @property
    def message(self) -> str:
        return str(self.detail)

    def render(self, language: str = "vi") -> str:
        return f"{_worded(self.place, language)}: {_worded(self.detail, language)}"

    def __str__(self) -> str:
        return self.render()


def _worded(part: str | Text, language: str) -> str:
    return part.render(language) if isinstance(part, Text) else part


class PlanFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgencySpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=300)
    kind: str = "other"
    reports: bool = True
    # False for bodies the plan only requests ("Đề nghị"): they may report, but are not
    # counted or reminded as overdue unless the secretariat says so.
    obliged: bool = True
    aliases: list[str] = []


class GroupSpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=300)
    aliases: list[str] = []
    members: list[str] = Field(min_length=1)
    # A broad collective ("các sở, ngành, địa phương"): coordinating a task only through it
    # makes the task optional for a member, asked in one "which did you contribute to" question.
    broad: bool = False


class DutySpec(_Strict):
    number: int = Field(ge=1)
    heading: str = Field(min_length=1, max_length=300)
    agencies: list[str] = []
    text: str = ""


class TaskSpec(_Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    timeframe: str = ""
    lead: list[str] = Field(min_length=1)
    coordinating: list[str] = []


class PeriodicRule(_Strict):
    agencies_due: str = "11-30"
    consolidation_due: str = "12-20"
    description: str = ""

    @field_validator("agencies_due", "consolidation_due")
    @classmethod
    def _month_day(cls, value: str) -> str:
        month_day(value)
        return value


class ReportingSpec(_Strict):
    periodic: PeriodicRule = PeriodicRule()
    adhoc: bool = True
    difficulties_anytime: str = ""


class PlanHeader(_Strict):
    code: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1)
    issuer: str = ""
    issued_on: date | None = None
    secretariat: str | None = None


class PlanDocument(_Strict):
    plan: PlanHeader
    reporting: ReportingSpec = ReportingSpec()
    agencies: list[AgencySpec] = []
    groups: list[GroupSpec] = []
    duties: list[DutySpec] = []
    tasks: list[TaskSpec] = Field(min_length=1)
    questionnaires: list[Questionnaire] = []


@dataclass(frozen=True)
class TaskRow:
    """A row of an appendix table (XLSX/CSV): agency names not yet resolved."""

    row: int
    number: int
    title: str
    timeframe: str
    lead: list[str]
    coordinating: list[str]


@dataclass(frozen=True)
class TaskTable:
    path: Path
    rows: list[TaskRow]


def month_day(value: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not MM-DD")
    month, day = int(match[1]), int(match[2])
    date(2000, month, day)  # a leap year, so 02-29 is allowed; raises on 13-01 or 11-31
    return month, day


# --- YAML ------------------------------------------------------------------------------------

# The pydantic error kinds worded for the operator (catalogue keys "problem.pydantic.<kind>").
_PYDANTIC_KINDS = frozenset(
    {
        "missing",
        "string_too_short",
        "too_short",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "int_parsing",
        "int_type",
        "greater_than_equal",
        "extra_forbidden",
        "string_pattern_mismatch",
        "list_type",
        "bool_parsing",
        "enum",
        "literal_error",
        "dict_type",
    }
)

_CODES = {
    "missing": "missing_field",
    "string_too_short": "empty_field",
    "too_short": "empty_field",
    "date_from_datetime_parsing": "bad_date",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
}


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pydantic_problems(name: str, error: ValidationError, data: Any) -> list[Problem]:
    problems = []
    for item in error.errors():
        kind = item["type"]
        loc = tuple(item["loc"])
        message: str | Text = (
            text(f"problem.pydantic.{kind}") if kind in _PYDANTIC_KINDS else str(item["msg"])
        )
        if kind in {"enum", "literal_error"}:
            expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "")
            message = text(
                "problem.not_one_of",
                reason=message,
                value=repr(item.get("input")),
                allowed=expected,
            )
        code = _CODES.get(kind, "invalid_value")
        if kind in {"enum", "literal_error"} and loc and loc[-1] == "type":
            code = "unknown_type"
        if kind == "value_error":
            said = str(item["msg"]).removeprefix("Value error, ")
            code = "bad_date" if "MM-DD" in said or "day" in said else code
            message = text("problem.bad_date", reason=said) if code == "bad_date" else said
            if said == MISSING_VIETNAMESE_LABEL:
                code, message = "missing_label", text("problem.missing_label")
        if (
            loc
            and loc[0] == "tasks"
            and loc[-1] == "title"
            and code in {"missing_field", "empty_field"}
        ):
            code = "missing_title"
            message = text("problem.missing_task_title")
        problems.append(Problem(f"{name}: {_location(loc)}", code, message))
    return problems


def read_yaml(path: Path) -> Any:
    """A YAML file's content; PlanFileError with one problem when it cannot be read."""
    name = path.name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", text("problem.not_found"))]) from None
    except UnicodeDecodeError:
        raise PlanFileError([Problem(name, "encoding", text("problem.not_utf8"))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = text("problem.at_line", file=name, line=mark.line + 1) if mark else name
        problem = Problem(where, "bad_yaml", text("problem.bad_yaml", reason=str(exc)))
        raise PlanFileError([problem]) from None


def parse_yaml(path: Path) -> PlanDocument:
    """Read and check a YAML plan file; raise PlanFileError listing every problem."""
    name = path.name
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise PlanFileError([Problem(name, "bad_yaml", text("problem.pydantic.dict_type"))])
    try:
        document = PlanDocument.model_validate(raw)
    except ValidationError as exc:
        # Report the cross-checks of the items that are well formed too, so the operator
        # fixes the whole file in one pass.
        problems = _pydantic_problems(name, exc, raw)
        problems += check_references(name, _well_formed_parts(raw))
        raise PlanFileError(problems) from None
    problems = check_references(name, document)
    if problems:
        raise PlanFileError(problems)
    return document


def _items(spec: type[BaseModel], raw: Any) -> list[Any]:
    """Each item validated on its own; None in the place of a malformed one."""
    out: list[Any] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            out.append(spec.model_validate(item))
        except ValidationError:
            out.append(None)
    return out


def _well_formed_parts(raw: dict[str, Any]) -> PlanDocument:
    """A document of the items that validate, in their places, for the cross-checks."""
    try:
        header = PlanHeader.model_validate(raw.get("plan"))
    except ValidationError:
        header = PlanHeader.model_construct(code="", title="", secretariat=None)
    return PlanDocument.model_construct(
        plan=header,
        agencies=_items(AgencySpec, raw.get("agencies")),
        groups=_items(GroupSpec, raw.get("groups")),
        duties=_items(DutySpec, raw.get("duties")),
        tasks=_items(TaskSpec, raw.get("tasks")),
        questionnaires=_items(Questionnaire, raw.get("questionnaires")),
    )


def check_references(name: str, document: PlanDocument) -> list[Problem]:
    """Cross-checks pydantic cannot do: duplicates and references to unknown agencies."""
    problems: list[Problem] = []
    agency_codes = {a.code for a in document.agencies if a is not None}
    group_codes = {g.code for g in document.groups if g is not None}

    def duplicates(kind: str, values: list[Any], code: str, key: str) -> None:
        seen: set[Any] = set()
        for index, value in enumerate(values):
            if value is None:  # an item already reported as malformed
                continue
            if value in seen:
                problems.append(
                    Problem(f"{name}: {kind}[{index + 1}]", code, text(key, value=value))
                )
            seen.add(value)

    duplicates(
        "agencies",
        [a.code if a else None for a in document.agencies],
        "duplicate_agency",
        "problem.duplicate_agency_code",
    )
    duplicates(
        "groups",
        [g.code if g else None for g in document.groups],
        "duplicate_agency",
        "problem.duplicate_group_code",
    )
    for index, group in enumerate(document.groups):
        if group is None:
            continue
        if group.code in agency_codes:
            problems.append(
                Problem(
                    f"{name}: groups[{index + 1}].code",
                    "duplicate_agency",
                    text("problem.group_is_agency_code", code=group.code),
                )
            )
    duplicates(
        "tasks",
        [t.number if t else None for t in document.tasks],
        "duplicate_task",
        "problem.duplicate_task_number",
    )
    duplicates(
        "duties",
        [d.number if d else None for d in document.duties],
        "duplicate_duty",
        "problem.duplicate_duty_number",
    )

    def unknown(where: str, code: str, allowed: set[str]) -> None:
        problems.append(
            Problem(
                f"{name}: {where}",
                "unknown_agency",
                text("problem.unknown_agency", code=code)
                if code not in group_codes or code in allowed
                else text("problem.group_not_here", code=code),
            )
        )

    every = agency_codes | group_codes
    secretariat = document.plan.secretariat
    if secretariat and secretariat not in agency_codes:
        unknown("plan.secretariat", secretariat, agency_codes)
    for gi, group in enumerate(document.groups):
        if group is None:
            continue
        for mi, member in enumerate(group.members):
            if member not in agency_codes:
                unknown(f"groups[{gi + 1}].members[{mi + 1}]", member, agency_codes)
    for di, duty in enumerate(document.duties):
        if duty is None:
            continue
        for ai, code in enumerate(duty.agencies):
            if code not in every:
                unknown(f"duties[{di + 1}].agencies[{ai + 1}]", code, every)
    for ti, task in enumerate(document.tasks):
        if task is None:
            continue
        for role in ("lead", "coordinating"):
            for ai, code in enumerate(getattr(task, role)):
                if code not in every:
                    unknown(f"tasks[{ti + 1}].{role}[{ai + 1}]", code, every)
    duplicates(
        "questionnaires",
        [q.key if q else None for q in document.questionnaires],
        "duplicate_questionnaire",
        "problem.duplicate_questionnaire",
    )
    for qi, form in enumerate(document.questionnaires):
        if form is None:
            continue
        for where, code, message in check_questionnaire(f"questionnaires[{qi + 1}]", form):
            problems.append(Problem(f"{name}: {where}", code, message))
    return problems


# --- XLSX / CSV ------------------------------------------------------------------------------

_HEADER_KEYS = {
    "number": ("stt", "số tt", "số thứ tự", "no", "no.", "number"),
    "title": ("nhiệm vụ", "task", "title"),
    "timeframe": ("thời gian", "timeframe", "time"),
    "lead": ("chủ trì", "lead"),
    "coordinating": ("phối hợp", "coordinat"),
}


def _column_map(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = (cell or "").strip().casefold()
        for field, keys in _HEADER_KEYS.items():
            if field not in columns and any(
                text == key or (len(key) > 3 and key in text) for key in keys
            ):
                columns[field] = index
                break
    return columns


def _split_names(cell: str) -> list[str]:
    # ';' and new lines separate agencies; commas are resolved later (group names hold commas).
    parts = re.split(r"[;\n]", cell or "")
    return [p.strip().strip(".").strip() for p in parts if p.strip().strip(".").strip()]


def read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            return [list(row) for row in csv.reader(handle, dialect)]
    if suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [
                ["" if value is None else str(value) for value in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    raise PlanFileError([Problem(path.name, "bad_format", text("problem.plan_formats"))])


def parse_table(path: Path) -> TaskTable:
    """Read an appendix-like table; agency names are checked later against the database."""
    name = path.name
    try:
        rows = read_rows(path)
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", text("problem.not_found"))]) from None
    except UnicodeDecodeError:
        raise PlanFileError([Problem(name, "encoding", text("problem.csv_not_utf8"))]) from None
    except PlanFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        unreadable = text("problem.unreadable", reason=str(exc))
        raise PlanFileError([Problem(name, "bad_format", unreadable)]) from None

    header_index = next(
        (i for i, row in enumerate(rows) if {"number", "title"} <= _column_map(row).keys()), None
    )
    if header_index is None:
        raise PlanFileError(
            [
                Problem(
                    name,
                    "missing_header",
                    text("problem.no_header_row"),
                )
            ]
        )
    columns = _column_map(rows[header_index])
    missing = [f for f in ("lead",) if f not in columns]
    if missing:
        raise PlanFileError([Problem(name, "missing_header", text("problem.no_lead_column"))])

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return row[index].strip() if index is not None and index < len(row) and row[index] else ""

    problems: list[Problem] = []
    task_rows: list[TaskRow] = []
    seen: dict[int, int] = {}
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any((c or "").strip() for c in row):
            continue
        if _column_map(row).keys() >= {"number", "title"}:
            continue  # a repeated header (the appendix repeats it on each page)
        where = text("problem.at_line", file=name, line=offset)
        raw_number = cell(row, "number")
        try:
            number = int(float(raw_number))
            if number < 1:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(where, "bad_number", text("problem.bad_task_number", value=raw_number))
            )
            continue
        title = cell(row, "title")
        if not title:
            problems.append(
                Problem(where, "missing_title", text("problem.row_no_title", number=number))
            )
        lead = _split_names(cell(row, "lead"))
        if not lead:
            problems.append(
                Problem(where, "missing_lead", text("problem.row_no_lead", number=number))
            )
        if number in seen:
            problems.append(
                Problem(
                    where,
                    "duplicate_task",
                    text("problem.row_duplicate_task", number=number, line=seen[number]),
                )
            )
        seen.setdefault(number, offset)
        task_rows.append(
            TaskRow(
                offset,
                number,
                title,
                cell(row, "timeframe"),
                lead,
                _split_names(cell(row, "coordinating")),
            )
        )
    if not task_rows and not problems:
        problems.append(Problem(name, "no_tasks", text("problem.no_tasks")))
    if problems:
        raise PlanFileError(problems)
    return TaskTable(path, task_rows)
