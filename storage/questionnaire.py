"""A questionnaire is data: sections of typed questions, with show-if conditions, written in the
plan file (or an XLSForm workbook) and stored, versioned, in the database.

Sections are of four kinds:
- `task`: repeated over each task in the agency's scope whose role is in `roles`
  (a fuller form for lead agencies, a short one for coordinating agencies);
- `optional_tasks`: one multiple-choice question listing the tasks the agency *may* have
  contributed to; the tasks picked are then asked with the `details` task section;
- `duties`: the agency's own duties from section IV of the plan, asked once when it has some;
- `agency`: asked once per report (funding, difficulties, proposals, next year's direction).

Conditions may name earlier questions of the same section and these context values:
`_role` (lead | coordinating), `_bounded` (yes when the task's timeframe ends) and `_task`
(the task's number).
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from storage.conditions import Condition, ConditionError, parse_condition
from storage.i18n import Text, text

CONTEXT_VALUES = frozenset({"_role", "_bounded", "_task"})
OPTIONAL_TASKS_QUESTION = "tasks"  # the one question of an `optional_tasks` section
STATUS_QUESTION = "status"  # a task section's progress status, counted by /summary and the chart
STATUS_LIST = "task_status"


class QuestionType(StrEnum):
    single = "single"
    multiple = "multiple"
    yes_no = "yes_no"
    integer = "integer"
    decimal = "decimal"
    money = "money"
    percent = "percent"
    date = "date"
    text = "text"
    long_text = "long_text"
    files = "files"


NUMERIC_TYPES = frozenset({QuestionType.integer, QuestionType.decimal, QuestionType.money})
TEXT_TYPES = frozenset({QuestionType.text, QuestionType.long_text})
DEFAULT_MAX_LENGTH = {QuestionType.text: 300, QuestionType.long_text: 2000}


def _labels(value: Any) -> Any:
    """A label may be plain Vietnamese text or a mapping of language -> text."""
    if isinstance(value, str):
        return {"vi": value}
    return value


MISSING_VIETNAMESE_LABEL = "missing_vietnamese_label"  # pydantic's message, worded by the reader


def _needs_vietnamese(value: dict[str, str]) -> dict[str, str]:
    cleaned = {lang: label.strip() for lang, label in value.items() if label and label.strip()}
    if not cleaned.get("vi"):
        raise ValueError(MISSING_VIETNAMESE_LABEL)
    return cleaned


Labels = Annotated[dict[str, str], BeforeValidator(_labels), AfterValidator(_needs_vietnamese)]
OptionalLabels = Annotated[dict[str, str], BeforeValidator(_labels)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Choice(_Strict):
    value: str = Field(min_length=1, max_length=40)
    label: Labels


class Question(_Strict):
    id: Identifier
    type: QuestionType
    label: Labels
    hint: OptionalLabels = {}
    required: bool = True
    choices: str | None = None  # the name of a choice list (single and multiple)
    unit: OptionalLabels = {}  # integer and decimal
    min: float | None = None
    max: float | None = None
    max_length: int | None = Field(default=None, ge=1, le=10000)
    max_files: int = Field(default=10, ge=1, le=50)
    show_if: str | None = None
    carry_over: bool = True  # offered from last year's report

    def text(self, field: Literal["label", "hint", "unit"], language: str) -> str:
        labels: dict[str, str] = getattr(self, field)
        return labels.get(language) or labels.get("vi", "")

    @property
    def limit(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type, 300)

    @property
    def condition(self) -> Condition | None:
        return parse_condition(self.show_if) if self.show_if else None


class SectionKind(StrEnum):
    task = "task"
    optional_tasks = "optional_tasks"
    duties = "duties"
    agency = "agency"


class Section(_Strict):
    id: Identifier
    kind: SectionKind
    label: OptionalLabels = {}
    roles: list[Literal["lead", "coordinating"]] = []  # task sections
    details: str | None = None  # optional_tasks: the task section asked for each pick
    questions: list[Question] = []

    def text(self, language: str) -> str:
        return self.label.get(language) or self.label.get("vi", "")

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


SignedDocument = Literal["none", "optional", "required"]


class Questionnaire(_Strict):
    key: Identifier = "periodic"
    title: Labels
    # The signed report (the document of record: a PDF, or photos of its pages, with its
    # number, date and signer), sent once per report at the end: not asked, offered, or
    # needed before the report can be submitted.
    signed_document: SignedDocument = "none"
    choices: dict[str, list[Choice]] = {}
    sections: list[Section] = Field(min_length=1)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def choice_label(self, list_name: str | None, value: Any, language: str) -> str:
        for choice in self.choices.get(list_name or "", []):
            if choice.value == value:
                return choice.label.get(language) or choice.label["vi"]
        return str(value)

    def digest(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def check_questionnaire(where: str, form: Questionnaire) -> list[tuple[str, str, Text]]:
    """Cross-checks pydantic cannot do, as (where, code, message) triples."""
    problems: list[tuple[str, str, Text]] = []
    section_ids: set[str] = set()
    task_sections = {s.id for s in form.sections if s.kind == SectionKind.task}
    for list_name, choices in form.choices.items():
        seen: set[str] = set()
        for ci, choice in enumerate(choices):
            if choice.value in seen:
                problems.append(
                    (
                        f"{where}.choices.{list_name}[{ci + 1}]",
                        "duplicate_choice",
                        text("problem.duplicate_choice", value=choice.value),
                    )
                )
            seen.add(choice.value)
    once_ids: dict[str, str] = {}  # asked-once questions merge into one row per agency
    for si, section in enumerate(form.sections):
        at = f"{where}.sections[{si + 1}]"
        if section.kind in {SectionKind.duties, SectionKind.agency}:
            for question in section.questions:
                other = once_ids.setdefault(question.id, section.id)
                if other != section.id:
                    problems.append(
                        (
                            at,
                            "duplicate_question",
                            text(
                                "problem.question_in_other_section", id=question.id, section=other
                            ),
                        )
                    )
        if section.id in section_ids:
            problems.append(
                (at, "duplicate_section", text("problem.duplicate_section", id=section.id))
            )
        section_ids.add(section.id)
        if section.kind == SectionKind.task and not section.roles:
            problems.append((at, "missing_roles", text("problem.missing_roles")))
        if section.kind == SectionKind.optional_tasks and section.details not in task_sections:
            problems.append(
                (
                    f"{at}.details",
                    "unknown_section",
                    text("problem.unknown_details", id=section.details),
                )
            )
        if section.kind != SectionKind.optional_tasks and not section.questions:
            problems.append((at, "no_questions", text("problem.no_questions")))
        earlier: set[str] = set()
        for qi, question in enumerate(section.questions):
            problems.extend(_check_question(f"{at}.questions[{qi + 1}]", form, question, earlier))
            earlier.add(question.id)
    return problems


def _check_question(
    at: str, form: Questionnaire, question: Question, earlier: set[str]
) -> list[tuple[str, str, Text]]:
    problems: list[tuple[str, str, Text]] = []
    if question.id in earlier:
        problems.append(
            (at, "duplicate_question", text("problem.duplicate_question", id=question.id))
        )
    if question.type in {QuestionType.single, QuestionType.multiple}:
        if not question.choices:
            problems.append((at, "missing_choices", text("problem.missing_choices")))
        elif question.choices not in form.choices:
            problems.append(
                (at, "unknown_choices", text("problem.unknown_choices", name=question.choices))
            )
    if question.min is not None and question.max is not None and question.min > question.max:
        problems.append((at, "bad_limits", text("problem.bad_limits")))
    if question.show_if:
        try:
            condition = parse_condition(question.show_if)
        except ConditionError as exc:
            problems.append((f"{at}.show_if", "bad_condition", exc.text))
        else:
            for name in sorted(condition.references - earlier - CONTEXT_VALUES):
                problems.append(
                    (
                        f"{at}.show_if",
                        "bad_condition",
                        text("problem.condition_on_later", id=name),
                    )
                )
    return problems


_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_OPEN_ENDED = ("hàng năm", "hằng năm", "tiếp theo", "thường xuyên", "annual", "ongoing")


def is_bounded(timeframe: str) -> bool:
    """A task with an end ('2023-2025', 'Năm 2024') has a percentage of completion; a recurring
    one ('Hàng năm', '2023 và các năm tiếp theo') does not."""
    text = timeframe.casefold()
    return bool(_YEAR.search(text)) and not any(word in text for word in _OPEN_ENDED)
