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

from storage.questionnaire import Questionnaire, check_questionnaire

BUNDLED_PLAN = Path(__file__).with_name("plans") / "plan452.yaml"

_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file."""

    where: str  # e.g. "plan.yaml: tasks[3].title" or "plan.xlsx: dòng 7"
    code: str  # machine-readable: unknown_agency, duplicate_task, missing_title, bad_date, ...
    message: str  # Vietnamese, for the operator

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


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

_PYDANTIC_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "string_too_short": "không được để trống",
    "too_short": "không được để trống",
    "date_from_datetime_parsing": "ngày không hợp lệ (dùng YYYY-MM-DD)",
    "date_parsing": "ngày không hợp lệ (dùng YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ (dùng YYYY-MM-DD)",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "greater_than_equal": "phải là số dương",
    "extra_forbidden": "khóa không được hỗ trợ",
    "string_pattern_mismatch": "mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang",
    "list_type": "phải là một danh sách",
    "bool_parsing": "phải là true hoặc false",
    "enum": "giá trị không hợp lệ",
    "literal_error": "giá trị không hợp lệ",
    "dict_type": "phải là một bảng khóa: giá trị",
}

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
        message = _PYDANTIC_MESSAGES.get(kind, str(item["msg"]))
        if kind in {"enum", "literal_error"}:
            expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "")
            message = f"{message} {item.get('input')!r}; nhận: {expected}"
        code = _CODES.get(kind, "invalid_value")
        if kind in {"enum", "literal_error"} and loc and loc[-1] == "type":
            code = "unknown_type"
        if kind == "value_error":
            message = str(item["msg"]).removeprefix("Value error, ")
            code = "bad_date" if "MM-DD" in message or "day" in message else code
            message = f"ngày không hợp lệ ({message})" if code == "bad_date" else message
            code = "missing_label" if "nhãn" in message else code
        if (
            loc
            and loc[0] == "tasks"
            and loc[-1] == "title"
            and code in {"missing_field", "empty_field"}
        ):
            code = "missing_title"
            message = "thiếu tên nhiệm vụ"
        problems.append(Problem(f"{name}: {_location(loc)}", code, message))
    return problems


def parse_yaml(path: Path) -> PlanDocument:
    """Read and check a YAML plan file; raise PlanFileError listing every problem."""
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", "không tìm thấy tệp")]) from None
    except UnicodeDecodeError:
        raise PlanFileError([Problem(name, "encoding", "tệp phải là UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}: dòng {mark.line + 1}" if mark else name
        raise PlanFileError([Problem(where, "bad_yaml", f"YAML không hợp lệ ({exc})")]) from None
    if not isinstance(raw, dict):
        raise PlanFileError([Problem(name, "bad_yaml", "tệp phải là một bảng khóa: giá trị")])
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

    def duplicates(kind: str, values: list[Any], code: str, message: str) -> None:
        seen: set[Any] = set()
        for index, value in enumerate(values):
            if value is None:  # an item already reported as malformed
                continue
            if value in seen:
                problems.append(Problem(f"{name}: {kind}[{index + 1}]", code, message % value))
            seen.add(value)

    duplicates(
        "agencies",
        [a.code if a else None for a in document.agencies],
        "duplicate_agency",
        "mã cơ quan %r bị trùng",
    )
    duplicates(
        "groups",
        [g.code if g else None for g in document.groups],
        "duplicate_agency",
        "mã nhóm %r bị trùng",
    )
    for index, group in enumerate(document.groups):
        if group is None:
            continue
        if group.code in agency_codes:
            problems.append(
                Problem(
                    f"{name}: groups[{index + 1}].code",
                    "duplicate_agency",
                    f"mã nhóm {group.code!r} trùng với mã một cơ quan",
                )
            )
    duplicates(
        "tasks",
        [t.number if t else None for t in document.tasks],
        "duplicate_task",
        "số thứ tự nhiệm vụ %s bị trùng",
    )
    duplicates(
        "duties",
        [d.number if d else None for d in document.duties],
        "duplicate_duty",
        "số mục nhiệm vụ %s bị trùng",
    )

    def unknown(where: str, code: str, allowed: set[str]) -> None:
        problems.append(
            Problem(
                f"{name}: {where}",
                "unknown_agency",
                f"cơ quan không xác định: {code!r}"
                if code not in group_codes or code in allowed
                else f"không dùng được nhóm {code!r} ở đây",
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
        "mã bảng hỏi %r bị trùng",
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
    raise PlanFileError([Problem(path.name, "bad_format", "chỉ nhận tệp .yaml, .xlsx hoặc .csv")])


def parse_table(path: Path) -> TaskTable:
    """Read an appendix-like table; agency names are checked later against the database."""
    name = path.name
    try:
        rows = read_rows(path)
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", "không tìm thấy tệp")]) from None
    except UnicodeDecodeError:
        raise PlanFileError([Problem(name, "encoding", "tệp CSV phải là UTF-8")]) from None
    except PlanFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise PlanFileError([Problem(name, "bad_format", f"không đọc được tệp ({exc})")]) from None

    header_index = next(
        (i for i, row in enumerate(rows) if {"number", "title"} <= _column_map(row).keys()), None
    )
    if header_index is None:
        raise PlanFileError(
            [
                Problem(
                    name,
                    "missing_header",
                    "không thấy dòng tiêu đề (Stt, Nhiệm vụ, Thời gian thực hiện,"
                    " Cơ quan chủ trì, Cơ quan phối hợp)",
                )
            ]
        )
    columns = _column_map(rows[header_index])
    missing = [f for f in ("lead",) if f not in columns]
    if missing:
        raise PlanFileError(
            [Problem(name, "missing_header", "thiếu cột 'Cơ quan, đơn vị chủ trì'")]
        )

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
        where = f"{name}: dòng {offset}"
        raw_number = cell(row, "number")
        try:
            number = int(float(raw_number))
            if number < 1:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(where, "bad_number", f"số thứ tự {raw_number!r} không phải số nguyên dương")
            )
            continue
        title = cell(row, "title")
        if not title:
            problems.append(Problem(where, "missing_title", f"nhiệm vụ {number}: thiếu tên"))
        lead = _split_names(cell(row, "lead"))
        if not lead:
            problems.append(
                Problem(where, "missing_lead", f"nhiệm vụ {number}: thiếu cơ quan chủ trì")
            )
        if number in seen:
            problems.append(
                Problem(
                    where,
                    "duplicate_task",
                    f"số thứ tự nhiệm vụ {number} bị trùng (dòng {seen[number]})",
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
        problems.append(Problem(name, "no_tasks", "bảng không có nhiệm vụ nào"))
    if problems:
        raise PlanFileError(problems)
    return TaskTable(path, task_rows)
