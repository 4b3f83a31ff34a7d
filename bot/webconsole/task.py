"""A task's page: every agency's answers on it side by side (leads first, then the
coordinating agencies), one column per question of the questionnaire's task sections."""

from __future__ import annotations

from dataclasses import dataclass

from tornado.web import HTTPError

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from bot.webconsole.periods import chosen_period
from handlers.report_render import short_label, value_text
from storage.forms import current_form
from storage.models import ReportingPeriod
from storage.questionnaire import Question, SectionKind
from storage.report_form import is_blank
from storage.summary import TaskFacts, load_period


@dataclass(frozen=True)
class AnswerRow:
    code: str
    name: str
    role: str
    values: list[str]
    reported: bool


@dataclass
class TaskPage:
    period: ReportingPeriod
    task: TaskFacts
    columns: list[str]
    rows: list[AnswerRow]


def task_page(ctx: WebContext, number: int, *, key: str | None) -> TaskPage:
    period = chosen_period(ctx, key)
    if period is None:
        raise HTTPError(404)
    facts = load_period(ctx.session, period=period, today=ctx.today(), with_text=True)
    task = next((t for t in facts.tasks if t.number == number), None)
    if task is None:
        raise HTTPError(404)
    _row, form = current_form(ctx.session, plan_id=period.plan_id, key=period.questionnaire_key)
    questions: dict[str, Question] = {}
    for section in form.sections:
        if section.kind == SectionKind.task:
            for question in section.questions:
                questions.setdefault(question.id, question)
    rows = facts.task_rows(task)
    asked = [
        question
        for question in questions.values()
        if any(answer and not is_blank(answer.values.get(question.id)) for _, _, answer in rows)
    ]
    out = []
    for agency, role, answer in rows:
        values = [
            value_text(ctx, form, question, answer.values[question.id])
            if answer is not None and not is_blank(answer.values.get(question.id))
            else ""
            for question in asked
        ]
        out.append(
            AnswerRow(
                agency.code,
                agency.name,
                ctx.t(f"report.role.{role}") if role else "",
                values,
                answer is not None,
            )
        )
    return TaskPage(period, task, [short_label(ctx, q) for q in asked], out)


class TaskHandler(ConsoleHandler):
    async def get(self, number: str) -> None:
        key = self.get_query_argument("period", None) or None

        def job(ctx: WebContext) -> tuple[TaskPage, str]:
            return task_page(ctx, int(number), key=key), signed_in_name(ctx)

        page, name = await self.work(job)
        await self.page("task.html", page=page, signed_in=name)
