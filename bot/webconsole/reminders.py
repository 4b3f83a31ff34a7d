"""Reminders: what goes out when, the same facts (and words) as `baocao remind --dry-run` (the
one reminder service, `scheduler.planner.ReminderPlanner.preview`, which writes nothing); and the
outbox's pending, held and failed messages, with release and dismiss as `baocao outbox` does
(`storage.reminders.release` / `dismiss`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from scheduler.planner import Preview
from scheduler.policy import ReminderPolicy, before_steps
from scheduler.reminders import step_label
from scheduler.texts import when_text
from storage import reminders as outbox_store
from storage.models import OutboxMessage, OutboxStatus

OPEN_STATUSES = (OutboxStatus.pending, OutboxStatus.sending, OutboxStatus.held, OutboxStatus.failed)
COUNTED = (*OPEN_STATUSES, OutboxStatus.sent, outbox_store.CANCELLED)


@dataclass(frozen=True)
class Planned:
    recipient: str
    kind: str
    reason: str


@dataclass
class PeriodPlan:
    key: str
    title: str
    due: str
    when: str
    schedule: str
    current: str
    next: str
    sends: list[Planned] = field(default_factory=list)
    already: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RemindersPage:
    now: str
    periods: list[PeriodPlan]
    counts: list[tuple[str, int]]
    rows: list[OutboxMessage]
    held: bool


def period_plans(ctx: WebContext, preview: Preview, policy: ReminderPolicy) -> list[PeriodPlan]:
    planning = preview.planning
    language = ctx.config.language
    out = []
    for outlook in planning.periods:
        period = outlook.period
        steps = ", ".join(f"{s.key} {s.day:%d/%m}" for s in before_steps(policy, period.due_on))
        plan = PeriodPlan(
            key=period.key,
            title=period.title,
            due=period.due_on.strftime("%d/%m/%Y"),
            when=when_text(
                today=outlook.today,
                deadline=period.due_on,
                days_left=outlook.days_left,
                language=ctx.config.language,
            ),
            schedule=ctx.w(
                "reminders.schedule",
                at=policy.at.strftime("%H:%M"),
                steps=steps,
                every=policy.overdue_every,
            ),
            current=(
                ctx.w("reminders.current", step=step_label(outlook.due.step, language))
                if outlook.due is not None
                else ctx.w("reminders.no_step")
            ),
            next=(
                ctx.w(
                    "reminders.next",
                    step=step_label(outlook.next_step, language),
                    time=ctx.local_time(outlook.next_step.at),
                )
                if outlook.next_step is not None
                else ""
            ),
        )
        messages = [m for m in planning.messages if m.period_id == period.period_id]
        for message in messages:
            if message.key in preview.already:
                plan.already += 1
                continue
            who = message.recipient.name or ctx.w("reminders.admin")
            recipient = f"{who} ({message.recipient.channel} {message.recipient.chat_id})"
            plan.sends.append(Planned(recipient, message.kind, message.reason))
        plan.notes = [
            (note.subject, note.reason)
            for note in planning.notes
            if note.period_id == period.period_id
        ]
        out.append(plan)
    return out


def reminders_page(ctx: WebContext, now: datetime) -> RemindersPage:
    planner = ctx.config.reminders
    preview = planner.preview(ctx.session, now=now)
    counts = outbox_store.count_by_status(ctx.session)
    rows = outbox_store.list_outbox(ctx.session, statuses=OPEN_STATUSES, limit=200)
    return RemindersPage(
        now=ctx.local_time(now),
        periods=period_plans(ctx, preview, planner.policy),
        counts=[(status, counts.get(status, 0)) for status in COUNTED],
        rows=rows,
        held=bool(counts.get(OutboxStatus.held)),
    )


class RemindersHandler(ConsoleHandler):
    async def get(self) -> None:
        def job(ctx: WebContext) -> tuple[RemindersPage, str]:
            return reminders_page(ctx, ctx.clock.now()), signed_in_name(ctx)

        page, name = await self.work(job)
        await self.page("reminders.html", page=page, signed_in=name)


class OutboxActionHandler(ConsoleHandler):
    """POST `/web/outbox/<id>/release` (send again, accepting a possible duplicate) or
    `/web/outbox/<id>/dismiss` (never send)."""

    async def post(self, message_id: str, action: str) -> None:
        number = int(message_id)

        def job(ctx: WebContext) -> tuple[bool, str, str]:
            if action == "release":
                changed = outbox_store.release(ctx.session, ids=[number])
            else:
                changed = outbox_store.dismiss(ctx.session, ids=[number])
            ctx.audit(f"outbox:{action}", "ok" if changed else "refused", message_id=number)
            key = "outbox.released" if action == "release" else "outbox.dismissed"
            text = ctx.w(key if changed else "outbox.unchanged", id=number)
            return bool(changed), text, signed_in_name(ctx)

        ok, text, name = await self.work(job)
        back = f"{self.console.base}/reminders"
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)
