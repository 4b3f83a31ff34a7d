"""`baocao remind`, `baocao outbox`, `baocao request` and `baocao period`: deadlines, reminders
and the delivery queue from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from sqlmodel import Session

from bot.app import App
from bot.commands.common import Handler, helptext, say
from bot.settings import Settings
from scheduler.planner import Preview
from scheduler.policy import ReminderPolicy, before_steps
from scheduler.reminders import NOBODY, step_label
from scheduler.texts import day_text, when_text
from storage import audit
from storage import reminders as store
from storage.agencies import AgencyIndex
from storage.db import transaction
from storage.i18n import translate
from storage.models import OutboxMessage, OutboxStatus, Plan
from storage.periods import plan_participants
from storage.plans import PlanChoiceError, choose_plan
from storage.requests import (
    RequestError,
    close_period,
    create_adhoc_request,
    find_period,
    list_periods,
)

# The outbox's statuses in the order they are counted (catalogue "cli.outbox.status.<status>").
STATUSES = (
    OutboxStatus.pending,
    OutboxStatus.sending,
    OutboxStatus.held,
    OutboxStatus.failed,
    OutboxStatus.sent,
    store.CANCELLED,
)
OPEN_STATUSES = (OutboxStatus.pending, OutboxStatus.sending, OutboxStatus.held, OutboxStatus.failed)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    remind = commands.add_parser("remind", help=helptext("reminders.remind"))
    remind.add_argument("--dry-run", action="store_true", help=helptext("reminders.remind.dry_run"))
    remind.add_argument("--at", help=helptext("reminders.remind.at"))

    outbox = commands.add_parser("outbox", help=helptext("reminders.outbox"))
    outbox.add_argument("action", nargs="?", choices=("list", "release", "dismiss"), default="list")
    outbox.add_argument("ids", nargs="*", type=int, help=helptext("reminders.outbox.ids"))
    outbox.add_argument("--all", action="store_true", help=helptext("reminders.outbox.all"))
    outbox.add_argument("--limit", type=int, default=100)

    request = commands.add_parser("request", help=helptext("reminders.request"))
    request.add_argument("--agencies", required=True, help=helptext("reminders.request.agencies"))
    request.add_argument("--topic", required=True, help=helptext("reminders.request.topic"))
    request.add_argument("--question", help=helptext("reminders.request.question"), default=None)
    request.add_argument("--due", required=True, help=helptext("reminders.request.due"))
    request.add_argument("--plan", dest="plan_code", help=helptext("plan_code"))

    period = commands.add_parser("period", help=helptext("reminders.period")).add_subparsers(
        dest="period_command", required=True
    )
    listing = period.add_parser("list", help=helptext("reminders.period.list"))
    listing.add_argument("--plan", dest="plan_code")
    close = period.add_parser("close", help=helptext("reminders.period.close"))
    close.add_argument("key", help=helptext("reminders.close.key"))
    close.add_argument("--plan", dest="plan_code")
    return {"remind": remind_, "outbox": outbox_, "request": request_, "period": period_}


def _open_app(settings: Settings) -> App:
    app = App.build(settings)
    app.prepare()
    return app


def _plan_or_fail(session: Session, code: str | None, settings: Settings) -> Plan | None:
    try:
        return choose_plan(session, code=code)
    except PlanChoiceError as error:
        print(error.text.render(settings.language), file=sys.stderr)
        return None


# --- remind -------------------------------------------------------------------------------


def parse_local(text: str, settings: Settings) -> datetime:
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=settings.zone)
    return instant


def remind_(settings: Settings, args: argparse.Namespace) -> int:
    if args.at and not args.dry_run:
        print(say(settings, "remind.at_needs_dry_run"), file=sys.stderr)
        return 2
    try:
        at = parse_local(args.at, settings) if args.at else None
    except ValueError:
        print(say(settings, "remind.bad_time", value=args.at), file=sys.stderr)
        return 2
    app = _open_app(settings)
    try:
        planner = app.reminders
        now = at or app.clock.now()
        if args.dry_run:
            with app.make_session() as session:
                preview = planner.preview(session, now=now)
            print(dry_run_text(preview, planner.policy, now))
            return 0
        with transaction(app.make_session) as session:
            planner.cancel_obsolete(session)
            written = planner.plan(session, now=now)
        print(say(settings, "remind.queued", count=len(written)))
        return 0
    finally:
        app.close()


def dry_run_text(preview: Preview, policy: ReminderPolicy, now: datetime) -> str:
    language = policy.language

    def line(name: str, /, **values: object) -> str:
        return translate(f"cli.dry_run.{name}", language, **values)

    local = now.astimezone(policy.zone)
    day = day_text(local.date(), language)
    lines = [line("at", time=f"{local:%H:%M}", day=day, zone=policy.zone.key)]
    planning = preview.planning
    if not planning.periods:
        lines.append(line("no_period"))
    for outlook in planning.periods:
        period = outlook.period
        when = when_text(
            today=outlook.today,
            deadline=period.due_on,
            days_left=outlook.days_left,
            language=language,
        )
        schedule = ", ".join(f"{s.key} {s.day:%d/%m}" for s in before_steps(policy, period.due_on))
        lines += [
            "",
            line("period", key=period.key, title=period.title),
            line("due", day=day_text(period.due_on, language), when=when),
            line(
                "schedule",
                time=f"{policy.at:%H:%M}",
                steps=schedule,
                every=policy.overdue_every,
            ),
        ]
        if outlook.due is None:
            lines.append(line("nothing_due"))
        else:
            lines.append(line("current", step=step_label(outlook.due.step, language)))
        if outlook.next_step is not None:
            at = outlook.next_step.at.astimezone(policy.zone)
            step = step_label(outlook.next_step, language)
            lines.append(line("next", step=step, at=f"{at:%H:%M %d/%m/%Y}"))
        messages = [m for m in planning.messages if m.period_id == period.period_id]
        fresh = [m for m in messages if m.key not in preview.already]
        lines.append(line("will_send", count=len(fresh)))
        for m in fresh:
            who = m.recipient.name or line("admin")
            lines.append(
                f"    - {m.recipient.channel} {m.recipient.chat_id} ({who}) [{m.kind}]: {m.reason}"
            )
        if len(messages) > len(fresh):
            lines.append(line("already_queued", count=len(messages) - len(fresh)))
        notes = [n for n in planning.notes if n.period_id == period.period_id]
        if notes:
            lines.append(line("not_reminded", count=len(notes)))
            lines += [f"    - {n.subject}: {n.reason}" for n in notes]
    return "\n".join(lines)


# --- outbox -------------------------------------------------------------------------------


def outbox_(settings: Settings, args: argparse.Namespace) -> int:
    app = _open_app(settings)
    try:
        if args.action in ("release", "dismiss"):
            if not args.ids:
                print(say(settings, "outbox.ids_needed"), file=sys.stderr)
                return 2
            with transaction(app.make_session) as session:
                if args.action == "release":
                    n = store.release(session, ids=args.ids)
                    print(say(settings, "outbox.released", count=n))
                else:
                    n = store.dismiss(session, ids=args.ids)
                    print(say(settings, "outbox.dismissed", count=n))
            if n < len(set(args.ids)):
                # An id that does not exist, or a row in a state this action cannot change.
                missing = len(set(args.ids)) - n
                print(
                    say(settings, f"outbox.not_{args.action.removesuffix('e')}ed", count=missing),
                    file=sys.stderr,
                )
                return 1
            return 0
        statuses = list(OPEN_STATUSES) + ([OutboxStatus.sent, store.CANCELLED] if args.all else [])
        with app.make_session() as session:
            counts = store.count_by_status(session)
            rows = store.list_outbox(session, statuses=statuses, limit=args.limit)
        print(outbox_text(counts, rows, settings))
        return 0
    finally:
        app.close()


def outbox_text(counts: dict[str, int], rows: list[OutboxMessage], settings: Settings) -> str:
    def status(value: str) -> str:
        return say(settings, f"outbox.status.{value}") if value in STATUSES else value

    summary = ", ".join(f"{status(s)}: {counts.get(s, 0)}" for s in STATUSES)
    lines = [say(settings, "outbox.title", summary=summary)]
    if not rows:
        lines.append(say(settings, "outbox.empty"))
    for row in rows:
        first = (row.text.splitlines() or [""])[0]
        when = row.next_attempt_at.astimezone(settings.zone)
        line = say(
            settings,
            "outbox.row",
            id=row.id,
            status=status(row.status),
            channel=row.channel,
            chat=row.chat_id,
            kind=row.kind,
            attempts=row.attempts,
            when=f"{when:%H:%M %d/%m/%Y}",
            first=first,
        )
        if row.last_error:
            line += f" — {row.last_error}"
        lines.append(line)
    if counts.get(OutboxStatus.held):
        lines.append(say(settings, "outbox.held_advice"))
    return "\n".join(lines)


# --- request and period -------------------------------------------------------------------


def parse_day(text: str) -> date:
    text = text.strip()
    if "/" in text:
        day, month, year = (int(p) for p in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def request_(settings: Settings, args: argparse.Namespace) -> int:
    try:
        due_on = parse_day(args.due)
    except ValueError:
        print(say(settings, "request.bad_due", value=args.due), file=sys.stderr)
        return 2
    app = _open_app(settings)
    try:
        planner = app.reminders
        with transaction(app.make_session) as session:
            plan = _plan_or_fail(session, args.plan_code, settings)
            if plan is None:
                return 1
            if args.agencies.strip().lower() in {"all", "tất cả"}:
                taking_part = plan_participants(session, plan_id=plan.id, on=due_on)
                agency_ids = [a.id for a in taking_part if a.id is not None]
            else:
                found, unknown = AgencyIndex.load(session).resolve_cell(args.agencies)
                if unknown:
                    print(
                        say(settings, "unknown_agencies", names="; ".join(unknown)), file=sys.stderr
                    )
                    return 1
                agency_ids = [a.id for a in found if a.id is not None]
            now = app.clock.now()
            try:
                period = create_adhoc_request(
                    session,
                    plan=plan,
                    title=args.topic,
                    due_on=due_on,
                    agency_ids=agency_ids,
                    clock=app.clock,
                    today=now.astimezone(settings.zone).date(),
                    question=args.question,
                )
            except RequestError as error:
                print(say(settings, "request.failed", reason=error), file=sys.stderr)
                return 1
            assert period.id is not None
            # The notices are due from the request's own instant: queue them in this transaction.
            written = planner.plan(session, now=period.created_at, period_ids=[period.id])
            preview = planner.preview(session, now=period.created_at, period_ids=[period.id])
            audit.record(
                session,
                clock=app.clock,
                action="request.create",
                outcome="ok",
                channel="cli",
                detail={"key": period.key, "agencies": len(agency_ids)},
            )
            owing = len(preview.planning.periods[0].period.agencies)
            nobody = [n for n in preview.planning.notes if n.kind == NOBODY]
        notices = sum(1 for m in written if m.kind == "request")
        due = day_text(due_on, settings.language)
        print(
            say(
                settings,
                "request.created",
                key=period.key,
                title=period.title,
                due=due,
                agencies=owing,
                notices=notices,
            )
        )
        if nobody:
            print(say(settings, "request.not_told", count=len(nobody)))
            for note in nobody:
                print(f"  - {note.subject}: {note.reason}")
        return 0
    finally:
        app.close()


def period_(settings: Settings, args: argparse.Namespace) -> int:
    app = _open_app(settings)
    try:
        with transaction(app.make_session) as session:
            plan = _plan_or_fail(session, args.plan_code, settings)
            if plan is None:
                return 1
            if args.period_command == "list":
                for p in list_periods(session, plan=plan):
                    status = say(settings, f"period.{'open' if p.status == 'open' else 'closed'}")
                    due = say(settings, "period.due", day=f"{p.due_on:%d/%m/%Y}")
                    print(f"{p.key}\t{status}\t{due}\t{p.title}")
                return 0
            period = find_period(session, plan=plan, key=args.key)
            if period is None:
                print(say(settings, "period.unknown", key=args.key), file=sys.stderr)
                return 1
            if not close_period(session, period=period, clock=app.clock):
                print(say(settings, "period.already_closed", key=period.key))
                return 0
            cancelled = app.reminders.cancel_obsolete(session)
            audit.record(
                session,
                clock=app.clock,
                action="period.close",
                outcome="ok",
                channel="cli",
                detail={"key": period.key},
            )
        print(say(settings, "period.close_done", key=period.key, count=cancelled))
        return 0
    finally:
        app.close()
