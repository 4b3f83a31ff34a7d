"""The reorganisation file (`baocao org apply CHANGES.yaml`): which agencies are created,
renamed, merged, split or dissolved, each from a date. Reading it never touches the database;
every problem is collected as one line naming the change and what is wrong (the checks
against the database are in `storage.org_changes`).

```yaml
changes:
  - merge: [so-nnptnt, so-tnmt]          # several into one (an existing or a new agency)
    into: {code: so-nnmt, name: "Sở Nông nghiệp và Môi trường", kind: department}
    effective: 2025-03-01
  - split: so-x                          # one into several
    into: [so-y, {code: so-z, name: "Sở Z"}]
    tasks: {so-z: {"452/KH-UBND": [1, 3]}}   # who takes which tasks (default: all of them)
    focal_points: so-z                   # where the focal points go (default: the first)
    effective: 2025-07-01
  - rename: so-khcn
    to: "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
    effective: 2025-07-01
  - dissolve: [ubnd-cu-jut, ubnd-dak-mil]
    effective: 2025-07-01
  - create: {code: so-moi, name: "Sở Mới", kind: department}
    effective: 2025-07-01
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from storage.i18n import text
from storage.models import AgencyChangeKind, AgencyKind
from storage.plan_document import PlanFileError, Problem, read_yaml

KINDS = tuple(k.value for k in AgencyChangeKind)
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ALLOWED = {
    "create": {"create", "effective", "note"},
    "rename": {"rename", "to", "effective", "note"},
    "merge": {"merge", "into", "effective", "note"},
    "split": {"split", "into", "tasks", "focal_points", "effective", "note"},
    "dissolve": {"dissolve", "effective", "note"},
}


@dataclass(frozen=True)
class NewAgency:
    """An agency a change brings into being (a merge's or a split's new successor)."""

    code: str
    name: str
    kind: str = AgencyKind.other
    aliases: tuple[str, ...] = ()


@dataclass
class ChangeSpec:
    """One change as the file gives it: agencies by code or name, not yet looked up."""

    where: str  # "reorg.yaml: changes[3]", for problems found later
    kind: str
    effective_on: date
    agencies: list[str]  # the renamed, merged, split or dissolved agencies
    into: list[str | NewAgency] = field(default_factory=list)  # successors
    new_name: str = ""  # a rename's new name
    created: NewAgency | None = None  # a create's agency
    tasks: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    focal_points: str = ""
    note: str = ""


def parse_day(value: Any) -> date | None:
    """A YAML date, `YYYY-MM-DD` or `DD/MM/YYYY`; None for anything else."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = DAY_MONTH_YEAR.match(text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


@dataclass
class OrgFile:
    """The well-formed changes of a file, and what is wrong with the others."""

    name: str
    changes: list[ChangeSpec]
    problems: list[Problem]


def read_org_file(path: Path) -> OrgFile:
    """Read the file and check its form. A file that cannot be read at all raises
    PlanFileError; a malformed change is one problem, reported with those the database
    check finds (`storage.org_changes.check_changes`), all at once."""
    name = path.name
    raw = read_yaml(path)
    problems: list[Problem] = []
    changes = raw.get("changes") if isinstance(raw, dict) else None
    if not isinstance(changes, list) or not changes:
        raise PlanFileError([Problem(name, "missing_field", text("org_file.no_changes"))])
    extra = set(raw) - {"changes", "title", "description"}
    problems += [Problem(name, "unknown_key", text("org_file.unknown_key", key=k)) for k in extra]
    specs = []
    for index, item in enumerate(changes, start=1):
        spec = _change(f"{name}: changes[{index}]", item, problems)
        if spec is not None:
            specs.append(spec)
    return OrgFile(name, specs, problems)


