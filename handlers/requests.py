"""The secretariat's `/request` (an ad-hoc report request) and `/close` (close a period).

The notices to the agencies' focal points are planned by the scheduler from the new request
(within one planning tick), exactly like reminders, so they are never sent twice."""

from __future__ import annotations

from datetime import date, timedelta

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow, chosen_id
from handlers.plans import named_plan, pick_plan
from handlers.registry import Registry
from handlers.validation import Invalid, check_free_text, parse_local_date
from storage.agencies import AgencyIndex
from storage.models import ConversationState, Plan, ReportingPeriod
from storage.periods import open_periods, plan_participants
from storage.plans import get_plan, list_plans, plan_codes
from storage.requests import RequestError, close_period, concrete_agencies, create_adhoc_request

REQUEST_FLOW, CLOSE_FLOW = "request", "close"
ALL = "req:all"
GENERIC = "req:generic"


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def request(ctx: Context, args: str) -> list[Reply]:
    picked = pick_plan(ctx, args, command="request")  # a request belongs to one plan
    if isinstance(picked, Reply):
        return [picked]
    data = {"plan_id": picked[0].id}
    return [ctx.ask(REQUEST_FLOW, "topic", data, ctx.t("request.ask_topic"))]


class RequestFlow(StepFlow):
    name = REQUEST_FLOW
    roles = frozenset({Role.secretariat})

    def step_topic(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        topic = check_free_text(event.text, max_length=300, required=True)
        if event.attachment is not None:
            topic = Invalid("invalid.text_expected", {})
        if isinstance(topic, Invalid):
            return [Reply(ctx.t(topic.key, **topic.values))]
        options = (Option(ctx.t("request.generic_question"), GENERIC),)
        data = {"plan_id": state.data.get("plan_id"), "topic": " ".join(topic.split())}
        return [ctx.ask(REQUEST_FLOW, "question", data, ctx.t("request.ask_question"), options)]

    def step_question(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice == GENERIC:
            question = ""
        else:
            checked = check_free_text(event.text, max_length=500, required=True)
            if event.attachment is not None:
                checked = Invalid("invalid.text_expected", {})
            if isinstance(checked, Invalid):
                return [Reply(ctx.t(checked.key, **checked.values))]
            question = " ".join(checked.split())
        data = {**state.data, "question": question}
        return [ctx.ask(REQUEST_FLOW, "due", data, ctx.t("request.ask_due"))]

    def step_due(self, ctx: Context, state: ConversationState, event: IncomingEvent) -> list[Reply]:
        today = ctx.today()
        due = parse_local_date(event.text or "", today=today)
        if due is None:
            return [Reply(ctx.t("request.bad_due", text=(event.text or "")[:40]))]
        if due < today:
            return [Reply(ctx.t("request.past_due", today=_date(today)))]
        if due > today + timedelta(days=365):
            return [Reply(ctx.t("request.far_due", limit=_date(today + timedelta(days=365))))]
        data = {**state.data, "due": due.isoformat()}
        options = (Option(ctx.t("request.all"), ALL),)
        return [ctx.ask(REQUEST_FLOW, "agencies", data, ctx.t("request.ask_agencies"), options)]

    def step_agencies(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice == ALL:
            plan = _plan(ctx, state)
            due = date.fromisoformat(state.data["due"])
            ids = [a.id for a in plan_participants(ctx.session, plan_id=plan.id, on=due)]
        else:
            # `;` and `,` both separate, as on the command line and in /broadcast.
            found, unknown = AgencyIndex.load(ctx.session).resolve_cell(event.text or "")
            if unknown or not found:
                return [
                    Reply(
                        ctx.t("request.unknown", names=", ".join(u[:60] for u in unknown) or "-"),
                        (Option(ctx.t("request.all"), ALL),),
                    )
                ]
            ids = [agency.id for agency in found]
        agencies = concrete_agencies(ctx.session, [i for i in ids if i is not None])
        data = {**state.data, "agency_ids": [a.id for a in agencies]}
        names = ", ".join(a.name for a in agencies[:8]) + (" …" if len(agencies) > 8 else "")
        text = ctx.t(
            "request.confirm",
            topic=data["topic"],
            question=data.get("question") or ctx.t("request.generic_question"),
            due=_date(date.fromisoformat(data["due"])),
            count=len(agencies),
            agencies=names,
        )
        options = (
            Option(ctx.t("request.send"), "req:send"),
            Option(ctx.t("request.drop"), "req:drop"),
        )
        return [ctx.ask(REQUEST_FLOW, "confirm", data, text, options)]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"req:send", "req:drop"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        if event.choice == "req:drop":
            return [Reply(ctx.t("request.dropped"))]
        plan = _plan(ctx, state)
        due = date.fromisoformat(state.data["due"])
        try:
            period = create_adhoc_request(
                ctx.session,
                plan=plan,
                title=state.data["topic"],
                due_on=due,
                agency_ids=state.data["agency_ids"],
                clock=ctx.clock,
                today=ctx.today(),
                question=state.data.get("question") or None,
            )
        except RequestError as error:
            return [Reply(ctx.t("request.failed", reason=str(error)))]
        ctx.audit("request:create", "ok", period=period.key, agencies=len(state.data["agency_ids"]))
        return [
            Reply(
                ctx.t(
                    "request.created",
                    period=period.key,
                    topic=period.title,
                    due=_date(due),
                    count=len(state.data["agency_ids"]),
                )
            )
        ]


def _plan(ctx: Context, state: ConversationState) -> Plan:
    """The plan the request was started for (a flow from before plans were chosen: the
    only one)."""
    plan = ctx.session.get(Plan, state.data.get("plan_id")) if state.data.get("plan_id") else None
    plan = plan or get_plan(ctx.session) or list_plans(ctx.session)[0]
    return plan


def close(ctx: Context, args: str) -> list[Reply]:
    """`/close KEY` (with the plan's code first when several plans have that key), or a
    choice among the open periods."""
    periods = open_periods(ctx.session)
    plan, key = named_plan(list_plans(ctx.session), args)
    if plan is not None:
        periods = [p for p in periods if p.plan_id == plan.id]
    if key:
        periods = [p for p in periods if p.key == key.lower()]
        if not periods:
            return [Reply(ctx.t("close.unknown", period=args.strip()[:40]))]
        if len(periods) == 1:
            return [_confirm_close(ctx, periods[0])]
    if not periods:
        return [Reply(ctx.t("close.none"))]
    codes = plan_codes(ctx.session, {p.plan_id for p in periods})
    several = len(set(codes.values())) > 1
    options = tuple(
        Option(
            (f"{codes[p.plan_id]}: " if several else "")
            + ctx.t("close.period_option", title=p.title, due=_date(p.due_on)),
            f"period:{p.id}",
        )
        for p in periods
    )
    return [ctx.ask(CLOSE_FLOW, "period", {}, ctx.t("close.choose"), options)]


def _confirm_close(ctx: Context, period: ReportingPeriod) -> Reply:
    options = (Option(ctx.t("close.yes"), "close:yes"), Option(ctx.t("close.no"), "close:no"))
    return ctx.ask(
        CLOSE_FLOW,
        "confirm",
        {"period_id": period.id},
        ctx.t("close.confirm", title=period.title, due=_date(period.due_on)),
        options,
    )


class CloseFlow(StepFlow):
    name = CLOSE_FLOW
    roles = frozenset({Role.secretariat})

    def step_period(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        wanted = chosen_id(event, "period:")
        period = next((p for p in open_periods(ctx.session) if p.id == wanted), None)
        return [_confirm_close(ctx, period)] if period else [Reply(ctx.t("pick.one"))]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"close:yes", "close:no"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        if event.choice == "close:no":
            return [Reply(ctx.t("close.kept"))]
        period = ctx.session.get(ReportingPeriod, state.data["period_id"])
        if period is None:
            return [Reply(ctx.t("flow.gone"))]
        close_period(ctx.session, period=period, clock=ctx.clock)
        ctx.audit("period:close", "ok", period=period.key)
        return [Reply(ctx.t("close.done", title=period.title))]


def setup(registry: Registry) -> None:
    registry.command(
        "request", request, roles={Role.secretariat}, description_key="cmd.request", order=60
    )
    registry.command(
        "close", close, roles={Role.secretariat}, description_key="cmd.close", order=61
    )
    registry.flow(RequestFlow())
    registry.flow(CloseFlow())
