"""The secretariat's overview and outputs: /summary (with a chart), /missing, /remind, /export,
the draft report (the secretariat's /report) and /broadcast.

Figures and files come from `storage.summary` and `storage.exports`; this module only chooses
the period from the words typed and puts the results into words and replies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, OutgoingFile, Reply
from handlers.flows import StepFlow
from handlers.plans import pick_plan, with_plan
from handlers.registry import Registry
from handlers.report_render import chunk
from handlers.validation import check_free_text
from scheduler import texts as reminder_texts
from scheduler.reminders import OVERDUE, REMINDER, manual_key
from storage.agencies import AgencyIndex
from storage.models import ConversationState, PeriodStatus, Plan, ReportingPeriod
from storage.outbox import enqueue
from storage.periods import reporting_agencies
from storage.plans import period_file_key
from storage.reminders import TaskRef
from storage.reports import TaskStatus
from storage.requests import find_period, list_periods
from storage.summary import (
    AgencyFacts,
    Answer,
    PeriodFacts,
    PeriodSummary,
    RoleTally,
    Standing,
    current_period,
    load_period,
    reachable_focal_chats,
    summarize,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MISSING_NAMES = 8  # agencies named in /summary before "… and N more"
TITLE_CHARS = 60
DETAIL_CHARS = 80  # what an agency reported on a task, in /summary PERIOD TASK
BROADCAST_LIMIT = 1500  # leaves room for the heading within Zalo's 2000 characters


# --- which period ----------------------------------------------------------------------------


@dataclass
class Asked:
    """What the words after a command asked for."""

    plan: Plan
    periods: list[ReportingPeriod] = field(default_factory=list)
    every_period: bool = False
    task: int | None = None
    formats: set[str] = field(default_factory=set)


def parse_request(
    ctx: Context,
    args: str,
    *,
    command: str,
    formats: Sequence[str] = (),
    tasks: bool = False,
    every: bool = False,
) -> Asked | Reply:
    """The plan (its code, when there are several), the period (a key such as 2026 or adhoc-1;
    default: the plan's current one), and the optional words each command takes. A Reply
    when the words cannot be understood, or to ask which plan."""
    picked = pick_plan(ctx, args, command=command)
    if isinstance(picked, Reply):
        return picked
    plan, args = picked
    asked = Asked(plan=plan)
    words = " ".join(args.lower().replace("tất cả", "all").split()).split()
    for word in words:
        period = find_period(ctx.session, plan=plan, key=word)
        if period is not None and not asked.periods:
            asked.periods = [period]
        elif word in formats:
            asked.formats.add(word)
        elif every and word in {"all", "tatca"}:
            asked.every_period = True
        elif tasks and word.isdigit() and len(word) < 4 and asked.task is None:  # not a year
            asked.task = int(word)
        else:
            usage = ctx.t(f"sec.usage.{command}")
            return Reply(
                ctx.t("sec.unknown_word", word=word[:40], usage=usage, keys=_keys(ctx, plan))
            )
    if asked.every_period:
        asked.periods = list_periods(ctx.session, plan=plan)
    if not asked.periods:
        period = current_period(ctx.session, plan=plan)
        if period is None:
            keys = _keys(ctx, plan)
            example = keys.split(", ")[-1] if keys != ctx.t("sec.none") else "2026"
            return Reply(ctx.t("sec.no_open_period", keys=keys, command=command, example=example))
        asked.periods = [period]
    return asked


def _keys(ctx: Context, plan: Plan) -> str:
    return ", ".join(p.key for p in list_periods(ctx.session, plan=plan)) or ctx.t("sec.none")


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _shorten(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _facts(ctx: Context, period: ReportingPeriod, *, with_text: bool = False) -> PeriodFacts:
    return load_period(ctx.session, period=period, today=ctx.today(), with_text=with_text)


# --- /summary ----------------------------------------------------------------------------------


def summary(ctx: Context, args: str) -> list[Reply]:
    asked = parse_request(ctx, args, command="summary", tasks=True)
    if isinstance(asked, Reply):
        return [asked]
    period = asked.periods[0]
    # One task's details quote what each agency reported: only then is the text loaded.
    figures = summarize(_facts(ctx, period, with_text=asked.task is not None))
    if asked.task is not None:
        return task_detail(ctx, figures, asked.task)
    blocks = [_headline(ctx, figures), _task_lines(ctx, figures), _missing_line(ctx, figures)]
    key = with_plan(ctx, asked.plan, period.key)
    options = (
        Option(ctx.t("summary.opt.missing"), f"/missing {key}"),
        Option(ctx.t("summary.opt.remind"), f"/remind {key}"),
        Option(ctx.t("summary.opt.export"), f"/export {key}"),
        Option(ctx.t("summary.opt.report"), f"/report {key}"),
    )
    messages = chunk([b for b in blocks if b])
    stem = period_file_key(ctx.session, period)
    chart = OutgoingFile(f"bieu-do-{stem}.png", _chart(ctx, figures), "image/png")
    return [
        *(Reply(text) for text in messages[:-1]),
        Reply(messages[-1], options, chart),
    ]


def _when(ctx: Context, due: date) -> str:
    days = (due - ctx.today()).days
    if days > 0:
        return ctx.t("summary.when.left", days=days)
    if days == 0:
        return ctx.t("summary.when.today")
    return ctx.t("summary.when.over", days=-days)


def _count_values(figures: PeriodSummary) -> dict[str, int]:
    counts = figures.counts
    return {
        "total": figures.total,
        "submitted": figures.submitted,
        "on_time": counts[Standing.on_time],
        "late": counts[Standing.late],
        "returned": counts[Standing.returned],
        "overdue": counts[Standing.overdue],
        "not_due": counts[Standing.not_due],
    }


def _headline(ctx: Context, figures: PeriodSummary) -> str:
    period = figures.facts.period
    header = ctx.t(
        "summary.header",
        title=period.title,
        code=period.key,
        due=_date(period.due_on),
        when=_when(ctx, period.due_on),
    )
    return header + "\n" + ctx.t("summary.counts", **_count_values(figures))


def _role(ctx: Context, tally: RoleTally) -> str:
    if not tally.expected:
        return ctx.t("sec.none")
    text = ctx.t("summary.role", reported=tally.reported, expected=tally.expected)
    details = [
        f"{count} {ctx.t(f'report.status.{status}').lower()}"
        for status, count in tally.counts.items()
        if count
    ]
    if tally.average_percent is not None:
        details.append(ctx.t("summary.average", percent=round(tally.average_percent)))
    return f"{text} ({', '.join(details)})" if details else text


def _task_lines(ctx: Context, figures: PeriodSummary) -> str:
    if not figures.tasks:
        return ""
    lines = [ctx.t("summary.tasks")]
    for line in figures.tasks:
        lines.append(
            ctx.t(
                "summary.task",
                number=line.task.number,
                title=_shorten(line.task.title),
                lead=_role(ctx, line.lead),
                coordinating=_role(ctx, line.coordinating),
            )
        )
    facts = figures.facts
    lines.append(ctx.t("summary.task_hint", code=with_plan(ctx, facts.plan, facts.period.key)))
    return "\n".join(lines)


def _missing_line(ctx: Context, figures: PeriodSummary) -> str:
    missing = figures.missing
    if not missing:
        return ctx.t("summary.all_in")
    shown = "; ".join(a.name for a in missing[:MISSING_NAMES])
    if len(missing) > MISSING_NAMES:
        shown += " " + ctx.t("summary.more", count=len(missing) - MISSING_NAMES)
    return ctx.t("summary.missing", count=len(missing), names=shown)


def _chart(ctx: Context, figures: PeriodSummary) -> bytes:
    from storage.exports.chart import status_chart  # matplotlib loads only when drawing

    subtitle = ctx.t("summary.chart", today=_date(ctx.today()), **_count_values(figures))
    return status_chart(figures, subtitle=subtitle, language=ctx.config.language)


def task_detail(ctx: Context, figures: PeriodSummary, number: int) -> list[Reply]:
    facts = figures.facts
    line = next((t for t in figures.tasks if t.task.number == number), None)
    if line is None:
        numbers = ", ".join(str(t.task.number) for t in figures.tasks) or ctx.t("sec.none")
        return [
            Reply(ctx.t("summary.no_task", code=facts.period.key, number=number, numbers=numbers))
        ]
    task = line.task
    blocks = [
        ctx.t(
            "summary.task_detail",
            number=task.number,
            title=task.title,
            timeframe=task.timeframe or "-",
            period=f"{facts.period.title} ({facts.period.key})",
            lead=_role(ctx, line.lead),
            coordinating=_role(ctx, line.coordinating),
        )
    ]
    for agency, role, answer in facts.task_rows(task):
        blocks.append(
            ctx.t(
                "summary.task_agency",
                agency=agency.name,
                role=ctx.t(f"report.role.{role}") if role else "",
                status=_answer_status(ctx, answer),
            )
        )
    return [Reply(text) for text in chunk(["\n".join(blocks)])]


def _answer_status(ctx: Context, answer: Answer | None) -> str:
    """'Đang thực hiện, 70%: Đã tổ chức 2 hội thảo…'; a short form without a status (a
    coordinating agency's) shows what it reported; nothing yet: 'chưa báo cáo'."""
    if answer is None:
        return ctx.t("summary.not_reported")
    if answer.status in TaskStatus.all:
        status = ctx.t(f"report.status.{answer.status}")
    else:
        status = answer.status or ctx.t("review.state.submitted")
    if answer.percent is not None and answer.status != TaskStatus.not_applicable:
        status += f", {answer.percent}%"
    said = answer.results or answer.na_reason
    if said and answer.status:
        return f"{status}: {_shorten(said, DETAIL_CHARS)}"
    return f"«{_shorten(said, DETAIL_CHARS)}»" if said else status


# --- /missing ----------------------------------------------------------------------------------


def missing(ctx: Context, args: str) -> list[Reply]:
    asked = parse_request(ctx, args, command="missing")
    if isinstance(asked, Reply):
        return [asked]
    period = asked.periods[0]
    facts = _facts(ctx, period)
    absent = [a for a in facts.agencies.values() if a.missing]
    if not absent:
        return [Reply(ctx.t("missing.none", total=len(facts.agencies), code=period.key))]
    blocks = [
        ctx.t(
            "missing.header",
            title=period.title,
            code=period.key,
            due=_date(period.due_on),
            count=len(absent),
            total=len(facts.agencies),
        )
    ]
    for number, agency in enumerate(absent, start=1):
        blocks.append(_missing_block(ctx, number, agency))
    blocks.append(ctx.t("missing.footer", code=with_plan(ctx, asked.plan, period.key)))
    return [Reply(text) for text in chunk(blocks)]


def _missing_block(ctx: Context, number: int, agency: AgencyFacts) -> str:
    lines = [
        ctx.t(
            "missing.agency",
            number=number,
            agency=agency.name,
            standing=ctx.t(f"standing.{agency.standing}"),
        )
    ]
    if agency.standing == Standing.returned and agency.return_comment:
        lines.append(ctx.t("missing.comment", comment=agency.return_comment))
    if not agency.contacts:
        lines.append(ctx.t("missing.no_focal"))
    for contact in agency.contacts:
        if contact.away_until is not None and contact.away_on(ctx.today()):
            reach = ctx.t("missing.reach.away", date=_date(contact.away_until))
        elif contact.reachable:
            reach = ctx.t("missing.reach.ok", channels=", ".join(contact.channels))
        else:
            reach = ctx.t("missing.reach.no")
        lines.append(ctx.t("missing.contact", name=contact.name, reach=reach))
    return "\n".join(lines)


# --- /remind -----------------------------------------------------------------------------------


def remind(ctx: Context, args: str) -> list[Reply]:
    """An extra reminder now to every missing agency's available focal points, through the
    outbox; at most one per chat, agency and day, however often /remind is sent."""
    asked = parse_request(ctx, args, command="remind")
    if isinstance(asked, Reply):
        return [asked]
    period = asked.periods[0]
    if period.status != PeriodStatus.open:
        return [Reply(ctx.t("remind.closed", code=period.key))]
    facts = _facts(ctx, period)
    absent = {a.id: a for a in facts.agencies.values() if a.missing}
    if not absent:
        return [Reply(ctx.t("remind.all_in", code=period.key))]
    today = ctx.today()
    chats = [
        chat
        for chat in reachable_focal_chats(ctx.session, agency_ids=set(absent))
        if chat.away_until is None or chat.away_until < today
    ]
    # The reminder service words the "working days left" by the configured calendar, and
    # counts this reminder as the day's: its own step for that chat is then not sent.
    days_left = ctx.config.reminders.days_left(today, period.due_on)
    requester = facts.secretariat_name
    queued = skipped = 0
    reached: set[int] = set()
    for chat in chats:
        agency = absent[chat.agency_id]
        kind = (
            OVERDUE if today > period.due_on and agency.standing != Standing.returned else REMINDER
        )
        text = reminder_texts.agency_message(
            kind=kind,
            period_title=period.title,
            requester=requester,
            agency_name=agency.name,
            deadline=period.due_on,
            today=today,
            days_left=days_left,
            tasks=_task_refs(facts, agency.id),
            language=ctx.config.language,
            plan_code=facts.plan.code,
        )
        if agency.standing == Standing.returned and agency.return_comment:
            text += "\n" + ctx.t("remind.returned", comment=agency.return_comment)
        row = enqueue(
            ctx.session,
            dedupe_key=manual_key(period.id or 0, today, agency.id, chat.identity_id),
            channel=chat.channel,
            chat_id=chat.chat_id,
            kind=kind,
            text=text,
            clock=ctx.clock,
            options=[reminder_texts.report_option(ctx.config.language)],
            person_id=chat.person_id,
            # The planner cancels it if the agency submits before it goes out.
            extra={"period_id": period.id, "agency_id": agency.id, "step": "manual"},
        )
        reached.add(agency.id)
        if row is None:
            skipped += 1
        else:
            queued += 1
    ctx.audit("remind", "ok", period=period.key, queued=queued, skipped=skipped)
    replies = []
    if queued or not skipped:
        replies.append(ctx.t("remind.done", queued=queued, agencies=len(reached), code=period.key))
    if skipped:
        replies.append(ctx.t("remind.already", skipped=skipped))
    unreached = [a.name for agency_id, a in absent.items() if agency_id not in reached]
    if unreached:
        replies.append(ctx.t("remind.nobody", count=len(unreached), names="; ".join(unreached)))
    return [Reply("\n".join(replies))]


def _task_refs(facts: PeriodFacts, agency_id: int) -> tuple[TaskRef, ...]:
    return tuple(
        TaskRef(task.number, task.title, task.roles[agency_id])
        for task in facts.tasks
        if agency_id in task.roles and not task.retired
    )


# --- /export and the draft report ------------------------------------------------------------


def export(ctx: Context, args: str) -> list[Reply]:
    from storage.exports.csv import csv_bytes
    from storage.exports.table import ConsolidatedTable
    from storage.exports.xlsx import xlsx_bytes

    asked = parse_request(
        ctx, args, command="export", formats=("csv", "csv;", "xlsx", "excel"), every=True
    )
    if isinstance(asked, Reply):
        return [asked]
    table = ConsolidatedTable(
        ctx.session,
        periods=asked.periods,
        today=ctx.today(),
        zone=ctx.config.zone,
        made_at=ctx.clock.now(),
    )
    if asked.every_period:
        what = ctx.t("export.what.all", count=len(asked.periods))
        name = "tat-ca-ky"
    else:
        period = asked.periods[0]
        what = ctx.t("export.what.one", title=period.title, code=period.key)
        name = period_file_key(ctx.session, period)
    stamp = f"{ctx.today():%Y%m%d}"
    ctx.audit("export", "ok", periods=[p.key for p in asked.periods], formats=sorted(asked.formats))
    if asked.formats & {"csv", "csv;"}:
        # "csv;": semicolons, which Excel on a Vietnamese-locale Windows splits columns by.
        separator = ";" if "csv;" in asked.formats else ","
        data, rows = csv_bytes(table, separator=separator)
        file = OutgoingFile(f"bang-tong-hop-{name}-{stamp}.csv", data, "text/csv")
        return [Reply(ctx.t("export.csv", what=what, rows=rows), file=file)]
    data, rows = xlsx_bytes(table)
    file = OutgoingFile(f"bang-tong-hop-{name}-{stamp}.xlsx", data, XLSX)
    return [Reply(ctx.t("export.xlsx", what=what, rows=rows), file=file)]


def draft_report(ctx: Context, args: str) -> list[Reply]:
    """The secretariat's /report: the draft consolidated report of a period, as DOCX."""
    from storage.exports.docx_report import docx_bytes
    from storage.exports.questions import load_view

    asked = parse_request(ctx, args, command="report", formats=("docx", "word"))
    if isinstance(asked, Reply):
        return [asked]
    period = asked.periods[0]
    facts = _facts(ctx, period, with_text=True)
    figures = summarize(facts)
    file = OutgoingFile(
        f"du-thao-bao-cao-{period_file_key(ctx.session, period)}-{ctx.today():%Y%m%d}.docx",
        docx_bytes(
            facts,
            load_view(ctx.session, periods=[period]),
            options=ctx.config.report,
            template=ctx.config.report_template,
        ),
        DOCX,
    )
    ctx.audit("report:draft", "ok", period=period.key)
    text = ctx.t(
        "draft.done",
        title=period.title,
        code=period.key,
        submitted=figures.submitted,
        total=figures.total,
    )
    return [Reply(text, file=file)]


# --- /broadcast --------------------------------------------------------------------------------

BROADCAST_FLOW = "broadcast"
UNCOVERED_NAMES = 20


def broadcast(ctx: Context, args: str) -> list[Reply]:
    """`/broadcast TEXT` goes to every focal point at once; `/broadcast` alone asks for the
    text and then for the audience (everyone, or chosen agencies)."""
    if not args.strip():
        return [
            ctx.ask(BROADCAST_FLOW, "text", {}, ctx.t("broadcast.ask_text", limit=BROADCAST_LIMIT))
        ]
    text = check_free_text(args, max_length=BROADCAST_LIMIT, required=True)
    if not isinstance(text, str):
        return [Reply(ctx.t(text.key, **text.values))]
    # A notice to every focal point cannot be taken back: show it and ask first.
    people, agencies = _audience_counts(ctx, None)
    options = (
        Option(ctx.t("broadcast.opt.send"), "bc:send"),
        Option(ctx.t("broadcast.opt.cancel"), "bc:cancel"),
    )
    question = ctx.t(
        "broadcast.confirm_all", people=people, agencies=agencies, preview=_shorten(text, 300)
    )
    data = {"text": text, "agency_ids": None}
    return [ctx.ask(BROADCAST_FLOW, "confirm", data, question, options)]


def send_broadcast(ctx: Context, text: str, *, agency_ids: list[int] | None) -> list[Reply]:
    """Queue one message per reachable chat of each active focal point (those away too: a
    notice is not a reminder). Keyed by a broadcast id made of the sender, the text, the
    audience and the day, so a repeated command the same day sends nothing twice."""
    wanted = set(agency_ids) if agency_ids is not None else None
    agencies = [a for a in reporting_agencies(ctx.session) if wanted is None or a.id in wanted]
    chats = reachable_focal_chats(ctx.session, agency_ids={a.id for a in agencies if a.id})
    if not chats:
        return [Reply(ctx.t("broadcast.nobody"))]
    audience = "all" if agency_ids is None else ",".join(map(str, sorted(wanted or ())))
    seed = f"{ctx.event.channel}:{ctx.event.user_id}|{audience}|{ctx.today():%Y%m%d}|{text}"
    broadcast_id = hashlib.sha256(seed.encode()).hexdigest()[:16]
    message = ctx.t("broadcast.message", sender=ctx.secretariat_name().upper(), text=text)
    queued = 0
    for chat in chats:
        row = enqueue(
            ctx.session,
            dedupe_key=f"broadcast:{broadcast_id}:{chat.channel}:{chat.chat_id}",
            channel=chat.channel,
            chat_id=chat.chat_id,
            kind="broadcast",
            text=message,
            clock=ctx.clock,
            person_id=chat.person_id,
            extra={"broadcast_id": broadcast_id},
        )
        queued += row is not None
    ctx.audit("broadcast", "ok", broadcast_id=broadcast_id, queued=queued, audience=audience)
    if not queued:
        return [Reply(ctx.t("broadcast.duplicate"))]
    covered = {c.agency_id for c in chats}
    lines = [
        ctx.t(
            "broadcast.done",
            queued=queued,
            people=len({c.person_id for c in chats}),
            agencies=len(covered),
        )
    ]
    uncovered = [a.name for a in agencies if a.id not in covered]
    if uncovered:
        names = "; ".join(uncovered[:UNCOVERED_NAMES])
        if len(uncovered) > UNCOVERED_NAMES:  # say how many the list leaves out
            names += ctx.t("list.more", count=len(uncovered) - UNCOVERED_NAMES)
        lines.append(ctx.t("broadcast.uncovered", count=len(uncovered), names=names))
    return [Reply("\n".join(lines))]


def _audience_counts(ctx: Context, agency_ids: set[int] | None) -> tuple[int, int]:
    chats = reachable_focal_chats(ctx.session, agency_ids=agency_ids)
    return len({c.person_id for c in chats}), len({c.agency_id for c in chats})


class BroadcastFlow(StepFlow):
    """/broadcast alone: the text, then everyone or chosen agencies, then send."""

    name = BROADCAST_FLOW
    roles = frozenset({Role.secretariat})

    def step_text(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        text = check_free_text(event.text, max_length=BROADCAST_LIMIT, required=True)
        if not isinstance(text, str):
            return [Reply(ctx.t(text.key, **text.values))]
        people, agencies = _audience_counts(ctx, None)
        options = (
            Option(ctx.t("broadcast.opt.all", people=people, agencies=agencies), "bc:all"),
            Option(ctx.t("broadcast.opt.some"), "bc:some"),
            Option(ctx.t("broadcast.opt.cancel"), "bc:cancel"),
        )
        question = ctx.t("broadcast.ask_audience", preview=_shorten(text, 300))
        return [ctx.ask(BROADCAST_FLOW, "audience", {"text": text}, question, options)]

    def step_audience(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        text = str(state.data.get("text", ""))
        if event.choice == "bc:cancel":
            ctx.end_flow()
            return [Reply(ctx.t("broadcast.cancelled"))]
        if event.choice == "bc:all":
            ctx.end_flow()
            return send_broadcast(ctx, text, agency_ids=None)
        if event.choice == "bc:some":
            return [
                ctx.ask(BROADCAST_FLOW, "agencies", {"text": text}, ctx.t("broadcast.ask_agencies"))
            ]
        return [Reply(ctx.t("pick.one"))]

    def step_agencies(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        text = str(state.data.get("text", ""))
        found, unknown = AgencyIndex.load(ctx.session).resolve_cell(event.text or "")
        concrete = [a for a in found if not a.is_group]
        if unknown or not concrete:
            names = ", ".join(unknown) or (event.text or "").strip()[:80]
            return [Reply(ctx.t("broadcast.unknown", names=names))]
        ids = sorted({a.id for a in concrete if a.id is not None})
        people, _ = _audience_counts(ctx, set(ids))
        options = (
            Option(ctx.t("broadcast.opt.send"), "bc:send"),
            Option(ctx.t("broadcast.opt.cancel"), "bc:cancel"),
        )
        question = ctx.t(
            "broadcast.confirm",
            people=people,
            count=len(ids),
            agencies="; ".join(a.name for a in concrete),
        )
        data = {"text": text, "agency_ids": ids}
        return [ctx.ask(BROADCAST_FLOW, "confirm", data, question, options)]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"bc:send", "bc:cancel"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        if event.choice == "bc:cancel":
            return [Reply(ctx.t("broadcast.cancelled"))]
        chosen = state.data.get("agency_ids")
        ids = None if chosen is None else [int(i) for i in chosen]
        return send_broadcast(ctx, str(state.data.get("text", "")), agency_ids=ids)


# --- registration ------------------------------------------------------------------------------


def setup(registry: Registry) -> None:
    secretariat = {Role.secretariat}
    for name, run, order in (
        ("summary", summary, 44),
        ("missing", missing, 45),
        ("remind", remind, 46),
        ("export", export, 47),
        ("broadcast", broadcast, 48),
    ):
        registry.command(name, run, roles=secretariat, description_key=f"cmd.{name}", order=order)
    registry.flow(BroadcastFlow())
