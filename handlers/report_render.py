"""Report answers as readable text, read from the questionnaire: instance headings, values by
question type, the review screen, /view; and splitting long text into messages a phone shows
comfortably."""

from __future__ import annotations

import re
from typing import Any

from handlers.context import Context
from storage import answer_text
from storage.questionnaire import Question, Questionnaire, QuestionType, SectionKind
from storage.report_form import Answers, Instance, is_blank, missing_questions

MESSAGE_BUDGET = 3500  # below Telegram's 4096 and split again by the Zalo adapter
TITLE_BUDGET = 90  # a task title in a list of tasks


def role_label(ctx: Context, role: str) -> str:
    return ctx.t(f"report.role.{role}") if role else ""


def shorten(text: str, budget: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= budget else text[: budget - 1].rstrip() + "…"


def value_text(ctx: Context, form: Questionnaire, question: Question, value: Any) -> str:
    """An answer as a person reads it: choice labels, grouped money, dd/mm/yyyy dates."""
    language = ctx.config.language
    kind = question.type
    if kind == QuestionType.single:
        return form.choice_label(question.choices, value, language)
    if kind == QuestionType.multiple:
        items = value if isinstance(value, list) else [value]
        if not items:
            return ctx.t("report.none")
        if question.choices is None:  # the optional-tasks question: task numbers
            return ", ".join(ctx.t("report.task_short", number=n) for n in items)
        return ", ".join(form.choice_label(question.choices, v, language) for v in items)
    if kind == QuestionType.yes_no:
        return answer_text.yes_no_text(value, language)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == QuestionType.money and numeric:
        return answer_text.money_text(value, language, short=True)  # short: a phone's screen
    if kind == QuestionType.percent and numeric:
        return answer_text.percent_text(value, language)
    if kind in {QuestionType.integer, QuestionType.decimal} and numeric:
        unit = question.text("unit", language)
        return f"{answer_text.number_text(value, language)} {unit}".strip()
    if kind == QuestionType.date and isinstance(value, str):
        return answer_text.date_text(value)
    if kind == QuestionType.files:
        return answer_text.files_text(value if isinstance(value, list) else [], language)
    return str(value)


def instance_title(ctx: Context, instance: Instance) -> str:
    """A one-line name: 'Nhiệm vụ 4 (chủ trì)', or the section's label."""
    if instance.section.kind == SectionKind.optional_tasks:
        return ctx.t("report.review.contributed")
    if instance.task is not None:
        return ctx.t(
            "report.instance.task",
            number=instance.task.number,
            role=role_label(ctx, instance.role),
        )
    return instance.section.text(ctx.config.language) or instance.section.id


def instance_block(
    ctx: Context, form: Questionnaire, instance: Instance, answers: Answers, *, budget: int
) -> str:
    """One instance's answers. `budget` caps each value's length (the review screen keeps it
    short on a phone; /view shows everything)."""
    answer = answers.get(instance.key, {})
    if instance.section.kind == SectionKind.optional_tasks:
        picked = answer.get("tasks")
        shown = (
            value_text(ctx, form, instance.questions()[0], picked)
            if picked is not None
            else ctx.t("report.review.missing")
        )
        return f"{ctx.t('report.review.contributed')}: {shown}"
    heading = instance_title(ctx, instance) + ":"
    lines: list[str] = []
    for question in instance.visible(answer):
        value = answer.get(question.id)
        if is_blank(value):
            if question.required:
                lines.append(f"- {short_label(ctx, question)}: {ctx.t('report.review.missing')}")
            continue
        text = shorten(value_text(ctx, form, question, value), budget)
        if question.type == QuestionType.single and not lines:
            heading = f"{heading} {text}"  # 'Nhiệm vụ 4 (chủ trì): Đang triển khai'
            continue
        lines.append(f"- {short_label(ctx, question)}: {text}")
    lines.insert(0, heading)
    return "\n".join(lines)


_ASIDE = re.compile(r"\s*\([^)]*\)")


def instance_short(ctx: Context, instance: Instance) -> str:
    """For option buttons: 'NV 4', or the section's name."""
    if instance.task is not None:
        return ctx.t("report.task_short", number=instance.task.number)
    return instance_title(ctx, instance)


def short_label(ctx: Context, question: Question) -> str:
    """The label without its asides and question mark: 'Kết quả chính trong năm'."""
    return _ASIDE.sub("", question.text("label", ctx.config.language)).rstrip("?:. ")


def report_blocks(
    ctx: Context,
    form: Questionnaire,
    instances: list[Instance],
    answers: Answers,
    *,
    budget: int = 100_000,
) -> list[str]:
    return [instance_block(ctx, form, i, answers, budget=budget) for i in instances]


def incomplete_names(ctx: Context, instances: list[Instance], answers: Answers) -> list[str]:
    return [instance_title(ctx, i) for i in instances if missing_questions(i, answers)]


def chunk(blocks: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Join blocks into as few messages as fit the budget; a huge block gets its own."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= budget or not current:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages
