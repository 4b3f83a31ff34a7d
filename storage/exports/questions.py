"""The questions the exported files show, read from the questionnaires: the table's answer
columns and the draft report's wording come from here, so a question added to a plan file
shows up in both without any code change.

A `FormView` holds, in form order, the questions of the task sections (one column each in the
task sheet) and those asked once per report (the agency sheet), followed by any other question
found in the answers (one given with an older form: the legacy per-task difficulties, proposals
and attachments), labelled by the form it was answered with, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from storage import answer_text
from storage.exports import labels
from storage.forms import current_form, form_by_id
from storage.i18n import LANGUAGES, translate
from storage.models import ReportAnswer, ReportingPeriod, Submission, SubmissionVersion
from storage.questionnaire import (
    OPTIONAL_TASKS_QUESTION,
    STATUS_QUESTION,
    Question,
    Questionnaire,
    QuestionType,
    Section,
    SectionKind,
)

Value = str | int | float | datetime | None
LANGUAGE = labels.EXPORT_LANGUAGE  # the secretariat's files are Vietnamese
ONCE_KINDS = frozenset({SectionKind.duties, SectionKind.agency, SectionKind.optional_tasks})
NUMBERS = frozenset({QuestionType.integer, QuestionType.decimal, QuestionType.percent})
# (column kind, width) by question type; kinds as storage.exports.table.Column knows them.
LAYOUT = {
    QuestionType.single: ("text", 16),
    QuestionType.multiple: ("long", 26),
    QuestionType.yes_no: ("text", 10),
    QuestionType.integer: ("number", 12),
    QuestionType.decimal: ("number", 12),
    QuestionType.percent: ("number", 12),
    QuestionType.money: ("money", 18),
    QuestionType.date: ("text", 12),
    QuestionType.text: ("long", 30),
    QuestionType.long_text: ("long", 44),
    QuestionType.files: ("long", 26),
}


def money_text(amount: float) -> str:
    """1250000000 -> '1.250.000.000 đồng'."""
    return answer_text.money_text(amount, LANGUAGE)


def number_text(value: float) -> str:
    """12 -> '12', 1.5 -> '1,5' (a Vietnamese decimal comma)."""
    return answer_text.number_text(value, LANGUAGE)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _tasks_question(section: Section) -> Question:
    """The one question of an optional-tasks section: which tasks the agency contributed to."""
    return Question(
        id=OPTIONAL_TASKS_QUESTION,
        type=QuestionType.multiple,
        label=section.label
        or {language: translate("export.optional_tasks", language) for language in LANGUAGES},
        required=False,
    )


def section_questions(section: Section) -> list[Question]:
    if section.kind == SectionKind.optional_tasks:
        return [_tasks_question(section)]
    return list(section.questions)


class Asked:
    """One question as the files show it: a header, a spreadsheet cell, a sentence's text."""

    __slots__ = ("_choices", "form", "header", "id", "kind", "question", "section", "width")

    def __init__(self, question: Question, form: Questionnaire, section: Section) -> None:
        self.id = question.id
        self.question = question
        self.form = form
        self.section = section
        self.kind, self.width = LAYOUT.get(question.type, ("long", 30))
        self._choices = {
            c.value: c.label.get(LANGUAGE) or c.label["vi"]
            for c in form.choices.get(question.choices or "", [])
        }
        self.header = self._header()

    @property
    def type(self) -> QuestionType:
        return self.question.type

    @property
    def label(self) -> str:
        """The question's Vietnamese label without its question mark."""
        return self.question.text("label", LANGUAGE).rstrip("?:. ")

    def _header(self) -> str:
        header = self.label
        if self.section.kind == SectionKind.duties and self.section.label:
            header = f"{self.section.text(LANGUAGE)}: {header}"  # "these duties" needs context
        unit = self.question.text("unit", LANGUAGE)
        if self.type == QuestionType.money:
            header += f" ({translate('export.money_unit', LANGUAGE)})"
        elif unit and self.type in NUMBERS:
            header += f" ({unit})"
        return header

    def choice(self, value: Any) -> str:
        return self._choices.get(value) or str(value)

    @property
    def source(self) -> str:
        """What a number counts, for a total: the choice its show-if condition picks
        (`selected(${funding_sources}, 'state_budget')` -> 'Ngân sách nhà nước'), else the
        question's label."""
        condition = self.question.condition
        if condition is not None and condition.tree[0] == "selected":
            _, name, value = condition.tree
            picker = self.section.question(name)
            for choice in self.form.choices.get(picker.choices or "", []) if picker else []:
                if choice.value == value:
                    return choice.label.get(LANGUAGE) or choice.label["vi"]
        return self.label

    def cell(self, value: Any) -> Value:
        """The value for a spreadsheet cell: numbers stay numbers, codes become labels."""
        if value is None or value == "" or value == []:
            return None
        kind = self.type
        if kind in NUMBERS or kind == QuestionType.money:
            return value if _is_number(value) else str(value)
        return self._words(value, separator="; ")

    def text(self, value: Any) -> str:
        """The value in a sentence: '1.250.000.000 đồng', '12 lớp', '70%'."""
        if value is None or value == "" or value == []:
            return ""
        kind = self.type
        if kind == QuestionType.money and _is_number(value):
            return money_text(value)
        if kind == QuestionType.percent and _is_number(value):
            return answer_text.percent_text(value, LANGUAGE)
        if kind in NUMBERS and _is_number(value):
            unit = self.question.text("unit", LANGUAGE)
            return f"{number_text(value)} {unit}".strip()
        return self._words(value, separator=", ")

    def _words(self, value: Any, *, separator: str) -> str:
        kind = self.type
        if kind == QuestionType.single:
            return self.choice(value)
        if kind == QuestionType.multiple:
            items = value if isinstance(value, list) else [value]
            return separator.join(self.choice(v) for v in items)
        if kind == QuestionType.yes_no:
            return answer_text.yes_no_text(value, LANGUAGE)
        if kind == QuestionType.date and isinstance(value, str):
            return answer_text.date_text(value)
        if kind == QuestionType.files or isinstance(value, list):
            items = value if isinstance(value, list) else [value]
            return answer_text.files_text(items, LANGUAGE, separator=separator)
        return str(value)


