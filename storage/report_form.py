"""A questionnaire laid out for one agency: the section instances it answers (a task section
once per task in its scope, the others once), the questions visible given the answers so far,
and what is still missing. Pure functions of the form, the scope and the answers.

Answers, in a draft and when read back, are `{instance key: {question id: value}}`; an
instance key is `<section id>:<task id>` for task sections and `<section id>` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.i18n import LANGUAGES, translate
from storage.questionnaire import (
    OPTIONAL_TASKS_QUESTION,
    Question,
    Questionnaire,
    QuestionType,
    Section,
    SectionKind,
    is_bounded,
)
from storage.scope import Level, ScopedTask

Answers = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class TaskInfo:
    id: int
    number: int
    title: str
    timeframe: str


@dataclass(frozen=True)
class Instance:
    key: str
    section: Section
    task: TaskInfo | None = None
    role: str = ""
    # optional_tasks: the tasks offered in its one multiple-choice question
    offered: tuple[TaskInfo, ...] = ()

    def context(self) -> dict[str, Any]:
        if self.task is None:
            return {}
        return {
            "_role": self.role,
            "_bounded": "yes" if is_bounded(self.task.timeframe) else "no",
            "_task": self.task.number,
        }

    def questions(self) -> list[Question]:
        if self.section.kind == SectionKind.optional_tasks:
            return [
                Question(
                    id=OPTIONAL_TASKS_QUESTION,
                    type=QuestionType.multiple,
                    label=self.section.label
                    or {lang: translate("form.optional_tasks", lang) for lang in LANGUAGES},
                    required=False,
                )
            ]
        return list(self.section.questions)

    def visible(self, answer: dict[str, Any]) -> list[Question]:
        """The questions shown, given this instance's answers (conditions see earlier ones)."""
        values = {**self.context(), **answer}
        return [q for q in self.questions() if q.condition is None or q.condition.holds(values)]


def task_info(scoped: ScopedTask) -> TaskInfo:
    task = scoped.task
    assert task.id is not None
    return TaskInfo(task.id, task.number, task.title, task.timeframe)


def lay_out(
    form: Questionnaire, *, tasks: list[ScopedTask], has_duties: bool, answers: Answers
) -> list[Instance]:
    """The instances this agency answers, in the form's section order."""
    required = [t for t in tasks if t.level == Level.required]
    optional = [task_info(t) for t in tasks if t.level == Level.optional]
    instances: list[Instance] = []
    for section in form.sections:
        if section.kind == SectionKind.task:
            for scoped in required:
                if scoped.role in section.roles:
                    info = task_info(scoped)
                    instances.append(
                        Instance(f"{section.id}:{info.id}", section, info, scoped.role)
                    )
        elif section.kind == SectionKind.optional_tasks:
            if not optional:
                continue
            instances.append(Instance(section.id, section, offered=tuple(optional)))
            details = form.section(section.details or "")
            picked = set(answers.get(section.id, {}).get(OPTIONAL_TASKS_QUESTION) or [])
            if details is None:
                continue
            for info in optional:
                if info.number in picked:
                    instances.append(
                        Instance(f"{details.id}:{info.id}", details, info, "coordinating")
                    )
        elif section.kind == SectionKind.duties:
            if has_duties:
                instances.append(Instance(section.id, section))
        else:
            instances.append(Instance(section.id, section))
    return instances


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def missing_questions(instance: Instance, answers: Answers) -> list[Question]:
    answer = answers.get(instance.key, {})
    return [q for q in instance.visible(answer) if q.required and is_blank(answer.get(q.id))]


def incomplete(instances: list[Instance], answers: Answers) -> list[Instance]:
    return [i for i in instances if missing_questions(i, answers)]


def kept_answers(instances: list[Instance], answers: Answers) -> Answers:
    """Only what is visible: an answer hidden by a later change (status changed from
    'in progress' to 'not started') is not submitted."""
    kept: Answers = {}
    for instance in instances:
        answer = answers.get(instance.key, {})
        values = {
            q.id: answer[q.id] for q in instance.visible(answer) if not is_blank(answer.get(q.id))
        }
        if values:
            kept[instance.key] = values
    return kept


def carried_over(form: Questionnaire, previous: Answers) -> Answers:
    """Last report's answers that a new one starts from: same section and question ids,
    questions marked carry_over only."""
    out: Answers = {}
    for key, values in previous.items():
        section = form.section(key.partition(":")[0])
        if section is None:
            continue
        if section.kind == SectionKind.optional_tasks:
            out[key] = dict(values)
            continue
        # Files belong to the year they were sent for: never carried into a new report.
        kept = {
            qid: value
            for qid, value in values.items()
            if (q := section.question(qid)) is not None
            and q.carry_over
            and q.type != QuestionType.files
        }
        if kept:
            out[key] = kept
    return out
