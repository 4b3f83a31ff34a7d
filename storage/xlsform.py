"""Read a questionnaire written as an XLSForm workbook (the spreadsheet format of ODK and
KoBoToolbox) into a `Questionnaire`.

The workbook keeps to a subset of XLSForm that a chat can ask; anything beyond it is refused with
the row that uses it, never silently dropped. The full format is in `docs-xlsform.md`.

Sheets (names and column headers are case-insensitive):
- `survey`: one row per question, `begin group` / `end group` rows around each section;
- `choices`: `list_name`, `name`, `label` (the options of `select_one` / `select_multiple`);
- `settings` (optional): `form_id` -> the questionnaire key (default `periodic`),
  `form_title` -> its title (needed), `baocao::signed_document` -> none, optional or required.

Survey columns:
- `type`: `select_one LIST` -> single, `select_multiple LIST` -> multiple, `integer`, `decimal`,
  `date`, `text`, `file` / `image` -> files. Columns that XLSForm has no word for are prefixed
  `baocao::` (pyxform and KoBoToolbox keep unknown columns, so the workbook stays a valid
  XLSForm): `baocao::type` narrows the XLSForm type to money or percent (on `integer`/`decimal`),
  long_text (on `text`; the ODK appearance `multiline` does the same) or yes_no (on a
  `select_one` whose list holds exactly `yes` and `no`).
- `name` -> the question id; `label`, `label::Language (code)` or `label::code` -> labels per
  language (a plain `label` is Vietnamese); `hint` likewise; `baocao::unit` likewise.
- `required`: yes/true/1 -> required; blank or no/false/0 -> optional (the XLSForm default,
  unlike the YAML format where questions are required unless they say otherwise).
- `relevant` -> show_if, kept as written (the subset of `storage/conditions.py`).
- `constraint`: only `. >= A`, `. <= B` (either or both, joined by `and`) on numbers -> min/max,
  and `string-length(.) <= N` on text -> max_length.
- `baocao::max_length`, `baocao::max_files`, `baocao::carry_over` (yes/no): as in the YAML format.
- Groups: `name` -> section id, `label` -> section label, `baocao::kind` -> task,
  optional_tasks, duties or agency (default agency), `baocao::roles` -> `lead`, `coordinating`
  or both separated by spaces, `baocao::details` -> the task section of an optional_tasks group.
  A survey without any group is one agency-level section named `agency`.

Ignored, because they only matter to ODK's own screens or are recorded anyway: `appearance` values
other than `multiline`, `constraint_message`, `required_message`, `guidance_hint`, the settings
other than form_id/form_title, and the metadata rows (`start`, `end`, `today`, `deviceid`, ...).

Refused: `note`, `calculate`, repeats, nested groups, other XLSForm types, any other non-empty
column (`calculation`, `default`, `choice_filter`, `read_only`, `parameters`, ...), constraints or
`required` expressions beyond the forms above, conditions with other functions, and references
to questions that are unknown, later, or in another group.

openpyxl reads the workbook rather than pyxform: pyxform's parsed form is documented as internal
and carries no row numbers, and every refusal here must name its row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from storage.conditions import ConditionError, parse_condition
from storage.i18n import Text, text
from storage.plan_document import PlanFileError, Problem
from storage.questionnaire import (
    CONTEXT_VALUES,
    MISSING_VIETNAMESE_LABEL,
    TEXT_TYPES,
    Choice,
    Question,
    Questionnaire,
    QuestionType,
    Section,
    SectionKind,
    check_questionnaire,
)
from storage.xlsform_sheets import Column, Row, Sheet, open_workbook, read_sheets

# XLSForm type -> the question type, and the `baocao::type` values that may narrow it.
_TYPES: dict[str, tuple[QuestionType, frozenset[QuestionType]]] = {
    "select_one": (QuestionType.single, frozenset({QuestionType.yes_no})),
    "select_multiple": (QuestionType.multiple, frozenset()),
    "integer": (QuestionType.integer, frozenset({QuestionType.money, QuestionType.percent})),
    "decimal": (QuestionType.decimal, frozenset({QuestionType.money, QuestionType.percent})),
    "date": (QuestionType.date, frozenset()),
    "text": (QuestionType.text, frozenset({QuestionType.long_text})),
    "file": (QuestionType.files, frozenset()),
    "image": (QuestionType.files, frozenset()),
}
_NUMBER_TYPES = frozenset(
    {QuestionType.integer, QuestionType.decimal, QuestionType.money, QuestionType.percent}
)
# Filled in by ODK Collect itself; the bot records who answered and when on its own.
_METADATA = frozenset(
    {
        "start", "end", "today", "deviceid", "username", "email", "phonenumber", "simserial",
        "subscriberid", "audit", "start-geopoint", "imei",
    }
)  # fmt: skip
# Why a type XLSForm has is not asked in a chat (catalogue "xlsform.why_not.<type>").
_WHY_NOT = frozenset({"note", "calculate", "hidden", "begin_repeat"})
# The baocao types that XLSForm has no word for; "xlsform.write_as.<type>" says how to write them.
_WRITE_AS = frozenset({"money", "percent", "yes_no", "long_text", "files"})
_RECOGNISED = frozenset(
    {
        "acknowledge", "geopoint", "geotrace", "geoshape", "time", "datetime", "barcode", "audio",
        "video", "background-audio", "range", "rank", "select_one_from_file",
        "select_multiple_from_file", "xml-external", "csv-external", "trigger", "username",
    }
)  # fmt: skip

_SURVEY_COLUMNS = frozenset(
    {
        "type", "name", "label", "hint", "required", "relevant", "constraint", "appearance",
        "baocao::type", "baocao::kind", "baocao::roles", "baocao::details", "baocao::unit",
        "baocao::max_length", "baocao::max_files", "baocao::carry_over",
    }
)  # fmt: skip
_IGNORED_COLUMNS = frozenset({"constraint_message", "required_message", "guidance_hint"})
_YES = frozenset({"yes", "true", "true()", "1"})
_NO = frozenset({"", "no", "false", "false()", "0"})
_SELECT = re.compile(r"^(select_one|select_multiple|select one|select multiple)\s+(\S+)(.*)$")
_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
_LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")
_FUNCTION = re.compile(r"([A-Za-z_][\w.\-:]*)\s*\(")
_ALLOWED_FUNCTIONS = frozenset({"selected", "not"})

_NAME_RULE = Text("xlsform.name_rule")


@dataclass
class _SectionDraft:
    row: int
    fields: dict[str, Any]
    questions: list[Question] = field(default_factory=list)
    question_rows: list[int] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # every name so far, refused rows included
    refused_rows: bool = False


def read_xlsform(path: Path) -> Questionnaire:
    """Read and check a questionnaire workbook; raise PlanFileError listing every problem."""
    name = path.name
    try:
        workbook = open_workbook(path)
    except FileNotFoundError:
        raise PlanFileError([Problem(name, "not_found", text("problem.not_found"))]) from None
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        unreadable = text("problem.unreadable", reason=str(exc))
        raise PlanFileError([Problem(name, "bad_format", unreadable)]) from None
    try:
        sheets = read_sheets(workbook)
    finally:
        workbook.close()
    if "survey" not in sheets:
        raise PlanFileError([Problem(name, "missing_sheet", text("xlsform.no_survey"))])
    reader = _Reader(name)
    choices = reader.choices(sheets.get("choices"))
    key, title, signed = reader.settings(sheets.get("settings"))
    sections = reader.survey(sheets["survey"], choices)
    return reader.finish(key, title, choices, sections, signed)


class _Reader:
    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.problems: list[Problem] = []
        self.choice_rows: dict[tuple[str, int], int] = {}
        self.list_rows: dict[str, int] = {}

    def problem(self, sheet: str, row: int | None, code: str, message: str | Text) -> None:
        where = (
            text("xlsform.at_row", file=self.file_name, sheet=sheet, row=row)
            if row
            else f"{self.file_name}: {sheet}"
        )
        self.problems.append(Problem(where, code, message))

    def columns(self, sheet: Sheet, known: Iterable[str], kind: str) -> set[Column]:
        """Check the header once; return the columns whose non-empty cells are refused."""
        refused: set[Column] = set()
        for column in sheet.columns:
            name, language = column
            if not name:
                continue
            if language is not None and language.startswith("?"):
                self.problem(
                    kind,
                    1,
                    "unknown_language",
                    text("xlsform.unknown_language", column=name, language=language[1:]),
                )
            elif name not in known and name not in _IGNORED_COLUMNS:
                refused.add(column)
        return refused

    def refuse_cells(self, kind: str, row: Row, refused: set[Column]) -> None:
        for column in sorted(refused & row.cells.keys(), key=lambda c: c[0]):
            self.problem(
                kind,
                row.number,
                "unsupported_column",
                text("xlsform.unsupported_column", column=column[0]),
            )

    # --- choices and settings -------------------------------------------------------------

    def choices(self, sheet: Sheet | None) -> dict[str, list[Choice]]:
        lists: dict[str, list[Choice]] = {}
        if sheet is None:
            return lists
        refused = self.columns(sheet, {"list_name", "name", "label"}, "choices")
        for row in sheet.rows:
            self.refuse_cells("choices", row, refused)
            list_name, value = row.get("list_name"), row.get("name")
            if not list_name or not value:
                self.problem("choices", row.number, "missing_field", text("xlsform.choice_fields"))
                continue
            if " " in value:
                self.problem(
                    "choices", row.number, "bad_name", text("xlsform.choice_space", value=value)
                )
                continue
            try:
                choice = Choice(value=value, label=row.labels("label"))
            except ValidationError as error:
                self.validation("choices", row.number, error, {"value": "name"})
                continue
            self.list_rows.setdefault(list_name, row.number)
            self.choice_rows[(list_name, len(lists.get(list_name, [])) + 1)] = row.number
            lists.setdefault(list_name, []).append(choice)
        return lists

    def settings(self, sheet: Sheet | None) -> tuple[str, dict[str, str], str]:
        row = sheet.rows[0] if sheet and sheet.rows else Row(2, {})
        key = row.get("form_id") or "periodic"
        title = row.labels("form_title")
        signed = row.get("baocao::signed_document") or "none"
        if signed not in {"none", "optional", "required"}:
            self.problem(
                "settings",
                row.number,
                "invalid_value",
                text("problem.signed_document_value", value=signed),
            )
            signed = "none"
        if not title:
            self.problem(
                "settings",
                None,
                "missing_title",
                text("xlsform.no_title"),
            )
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            self.problem(
                "settings",
                row.number,
                "bad_name",
                text("xlsform.bad_form_id", key=key, rule=_NAME_RULE),
            )
        return key, title, signed

    # --- survey ---------------------------------------------------------------------------

    def survey(self, sheet: Sheet, choices: dict[str, list[Choice]]) -> list[_SectionDraft]:
        refused = self.columns(sheet, _SURVEY_COLUMNS, "survey")
        every_name = {row.get("name") for row in sheet.rows if row.get("name")}
        has_groups = any(_kind_of(row.get("type")) == "begin_group" for row in sheet.rows)
        sections: list[_SectionDraft] = []
        current: _SectionDraft | None = None
        if not has_groups:
            current = _SectionDraft(0, {"id": "agency", "kind": SectionKind.agency})
            sections.append(current)
        nested = 0  # refused inner groups still open: their `end group` closes them, not ours
        for row in sheet.rows:
            self.refuse_cells("survey", row, refused)
            kind = _kind_of(row.get("type"))
            if kind == "begin_group" and current is not None:
                self.problem(
                    "survey",
                    row.number,
                    "nested_group",
                    text("xlsform.nested_group"),
                )
                current.refused_rows = True
                nested += 1
            elif kind == "begin_group":
                current = _SectionDraft(row.number, self.group_fields(row))
                sections.append(current)
            elif kind == "end_group" and nested:
                nested -= 1
            elif kind == "end_group":
                if current is None or not has_groups:
                    self.problem(
                        "survey", row.number, "unmatched_end", text("xlsform.unmatched_end")
                    )
                current = None
            elif kind in _METADATA or kind == "end_repeat":
                continue  # metadata is recorded anyway; a repeat is refused at its begin row
            elif current is None:
                self.problem(
                    "survey",
                    row.number,
                    "outside_group",
                    text("xlsform.outside_group"),
                )
            else:
                self.question(row, current, choices, every_name)
        if current is not None and has_groups:
            self.problem("survey", current.row, "unclosed_group", text("xlsform.unclosed_group"))
        return sections

    def group_fields(self, row: Row) -> dict[str, Any]:
        for column in ("relevant", "required", "constraint", "baocao::type"):
            if row.get(column):
                self.problem(
                    "survey",
                    row.number,
                    "unsupported_column",
                    text("xlsform.group_column", column=column),
                )
        fields: dict[str, Any] = {
            "id": row.get("name"),
            "kind": row.get("baocao::kind") or SectionKind.agency.value,
            "label": row.labels("label"),
            "roles": row.get("baocao::roles").split(),
        }
        if row.get("baocao::details"):
            fields["details"] = row.get("baocao::details")
        return fields

    def question(
        self,
        row: Row,
        section: _SectionDraft,
        choices: dict[str, list[Choice]],
        every_name: set[str],
    ) -> None:
        before = len(self.problems)
        name = row.get("name")
        fields = self.question_type(row, choices)
        if fields is not None:
            fields.update(
                id=name,
                label=row.labels("label"),
                hint=row.labels("hint"),
                unit=row.labels("baocao::unit"),
            )
            fields.update(self.limits(row, fields["type"]))
            for key in ("max_length", "max_files"):
                if row.get(f"baocao::{key}"):
                    fields[key] = self.integer(row, f"baocao::{key}")
            required = self.flag(row, "required", default=False)
            carry_over = self.flag(row, "baocao::carry_over", default=True)
            fields.update(required=required, carry_over=carry_over)
            if row.get("relevant"):
                fields["show_if"] = self.condition(row, section.names, every_name)
        if len(self.problems) == before and fields is not None:
            try:
                question = Question.model_validate(fields)
            except ValidationError as error:
                self.validation("survey", row.number, error, _QUESTION_COLUMNS)
            else:
                section.questions.append(question)
                section.question_rows.append(row.number)
        if len(self.problems) != before:
            section.refused_rows = True
        if name:
            section.names.add(name)

    def question_type(self, row: Row, choices: dict[str, list[Choice]]) -> dict[str, Any] | None:
        raw = " ".join(row.get("type").split())
        select = _SELECT.match(raw)
        base = select[1].replace(" ", "_") if select else raw.lower()
        if select and select[3].strip():
            self.problem(
                "survey", row.number, "unsupported_type", text("xlsform.or_other", type=raw)
            )
            return None
        if base not in _TYPES:
            kind = _kind_of(raw)
            if not raw:
                self.problem("survey", row.number, "missing_field", text("xlsform.no_type"))
            elif kind in _WHY_NOT or kind in _RECOGNISED:
                reason = text(f"xlsform.why_not.{kind if kind in _WHY_NOT else 'other'}")
                self.problem(
                    "survey",
                    row.number,
                    "unsupported_type",
                    text("xlsform.unsupported_type", type=raw, reason=reason),
                )
            else:
                hint = text(f"xlsform.write_as.{raw.lower()}") if raw.lower() in _WRITE_AS else ""
                self.problem(
                    "survey",
                    row.number,
                    "unknown_type",
                    text("xlsform.unknown_type", type=raw, hint=hint),
                )
            return None
        question_type, narrower = _TYPES[base]
        override = row.get("baocao::type").lower()
        if override:
            if override not in {t.value for t in narrower}:
                allowed = ", ".join(sorted(t.value for t in narrower)) or text("xlsform.none")
                self.problem(
                    "survey",
                    row.number,
                    "bad_type",
                    text("xlsform.bad_override", override=override, base=base, allowed=allowed),
                )
                return None
            question_type = QuestionType(override)
        elif base == "text" and "multiline" in row.get("appearance").lower().split():
            question_type = QuestionType.long_text
        fields: dict[str, Any] = {"type": question_type}
        if select:
            list_name = select[2]
            if list_name not in choices:
                self.problem(
                    "survey",
                    row.number,
                    "unknown_choices",
                    text("xlsform.unknown_list", name=list_name),
                )
                return None
            if question_type == QuestionType.yes_no:
                # The bot asks yes/no with its own words; the list only keeps ODK working.
                if {c.value for c in choices[list_name]} != {"yes", "no"}:
                    self.problem(
                        "survey",
                        row.number,
                        "bad_type",
                        text("xlsform.yes_no_list", name=list_name),
                    )
                    return None
            else:
                fields["choices"] = list_name
        return fields

    def limits(self, row: Row, question_type: QuestionType) -> dict[str, Any]:
        constraint = row.get("constraint")
        if not constraint:
            return {}
        limits: dict[str, Any] = {}
        for part in re.split(r"\s+and\s+", constraint.strip()):
            bound, length = _BOUND.match(part.strip()), _LENGTH.match(part.strip())
            if bound and question_type in _NUMBER_TYPES:
                key = "min" if bound[1] == ">=" else "max"
                if key not in limits:
                    limits[key] = float(bound[2])
                    continue
            elif length and question_type in TEXT_TYPES and "max_length" not in limits:
                limits["max_length"] = int(length[1])
                continue
            self.problem(
                "survey",
                row.number,
                "unsupported_constraint",
                text("xlsform.unsupported_constraint", constraint=constraint),
            )
            return {}
        return limits

    def integer(self, row: Row, column: str) -> int | None:
        try:
            return int(row.get(column))
        except ValueError:
            self.problem(
                "survey", row.number, "bad_number", text("xlsform.not_integer", column=column)
            )
            return None

    def flag(self, row: Row, column: str, *, default: bool) -> bool:
        flag = row.get(column).lower()
        if not flag:
            return default
        if flag in _YES or flag in _NO:
            return flag in _YES
        self.problem(
            "survey",
            row.number,
            "bad_flag",
            text("xlsform.bad_flag", column=column, value=row.get(column)),
        )
        return default

    def condition(self, row: Row, earlier: set[str], every_name: set[str]) -> str | None:
        relevant = row.get("relevant")
        unsupported = sorted(
            {m[1] for m in _FUNCTION.finditer(relevant)} - _ALLOWED_FUNCTIONS - {"and", "or"}
        )
        if unsupported:
            self.problem(
                "survey",
                row.number,
                "bad_condition",
                text("xlsform.unsupported_function", names=", ".join(unsupported)),
            )
            return None
        try:
            condition = parse_condition(relevant)
        except ConditionError as error:
            reason = text("xlsform.bad_condition", reason=error.text)
            self.problem("survey", row.number, "bad_condition", reason)
            return None
        for name in sorted(condition.references - earlier - CONTEXT_VALUES):
            key = (
                "xlsform.condition_on_later"
                if name in every_name
                else "xlsform.condition_on_unknown"
            )
            self.problem("survey", row.number, "bad_condition", text(key, id=name))
        return relevant

    def validation(
        self, sheet: str, row: int, error: ValidationError, columns: dict[str, str]
    ) -> None:
        for item in error.errors():
            field_name = str(item["loc"][0]) if item["loc"] else ""
            column = columns.get(field_name, field_name)
            kind = item["type"]
            said = str(item["msg"]).removeprefix("Value error, ")
            message: str | Text
            if kind == "string_pattern_mismatch":
                code, message = "bad_name", _NAME_RULE
            elif kind == "value_error" and said == MISSING_VIETNAMESE_LABEL:
                code, message = "missing_label", text("problem.missing_label")
            elif kind in {"missing", "string_too_short"}:
                code, message = "missing_field", text("problem.pydantic.string_too_short")
            elif kind in {"enum", "literal_error"}:
                expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "")
                code = "invalid_value"
                message = text(
                    "problem.not_one_of",
                    reason=text("problem.pydantic.enum"),
                    value=repr(item.get("input")),
                    allowed=expected,
                )
            else:
                code, message = "invalid_value", said
            self.problem(sheet, row, code, text("xlsform.in_column", column=column, reason=message))

    # --- the whole form -------------------------------------------------------------------

    def finish(
        self,
        key: str,
        title: dict[str, str],
        choices: dict[str, list[Choice]],
        drafts: list[_SectionDraft],
        signed: str = "none",
    ) -> Questionnaire:
        sections: list[Section] = []
        for draft in drafts:
            try:
                fields = {**draft.fields, "questions": draft.questions}
                sections.append(Section.model_validate(fields))
            except ValidationError as error:
                self.validation("survey", draft.row, error, _SECTION_COLUMNS)
                # Keep checking its questions against the rest of the form.
                sections.append(Section.model_construct(**{**_SECTION_DEFAULTS, **fields}))
        partial = Questionnaire.model_construct(
            key=key, title=title, choices=choices, sections=sections
        )
        for where, code, message in check_questionnaire("@", partial):
            self.cross_check(where, code, message, drafts)
        if self.problems:
            raise PlanFileError(self.problems)
        try:
            return Questionnaire.model_validate(
                {
                    "key": key,
                    "title": title,
                    "signed_document": signed,
                    "choices": choices,
                    "sections": sections,
                }
            )
        except ValidationError as error:  # every part was checked above; this is a backstop
            raise PlanFileError([Problem(self.file_name, "invalid_value", str(error))]) from None

    def cross_check(
        self, where: str, code: str, message: str | Text, drafts: list[_SectionDraft]
    ) -> None:
        """Place a problem found by `check_questionnaire` on its row."""
        if code in {"bad_condition", "unknown_choices", "missing_choices"}:
            return  # found on the row already, with refused rows counted as earlier questions
        choice = re.match(r"@\.choices\.(.+)\[(\d+)\]$", where)
        if choice:
            row = self.choice_rows.get((choice[1], int(choice[2])))
            self.problem("choices", row, code, message)
            return
        place = re.match(r"@\.sections\[(\d+)\](?:\.questions\[(\d+)\])?", where)
        if place is None:
            self.problem("survey", None, code, message)
            return
        draft = drafts[int(place[1]) - 1]
        if code == "no_questions" and draft.refused_rows:
            return  # its questions were refused, each on its own row
        row = draft.question_rows[int(place[2]) - 1] if place[2] else draft.row
        self.problem("survey", row or None, code, message)


_QUESTION_COLUMNS = {
    "id": "name", "label": "label", "hint": "hint", "unit": "baocao::unit",
    "min": "constraint", "max": "constraint", "max_length": "baocao::max_length",
    "max_files": "baocao::max_files", "show_if": "relevant", "choices": "type",
}  # fmt: skip
_SECTION_COLUMNS = {
    "id": "name", "kind": "baocao::kind", "roles": "baocao::roles", "details": "baocao::details",
    "label": "label",
}  # fmt: skip
_SECTION_DEFAULTS: dict[str, Any] = {"label": {}, "roles": [], "details": None}


def _kind_of(raw: str) -> str:
    return "_".join(raw.lower().split())