def _change(where: str, item: Any, problems: list[Problem]) -> ChangeSpec | None:
    if not isinstance(item, dict):
        problems.append(Problem(where, "bad_change", text("org_file.not_a_table")))
        return None
    kinds = [k for k in KINDS if k in item]
    if len(kinds) != 1:
        problems.append(
            Problem(where, "bad_change", text("org_file.one_kind", kinds=", ".join(KINDS)))
        )
        return None
    kind = kinds[0]
    found = len(problems)
    for key in sorted(set(item) - ALLOWED[kind], key=str):
        problems.append(
            Problem(where, "unknown_key", text("org_file.unknown_key_for", kind=kind, key=key))
        )
    day = parse_day(item.get("effective"))
    if day is None:
        problems.append(
            Problem(
                f"{where}.effective",
                "bad_date",
                text("org_file.bad_date", value=item.get("effective")),
            )
        )
    spec = ChangeSpec(where, kind, day or date.min, [], note=_text(item.get("note")))
    subject = item[kind]
    if kind == "create":
        spec.created = _new_agency(f"{where}.create", subject, problems)
    elif kind in ("merge", "dissolve"):
        spec.agencies = _names(f"{where}.{kind}", subject, problems)
    else:
        spec.agencies = _names(f"{where}.{kind}", subject, problems, single=True)
    if kind == "rename":
        spec.new_name = _text(item.get("to"))
        if not spec.new_name or len(spec.new_name) > 300:
            problems.append(Problem(f"{where}.to", "missing_field", text("org_file.new_name")))
    if kind == "merge":
        into = item.get("into")
        if isinstance(into, list):
            problems.append(Problem(f"{where}.into", "bad_change", text("org_file.merge_into_one")))
        else:
            spec.into = _successors(f"{where}.into", [into], problems)
    if kind == "split":
        into = item.get("into")
        spec.into = _successors(f"{where}.into", into if isinstance(into, list) else [], problems)
        if len(spec.into) < 2:
            problems.append(Problem(f"{where}.into", "bad_change", text("org_file.split_two")))
        spec.tasks = _tasks(f"{where}.tasks", item.get("tasks") or {}, problems)
        spec.focal_points = _text(item.get("focal_points"))
    return spec if len(problems) == found else None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _names(where: str, value: Any, problems: list[Problem], *, single: bool = False) -> list[str]:
    items = [value] if single or isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        wanted = "org_file.one_agency" if single else "org_file.agencies"
        problems.append(Problem(where, "bad_change", text(wanted)))
        return []
    return [_text(i) for i in items]


def _new_agency(where: str, value: Any, problems: list[Problem]) -> NewAgency | None:
    if not isinstance(value, dict):
        problems.append(Problem(where, "bad_change", text("org_file.new_agency")))
        return None
    unknown = set(value) - {"code", "name", "kind", "aliases"}
    problems += [
        Problem(where, "unknown_key", text("org_file.unknown_key", key=k)) for k in unknown
    ]
    code, name = _text(value.get("code")), _text(value.get("name"))
    kind = _text(value.get("kind")) or AgencyKind.other
    aliases = value.get("aliases") or []
    if not CODE.match(code):
        problems.append(
            Problem(f"{where}.code", "bad_code", text("problem.pydantic.string_pattern_mismatch"))
        )
    if not name or len(name) > 300:
        problems.append(Problem(f"{where}.name", "missing_field", text("org_file.name")))
    if kind not in {k.value for k in AgencyKind} or kind == AgencyKind.group:
        problems.append(Problem(f"{where}.kind", "invalid_value", text("org_file.kind", kind=kind)))
    if not isinstance(aliases, list):
        problems.append(
            Problem(f"{where}.aliases", "invalid_value", text("problem.pydantic.list_type"))
        )
        aliases = []
    return NewAgency(code, name, kind, tuple(_text(a) for a in aliases if _text(a)))


def _successors(where: str, values: list[Any], problems: list[Problem]) -> list[str | NewAgency]:
    out: list[str | NewAgency] = []
    for index, value in enumerate(values, start=1):
        here = f"{where}[{index}]" if len(values) > 1 else where
        if isinstance(value, str) and value.strip():
            out.append(_text(value))
        elif isinstance(value, dict):
            new = _new_agency(here, value, problems)
            if new is not None:
                out.append(new)
        else:
            problems.append(Problem(here, "bad_change", text("org_file.successor")))
    return out


def _tasks(where: str, value: Any, problems: list[Problem]) -> dict[str, dict[str, list[int]]]:
    """{successor code: {plan code: [task numbers]}}."""
    shape = text("org_file.tasks")
    if not isinstance(value, dict):
        problems.append(Problem(where, "bad_change", shape))
        return {}
    out: dict[str, dict[str, list[int]]] = {}
    for code, per_plan in value.items():
        ok = isinstance(per_plan, dict) and all(
            isinstance(numbers, list) and all(isinstance(n, int) for n in numbers)
            for numbers in per_plan.values()
        )
        if not ok:
            problems.append(Problem(f"{where}.{code}", "bad_change", shape))
            continue
        out[str(code)] = {str(plan): list(numbers) for plan, numbers in per_plan.items()}
    return out
