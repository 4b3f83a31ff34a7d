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
from storage.plan_document import PlanFileError, Problem
from storage.questionnaire import (
    CONTEXT_VALUES,
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
_WHY_NOT = {
    "note": "ghi chú không phải câu hỏi; hãy đưa nội dung vào cột hint của câu hỏi",
    "calculate": "trò chuyện không tính toán giá trị ẩn",
    "hidden": "trò chuyện không có giá trị ẩn",
    "begin_repeat": "phần theo nhiệm vụ tự lặp lại cho từng nhiệm vụ: dùng begin group với "
    "baocao::kind = task",
}
# The baocao types that XLSForm has no word for, and how to write them.
_WRITE_AS = {
    "money": " (tiền: integer hoặc decimal, cột baocao::type = money)",
    "percent": " (phần trăm: integer hoặc decimal, cột baocao::type = percent)",
    "yes_no": " (có/không: select_one DS, cột baocao::type = yes_no)",
    "long_text": " (văn bản dài: text, appearance multiline)",
    "files": " (tệp: file)",
}
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

_NAME_RULE = "chỉ gồm chữ thường không dấu, số và '_', bắt đầu bằng chữ, tối đa 40 ký tự"


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
        raise PlanFileError([Problem(name, "not_found", "không tìm thấy tệp")]) from None
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise PlanFileError([Problem(name, "bad_format", f"không đọc được tệp ({exc})")]) from None
    try:
        sheets = read_sheets(workbook)
    finally:
        workbook.close()
    if "survey" not in sheets:
        raise PlanFileError([Problem(name, "missing_sheet", "thiếu trang 'survey'")])
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

    def problem(self, sheet: str, row: int | None, code: str, message: str) -> None:
        where = f"{self.file_name}: {sheet}" + (f" dòng {row}" if row else "")
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
                    f"cột '{name}::{language[1:]}': không rõ mã ngôn ngữ, hãy viết dạng "
                    f"'{name}::Tên (mã)', ví dụ '{name}::English (en)'",
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
                f"cột '{column[0]}' không được hỗ trợ trong bảng hỏi trò chuyện",
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
                self.problem("choices", row.number, "missing_field", "cần cả list_name và name")
                continue
            if " " in value:
                self.problem(
                    "choices", row.number, "bad_name", f"tên lựa chọn {value!r} có dấu cách"
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
                f"baocao::signed_document {signed!r}: none, optional hoặc required",
            )
            signed = "none"
        if not title:
            self.problem(
                "settings",
                None,
                "missing_title",
                "thiếu tiêu đề bảng hỏi: thêm trang settings có cột form_title",
            )
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            self.problem(
                "settings",
                row.number,
                "bad_name",
                f"form_id {key!r}: {_NAME_RULE}",
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
                    "nhóm lồng trong nhóm không được hỗ trợ: mỗi nhóm là một phần",
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
                    self.problem("survey", row.number, "unmatched_end", "end group thừa")
                current = None
            elif kind in _METADATA or kind == "end_repeat":
                continue  # metadata is recorded anyway; a repeat is refused at its begin row
            elif current is None:
                self.problem(
                    "survey",
                    row.number,
                    "outside_group",
                    "câu hỏi phải nằm giữa begin group và end group",
                )
            else:
                self.question(row, current, choices, every_name)
        if current is not None and has_groups:
            self.problem("survey", current.row, "unclosed_group", "nhóm không có dòng end group")
        return sections

    def group_fields(self, row: Row) -> dict[str, Any]:
        for column in ("relevant", "required", "constraint", "baocao::type"):
            if row.get(column):
                self.problem(
                    "survey",
                    row.number,
                    "unsupported_column",
                    f"cột '{column}' không dùng được cho một nhóm",
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
                "survey", row.number, "unsupported_type", f"kiểu {raw!r}: không hỗ trợ or_other"
            )
            return None
        if base not in _TYPES:
            kind = _kind_of(raw)
            if not raw:
                self.problem("survey", row.number, "missing_field", "thiếu kiểu (cột type)")
            elif kind in _WHY_NOT or kind in _RECOGNISED:
                reason = _WHY_NOT.get(kind, "trò chuyện không hỏi được kiểu này")
                self.problem(
                    "survey",
                    row.number,
                    "unsupported_type",
                    f"kiểu {raw!r} không được hỗ trợ: {reason}",
                )
            else:
                hint = _WRITE_AS.get(raw.lower(), "")
                self.problem(
                    "survey",
                    row.number,
                    "unknown_type",
                    f"kiểu không xác định {raw!r}; nhận: select_one DS, select_multiple DS, "
                    f"integer, decimal, date, text, file, image{hint}",
                )
            return None
        question_type, narrower = _TYPES[base]
        override = row.get("baocao::type").lower()
        if override:
            if override not in {t.value for t in narrower}:
                allowed = ", ".join(sorted(t.value for t in narrower)) or "không có"
                self.problem(
                    "survey",
                    row.number,
                    "bad_type",
                    f"baocao::type {override!r} không dùng được với kiểu {base}"
                    f" (dùng được: {allowed})",
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
                    f"danh sách lựa chọn {list_name!r} không có trong trang choices",
                )
                return None
            if question_type == QuestionType.yes_no:
                # The bot asks yes/no with its own words; the list only keeps ODK working.
                if {c.value for c in choices[list_name]} != {"yes", "no"}:
                    self.problem(
                        "survey",
                        row.number,
                        "bad_type",
                        f"câu hỏi yes_no cần danh sách chỉ gồm 'yes' và 'no' ({list_name!r})",
                    )
                    return None
            else:
                fields["choices"] = list_name
        return fields

    def limits(self, row: Row, question_type: QuestionType) -> dict[str, Any]:
        text = row.get("constraint")
        if not text:
            return {}
        limits: dict[str, Any] = {}
        for part in re.split(r"\s+and\s+", text.strip()):
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
                f"ràng buộc {text!r} không được hỗ trợ; chỉ nhận '. >= A and . <= B' cho số, "
                "'string-length(.) <= N' cho chữ",
            )
            return {}
        return limits

    def integer(self, row: Row, column: str) -> int | None:
        try:
            return int(row.get(column))
        except ValueError:
            self.problem("survey", row.number, "bad_number", f"cột '{column}' phải là số nguyên")
            return None

    def flag(self, row: Row, column: str, *, default: bool) -> bool:
        text = row.get(column).lower()
        if not text:
            return default
        if text in _YES or text in _NO:
            return text in _YES
        self.problem(
            "survey",
            row.number,
            "bad_flag",
            f"cột '{column}' chỉ nhận yes hoặc no (không nhận biểu thức), gặp {row.get(column)!r}",
        )
        return default

    def condition(self, row: Row, earlier: set[str], every_name: set[str]) -> str | None:
        text = row.get("relevant")
        unsupported = sorted(
            {m[1] for m in _FUNCTION.finditer(text)} - _ALLOWED_FUNCTIONS - {"and", "or"}
        )
        if unsupported:
            self.problem(
                "survey",
                row.number,
                "bad_condition",
                f"điều kiện dùng hàm không được hỗ trợ: {', '.join(unsupported)}"
                " (chỉ dùng selected, not, and, or và các phép so sánh)",
            )
            return None
        try:
            condition = parse_condition(text)
        except ConditionError as error:
            self.problem("survey", row.number, "bad_condition", f"điều kiện: {error}")
            return None
        for name in sorted(condition.references - earlier - CONTEXT_VALUES):
            where = (
                "ở phía sau hoặc ở nhóm khác (chỉ nhắc được câu hỏi phía trước trong cùng nhóm)"
                if name in every_name
                else "không có trong bảng hỏi"
            )
            message = f"điều kiện nhắc tới câu hỏi {name!r} {where}"
            self.problem("survey", row.number, "bad_condition", message)
        return text

    def validation(
        self, sheet: str, row: int, error: ValidationError, columns: dict[str, str]
    ) -> None:
        for item in error.errors():
            field_name = str(item["loc"][0]) if item["loc"] else ""
            column = columns.get(field_name, field_name)
            kind = item["type"]
            if kind == "string_pattern_mismatch":
                code = "bad_name"
                message = _NAME_RULE
            elif kind == "value_error" and "nhãn" in str(item["msg"]):
                code, message = "missing_label", "thiếu nhãn tiếng Việt (vi)"
            elif kind in {"missing", "string_too_short"}:
                code, message = "missing_field", "không được để trống"
            elif kind in {"enum", "literal_error"}:
                expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "")
                code = "invalid_value"
                message = f"giá trị không hợp lệ {item.get('input')!r}; nhận: {expected}"
            else:
                code, message = "invalid_value", str(item["msg"]).removeprefix("Value error, ")
            self.problem(sheet, row, code, f"cột '{column}': {message}")

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

    def cross_check(self, where: str, code: str, message: str, drafts: list[_SectionDraft]) -> None:
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
