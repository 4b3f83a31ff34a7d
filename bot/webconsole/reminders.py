"""Reminders: what goes out when, the same facts as `baocao remind --dry-run` (the one
reminder service, `scheduler.planner.ReminderPlanner.preview`, which writes nothing); and the
outbox's pending, held and failed messages, with release and dismiss as `baocao outbox` does
(`storage.reminders.release` / `dismiss`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from scheduler.planner import Preview
from scheduler.policy import NEW_STEP, OVERDUE_LIST_STEP, ReminderPolicy, before_steps
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


def step_words(ctx: WebContext, key: str) -> str:
    """A reminder step in words ('d3': three working days before the deadline)."""
    if key == NEW_STEP:
        return ctx.w("reminders.step.new")
    if key == OVERDUE_LIST_STEP:
        return ctx.w("reminders.step.late")
    kind, number = key[:1], key[1:]
    if kind == "o":
        return ctx.w("reminders.step.overdue", n=number)
    if kind == "g":
        return ctx.w("reminders.step.digest")
    if number == "0":
        return ctx.w("reminders.step.due_day" if kind == "d" else "reminders.step.consolidation")
    return ctx.w("reminders.step.before", n=number)


def _when(ctx: WebContext, days_left: int, today: object, due: object) -> str:
    if days_left < 0:
        return ctx.w("reminders.when.over", n=-days_left)
    if today == due:
        return ctx.w("board.when.today")
    return ctx.w("reminders.when.left", n=days_left)


def period_plans(ctx: WebContext, preview: Preview, policy: ReminderPolicy) -> list[PeriodPlan]:
    planning = preview.planning
    out = []
    for outlook in planning.periods:
        period = outlook.period
        steps = ", ".join(f"{s.key} {s.day:%d/%m}" for s in before_steps(policy, period.due_on))
        plan = PeriodPlan(
            key=period.key,
            title=period.title,
            due=period.due_on.strftime("%d/%m/%Y"),
            when=_when(ctx, outlook.days_left, outlook.today, period.due_on),
            schedule=ctx.w(
                "reminders.schedule",
                at=policy.at.strftime("%H:%M"),
                steps=steps,
                every=policy.overdue_every,
            ),
            current=(
                ctx.w("reminders.current", step=step_words(ctx, outlook.due.step.key))
                if outlook.due is not None
                else ctx.w("reminders.no_step")
            ),
            next=(
                ctx.w(
                    "reminders.next",
                    step=step_words(ctx, outlook.next_step.key),
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