@dataclass(frozen=True)
class Found:
    """A question that answers use: its section, whether per task, and the form version."""

    section: str
    question: str
    per_task: bool
    form_id: int | None


class FormView:
    """The questions of the forms asked (in order), then the other ones answers use."""

    def __init__(
        self,
        forms: Sequence[Questionnaire],
        found: Iterable[Found] = (),
        used: dict[int, Questionnaire] | None = None,
    ) -> None:
        self.task: list[Asked] = []
        self.once: list[Asked] = []
        self._seen: set[tuple[bool, str]] = set()
        for form in forms:
            self._add_form(form, only=None)
        found = list(found)
        used = used or {}
        wanted = {(f.per_task, f.question) for f in found} - self._seen
        for form_id in sorted(used):  # older forms' questions, in their own order
            self._add_form(used[form_id], only=wanted)
        for item in sorted(found, key=lambda f: (f.section, f.question)):
            if (item.per_task, item.question) not in self._seen:  # not in any form: its id
                self._unknown(item)
        self.status = next((a for a in self.task if a.id == STATUS_QUESTION), None)

    def _add_form(self, form: Questionnaire, *, only: set[tuple[bool, str]] | None) -> None:
        for section in form.sections:
            per_task = section.kind == SectionKind.task
            if not per_task and section.kind not in ONCE_KINDS:
                continue
            for question in section_questions(section):
                key = (per_task, question.id)
                if key in self._seen or (only is not None and key not in only):
                    continue
                self._seen.add(key)
                (self.task if per_task else self.once).append(Asked(question, form, section))

    def _unknown(self, item: Found) -> None:
        question = Question(
            id=item.question, type=QuestionType.long_text, label={"vi": item.question}
        )
        kind = SectionKind.task if item.per_task else SectionKind.agency
        section = Section(id=item.section, kind=kind, roles=["lead"], questions=[question])
        form = Questionnaire(title={"vi": item.section}, sections=[section])
        self._seen.add((item.per_task, item.question))
        (self.task if item.per_task else self.once).append(Asked(question, form, section))

    @cached_property
    def task_details(self) -> list[Asked]:
        """The task questions after the status (which has its own column)."""
        return [a for a in self.task if a is not self.status]

    def status_text(self, status: str) -> str:
        """A task cell's status in words: the form's label, 'Đã báo cáo', 'Chưa báo cáo'."""
        if status in labels.NO_STATUS or self.status is None:
            return labels.STATUS.get(status, status)
        return self.status.choice(status)

    @property
    def status_header(self) -> str:
        return self.status.header if self.status is not None else labels.STATUS_HEADER

    def once_asked(self, question_id: str) -> Asked | None:
        return next((a for a in self.once if a.id == question_id), None)


def found_questions(session: Session, *, period_ids: Sequence[int]) -> list[Found]:
    """The (section, question) pairs the current versions of these periods answered: one
    query, a distinct scan of their answers."""
    current = and_(
        col(Submission.id) == col(SubmissionVersion.submission_id),
        col(SubmissionVersion.version) == col(Submission.current_version),
    )
    rows = session.exec(
        select(
            ReportAnswer.section,
            ReportAnswer.question,
            col(ReportAnswer.task_id).is_not(None),
            SubmissionVersion.questionnaire_id,
        )
        .join(SubmissionVersion, col(SubmissionVersion.id) == col(ReportAnswer.version_id))
        .join(Submission, current)
        .where(col(Submission.period_id).in_(period_ids))
        .distinct()
    ).all()
    return [Found(s, q, bool(t), f) for s, q, t, f in rows]


def load_view(session: Session, *, periods: Sequence[ReportingPeriod]) -> FormView:
    """The view of these periods: their current questionnaires, then what answers used."""
    forms: list[Questionnaire] = []
    asked: set[tuple[int, str]] = set()
    for period in sorted(periods, key=lambda p: p.kind != "periodic"):  # the yearly form first
        key = (period.plan_id, period.questionnaire_key)
        if key not in asked:
            asked.add(key)
            forms.append(current_form(session, plan_id=key[0], key=key[1])[1])
    found = found_questions(session, period_ids=[p.id for p in periods if p.id is not None])
    used = {
        form_id: form
        for form_id in {f.form_id for f in found if f.form_id is not None}
        if (form := form_by_id(session, form_id)) is not None
    }
    return FormView(forms, found, used)
