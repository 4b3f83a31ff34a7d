"""`/report`: the reporting conversation. Every answer is saved in the draft as it is given,
so a restart, a /cancel or a week away resumes at the same question with nothing lost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow, chosen_id
from handlers.notify import notify_secretariat
from handlers.registry import Registry
from handlers.report_render import chunk, report_blocks, role_label, status_label
from handlers.secretariat import draft_report
from handlers.validation import Invalid, check_free_text, check_percent
from storage.models import (
    Agency,
    ConversationState,
    MemberRole,
    PeriodStatus,
    ReportDraft,
    ReportingPeriod,
    SubmissionState,
)
from storage.reports import (
    GENERAL,
    Conflict,
    Part,
    TaskStatus,
    agency_duties,
    agency_parts,
    find_submission,
    get_draft,
    open_periods_for,
    other_drafts,
    save_answer,
    start_draft,
    submit_draft,
    version_answers,
    version_history,
)

FLOW = "report"
CURSOR = "_cursor"
LIMITS = {"results": 2000, "difficulties": 1000, "proposals": 1000, "na_reason": 500}
MAX_ATTACHMENTS = 10
TEXT_FIELDS = ("na_reason", "results", "difficulties", "proposals")


def fields_for(part: Part, answer: dict[str, Any]) -> list[str]:
    """The questions of one part, given what is answered so far (the status decides)."""
    tail = ["results", "difficulties", "proposals", "attachments"]
    if part.key == GENERAL:
        return tail
    status = answer.get("status")
    if status == TaskStatus.not_applicable:
        return ["status", "na_reason"]
    return ["status", "percent", *tail] if status == TaskStatus.in_progress else ["status", *tail]


def is_optional(part: Part, field: str, answer: dict[str, Any]) -> bool:
    if field in {"difficulties", "proposals", "attachments"}:
        return True
    return field == "results" and (
        part.key == GENERAL or answer.get("status") == TaskStatus.not_started
    )


def missing_parts(parts: list[Part], answers: dict[str, Any]) -> list[Part]:
    """Parts whose required questions are not all answered yet."""
    missing = []
    for part in parts:
        answer = answers.get(part.key, {})
        for field in fields_for(part, answer):
            if field == "attachments" or is_optional(part, field, answer):
                continue
            if answer.get(field) in (None, ""):
                missing.append(part)
                break
    return missing


def date_text(value: Any) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass
class Report:
    """Everything one step needs, loaded once per input."""

    draft: ReportDraft
    period: ReportingPeriod
    agency: Agency
    parts: list[Part]

    @classmethod
    def load(cls, ctx: Context, draft: ReportDraft) -> Report | None:
        period = ctx.session.get(ReportingPeriod, draft.period_id)
        agency = ctx.session.get(Agency, draft.agency_id)
        if period is None or agency is None:
            return None
        return cls(draft, period, agency, agency_parts(ctx.session, period=period, agency=agency))

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)

    def answer(self, key: str) -> dict[str, Any]:
        return dict(self.draft.answers.get(key, {}))


# --- starting ----------------------------------------------------------------------------------


def focal_agencies(ctx: Context) -> list[Agency]:
    agencies = []
    for membership in ctx.actor.memberships:
        if membership.role == MemberRole.focal and membership.agency_id is not None:
            agency = ctx.session.get(Agency, membership.agency_id)
            if agency is not None:
                agencies.append(agency)
    return agencies


def report(ctx: Context, args: str) -> list[Reply]:
    roles = ctx.actor.roles
    if Role.secretariat in roles and (Role.focal not in roles or args.strip()):
        return draft_report(ctx, args)  # the secretariat's /report: the draft consolidated report
    agencies = focal_agencies(ctx)
    if len(agencies) > 1:
        options = tuple(Option(a.name, f"agency:{a.id}") for a in agencies)
        return [ctx.ask(FLOW, "pick_agency", {}, ctx.t("report.pick_agency"), options)]
    return choose_period(ctx, agencies[0])


def choose_period(ctx: Context, agency: Agency) -> list[Reply]:
    periods = open_periods_for(ctx.session, agency_id=agency.id)  # type: ignore[arg-type]
    if not periods:
        ctx.end_flow()
        return [Reply(ctx.t("report.no_period", agency=agency.name))]
    if len(periods) > 1:
        options = tuple(
            Option(
                ctx.t("report.period_option", title=p.title, due=date_text(p.due_on)),
                f"period:{p.id}",
            )
            for p in periods
        )
        return [
            ctx.ask(
                FLOW, "pick_period", {"agency_id": agency.id}, ctx.t("report.pick_period"), options
            )
        ]
    return open_report(ctx, agency, periods[0])


def open_report(ctx: Context, agency: Agency, period: ReportingPeriod) -> list[Reply]:
    person_id = ctx.actor.person_id
    assert person_id is not None and agency.id is not None and period.id is not None
    draft = get_draft(ctx.session, period_id=period.id, agency_id=agency.id, person_id=person_id)
    if draft is not None:
        rep = Report.load(ctx, draft)
        assert rep is not None
        note = Reply(ctx.t("report.resume", time=ctx.local_time(draft.updated_at)))
        cursor = draft.answers.get(CURSOR)
        if cursor and rep.part(cursor["part"]) is not None:
            return [note, *ask(ctx, rep, cursor["part"], cursor["field"], cursor["mode"], True)]
        return [note, *review(ctx, rep)]
    submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)
    if submission is not None and submission.current_version > 0:
        latest = version_history(ctx.session, submission=submission)[-1]
        lines = [
            ctx.t(
                "report.submitted_exists",
                agency=agency.name,
                version=latest.version,
                time=ctx.local_time(latest.submitted_at),
                timeliness=ctx.t("report.late" if latest.is_late else "report.on_time"),
            )
        ]
        if submission.state == SubmissionState.returned and submission.returned_at:
            lines.append(
                ctx.t(
                    "report.returned",
                    time=ctx.local_time(submission.returned_at),
                    comment=submission.return_comment,
                )
            )
        options = (
            Option(ctx.t("report.opt.edit"), "ex:edit"),
            Option(ctx.t("report.opt.view"), "ex:view"),
        )
        data = {"agency_id": agency.id, "period_id": period.id}
        return [ctx.ask(FLOW, "existing", data, "\n".join(lines), options)]
    draft = start_draft(
        ctx.session, period_id=period.id, agency_id=agency.id, person_id=person_id, clock=ctx.clock
    )
    rep = Report.load(ctx, draft)
    assert rep is not None
    replies = [
        Reply(
            ctx.t(
                "report.start",
                title=period.title,
                agency=agency.name,
                due=date_text(period.due_on),
                tasks=len(rep.parts) - 1,
            )
        )
    ]
    others = other_drafts(
        ctx.session, period_id=period.id, agency_id=agency.id, person_id=person_id
    )
    if others:
        names = ", ".join(person.full_name for _, person in others)
        replies.append(Reply(ctx.t("report.others_drafting", names=names)))
    first = rep.parts[0]
    return [*replies, *ask(ctx, rep, first.key, fields_for(first, {})[0], "walk", True)]


# --- asking ------------------------------------------------------------------------------------


def part_header(ctx: Context, rep: Report, part: Part) -> str:
    index = rep.parts.index(part) + 1
    if part.key == GENERAL:
        duties = agency_duties(ctx.session, period=rep.period, agency=rep.agency)
        text = "\n".join(d.text.strip() for d in duties)[:800]
        return ctx.t(
            "report.part.general",
            index=index,
            count=len(rep.parts),
            duties=f":\n{text}" if text else ".",
        )
    return ctx.t(
        "report.part.task",
        number=part.number,
        index=index,
        count=len(rep.parts),
        role=role_label(ctx, part.role),
        title=part.title,
    )


def ask(ctx: Context, rep: Report, key: str, field: str, mode: str, header: bool) -> list[Reply]:
    """Ask one question, remembering where we are in both the chat and the draft."""
    part = rep.part(key)
    assert part is not None
    answer = rep.answer(key)
    rep.draft.answers = {**rep.draft.answers, CURSOR: {"part": key, "field": field, "mode": mode}}
    rep.draft.updated_at = ctx.clock.now()
    lines = [part_header(ctx, rep, part)] if header or field == fields_for(part, answer)[0] else []
    options: tuple[Option, ...] = ()
    if field == "status":
        lines.append(ctx.t("report.ask.status"))
        options = tuple(Option(status_label(ctx, s), f"st:{s}") for s in TaskStatus.all)
    elif field == "percent":
        lines.append(ctx.t("report.ask.percent"))
    elif field == "attachments":
        lines.append(ctx.t("report.ask.attachments", limit=ctx.config.max_upload_mb))
        files = [a.get("file_name") or "tệp" for a in answer.get("attachments", [])]
        if files:
            lines.append(ctx.t("report.review.attachments", value=", ".join(files)))
        options = (Option(ctx.t("report.opt.done"), "att:done"),)
    else:
        prompt = "report.ask." + (
            "results_optional" if field == "results" and is_optional(part, field, answer) else field
        )
        lines.append(ctx.t(prompt, limit=LIMITS[field]))
    current = answer.get(field)
    if field in (*TEXT_FIELDS, "percent", "status") and current not in (None, ""):
        shown = status_label(ctx, current) if field == "status" else current
        lines.append(ctx.t("report.current", value=shown))
    data = {"draft_id": rep.draft.id, "part": key, "field": field, "mode": mode}
    return [ctx.ask(FLOW, field, data, "\n".join(lines), options)]


def advance(ctx: Context, rep: Report, part: Part, field: str, mode: str) -> list[Reply]:
    fields = fields_for(part, rep.answer(part.key))
    later = fields[fields.index(field) + 1 :] if field in fields else []
    if later:
        return ask(ctx, rep, part.key, later[0], mode, False)
    index = rep.parts.index(part)
    if mode == "walk" and index + 1 < len(rep.parts):
        following = rep.parts[index + 1]
        return ask(
            ctx, rep, following.key, fields_for(following, rep.answer(following.key))[0], mode, True
        )
    return review(ctx, rep)


def go_back(ctx: Context, rep: Report, part: Part, field: str, mode: str) -> list[Reply]:
    fields = fields_for(part, rep.answer(part.key))
    position = fields.index(field) if field in fields else 0
    if position > 0:
        return ask(ctx, rep, part.key, fields[position - 1], mode, False)
    if mode == "edit":
        return review(ctx, rep)
    index = rep.parts.index(part)
    if index == 0:
        return [Reply(ctx.t("report.first_question")), *ask(ctx, rep, part.key, field, mode, False)]
    previous = rep.parts[index - 1]
    return ask(
        ctx, rep, previous.key, fields_for(previous, rep.answer(previous.key))[-1], mode, True
    )


# --- answering ---------------------------------------------------------------------------------


def take_answer(
    ctx: Context, rep: Report, part: Part, field: str, event: IncomingEvent
) -> list[Reply] | None:
    """Store a valid answer and return None, or return the replies that ask again."""
    answer = rep.answer(part.key)

    def again(key: str, **values: object) -> list[Reply]:
        mode = str(ctx.state.data.get("mode", "walk")) if ctx.state else "walk"
        return [Reply(ctx.t(key, **values)), *ask(ctx, rep, part.key, field, mode, False)]

    if field == "status":
        status = (event.choice or "").removeprefix("st:")
        if status not in TaskStatus.all:
            return again("report.pick_status")
        save_answer(rep.draft, part=part.key, field="status", value=status, clock=ctx.clock)
        defaults = {
            TaskStatus.not_started: 0,
            TaskStatus.completed: 100,
            TaskStatus.not_applicable: None,
        }
        if status in defaults:
            save_answer(
                rep.draft, part=part.key, field="percent", value=defaults[status], clock=ctx.clock
            )
        return None
    if field == "attachments":
        return None if event.choice == "att:done" else add_attachment(ctx, rep, part, event)
    if event.attachment is not None:
        return again("invalid.text_expected")
    if field == "percent":
        percent = check_percent(event.text)
        if isinstance(percent, Invalid):
            return again(percent.key, **percent.values)
        save_answer(rep.draft, part=part.key, field="percent", value=percent, clock=ctx.clock)
        return None
    value = check_free_text(
        event.text, max_length=LIMITS[field], required=not is_optional(part, field, answer)
    )
    if isinstance(value, Invalid):
        return again(value.key, **value.values)
    save_answer(rep.draft, part=part.key, field=field, value=value, clock=ctx.clock)
    return None


def add_attachment(ctx: Context, rep: Report, part: Part, event: IncomingEvent) -> list[Reply]:
    mode = str(ctx.state.data.get("mode", "walk")) if ctx.state else "walk"
    attachment = event.attachment
    files = list(rep.answer(part.key).get("attachments", []))
    if attachment is None:
        message = Reply(ctx.t("report.attachment_expected"))
    elif attachment.size > ctx.config.max_upload_mb * 1024 * 1024:
        message = Reply(
            ctx.t(
                "report.attachment_too_big",
                name=attachment.file_name or "tệp",
                size=round(attachment.size / 1024 / 1024, 1),
                limit=ctx.config.max_upload_mb,
            )
        )
    elif len(files) >= MAX_ATTACHMENTS:
        message = Reply(ctx.t("report.attachment_too_many", limit=MAX_ATTACHMENTS))
    else:
        files.append(
            {
                "channel": ctx.event.channel,
                "file_ref": attachment.file_ref,
                "file_name": attachment.file_name,
                "mime_type": attachment.mime_type,
                "size": attachment.size,
            }
        )
        save_answer(rep.draft, part=part.key, field="attachments", value=files, clock=ctx.clock)
        message = Reply(
            ctx.t("report.attachment_saved", name=attachment.file_name or "tệp", count=len(files))
        )
    return [message, *ask(ctx, rep, part.key, "attachments", mode, False)]


# --- review and submit -------------------------------------------------------------------------


def review(ctx: Context, rep: Report) -> list[Reply]:
    rep.draft.answers = {**rep.draft.answers, CURSOR: None}
    blocks = [
        ctx.t("report.review", agency=rep.agency.name, title=rep.period.title),
        *report_blocks(ctx, rep.parts, rep.draft.answers),
    ]
    missing = missing_parts(rep.parts, rep.draft.answers)
    options = [] if missing else [Option(ctx.t("report.opt.submit"), "rv:submit")]
    for part in rep.parts:
        label = (
            ctx.t("report.opt.edit_general")
            if part.key == GENERAL
            else ctx.t("report.opt.edit_task", number=part.number)
        )
        options.append(Option(label, f"rv:edit:{part.key}"))
    options.append(Option(ctx.t("report.opt.later"), "rv:later"))
    if missing:
        names = ", ".join(
            str(p.number) if p.number else ctx.t("report.review.general") for p in missing
        )
        question = ctx.t("report.review.incomplete", count=len(missing), parts=names)
    else:
        question = ctx.t("report.review.question")
    messages = chunk([*blocks, question])
    final = ctx.ask(FLOW, "review", {"draft_id": rep.draft.id}, messages[-1], tuple(options))
    return [*(Reply(text) for text in messages[:-1]), final]


def submit(ctx: Context, rep: Report) -> list[Reply]:
    if rep.period.status != PeriodStatus.open:
        ctx.end_flow()
        return [Reply(ctx.t("report.closed", secretariat=ctx.secretariat_name()))]
    person_id = ctx.actor.person_id
    assert person_id is not None
    result = submit_draft(
        ctx.session,
        draft=rep.draft,
        parts=rep.parts,
        period=rep.period,
        agency=rep.agency,
        person_id=person_id,
        zone=ctx.config.zone,
        clock=ctx.clock,
    )
    if isinstance(result, Conflict):
        options = (
            Option(ctx.t("report.opt.see_theirs"), "cf:see"),
            Option(ctx.t("report.opt.submit_mine"), "cf:mine"),
            Option(ctx.t("report.opt.discard_mine"), "cf:discard"),
        )
        text = ctx.t(
            "report.conflict",
            name=result.by.full_name if result.by else "?",
            version=result.current_version,
            time=ctx.local_time(result.at) if result.at else "?",
        )
        ctx.audit("report:submit", "conflict", draft_id=rep.draft.id)
        return [ctx.ask(FLOW, "conflict", {"draft_id": rep.draft.id}, text, options)]
    ctx.end_flow()
    submission, version = result.submission, result.version
    timeliness = ctx.t("report.late" if version.is_late else "report.on_time")
    ctx.audit("report:submit", "ok", submission_id=submission.id, version=version.version)
    consolidation = (
        ctx.t("report.consolidation", date=date_text(rep.period.consolidation_due_on))
        if rep.period.consolidation_due_on
        else ""
    )
    if ctx.config.review_notify == "instant":
        key = "notice.submitted" if version.version == 1 else "notice.resubmitted"
        notify_secretariat(
            ctx,
            key=f"submitted:{submission.id}:v{version.version}",
            kind="submission",
            text=ctx.t(
                key,
                agency=rep.agency.name,
                title=rep.period.title,
                version=version.version,
                timeliness=timeliness,
                time=ctx.local_time(version.submitted_at),
                code=rep.agency.code,
            ),
        )
    return [
        Reply(
            ctx.t(
                "report.receipt",
                reference=submission.reference,
                version=version.version,
                time=ctx.local_time(version.submitted_at),
                timeliness=timeliness,
                due=date_text(rep.period.due_on),
                secretariat=ctx.secretariat_name(),
                consolidation=consolidation,
            )
        )
    ]


def show_latest(ctx: Context, agency: Agency, period: ReportingPeriod) -> list[Reply]:
    submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)  # type: ignore[arg-type]
    if submission is None or submission.current_version == 0:
        return []
    answers = version_answers(
        ctx.session, submission=submission, version=submission.current_version
    )
    parts = agency_parts(ctx.session, period=period, agency=agency)
    return [Reply(text) for text in chunk(report_blocks(ctx, parts, answers))]


class ReportFlow(StepFlow):
    name = FLOW
    commands = frozenset({"back", "skip"})

    def on_input(self, ctx: Context, state: ConversationState, event: IncomingEvent) -> list[Reply]:
        if state.step in {"pick_agency", "pick_period", "existing"}:
            return super().on_input(ctx, state, event)
        draft = ctx.session.get(ReportDraft, state.data.get("draft_id"))
        rep = Report.load(ctx, draft) if draft is not None else None
        if rep is None:
            ctx.end_flow()
            return [Reply(ctx.t("flow.gone"))]
        if state.step == "review":
            return self.on_review(ctx, rep, event)
        if state.step == "conflict":
            return self.on_conflict(ctx, rep, event)
        part = rep.part(str(state.data.get("part")))
        if part is None:  # the task left the plan meanwhile: its answers stay, go to review
            return review(ctx, rep)
        field, mode = state.step, str(state.data.get("mode", "walk"))
        command = (event.text or "").strip().lower().lstrip("/").split("@")[0]
        if command == "back":
            return go_back(ctx, rep, part, field, mode)
        if command == "skip":
            answer = rep.answer(part.key)
            if not is_optional(part, field, answer) and answer.get(field) in (None, ""):
                return [
                    Reply(ctx.t("report.required")),
                    *ask(ctx, rep, part.key, field, mode, False),
                ]
            return advance(ctx, rep, part, field, mode)
        problem = take_answer(ctx, rep, part, field, event)
        return problem if problem is not None else advance(ctx, rep, part, field, mode)

    def step_pick_agency(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        wanted = chosen_id(event, "agency:")
        agency = next((a for a in focal_agencies(ctx) if a.id == wanted), None)
        return choose_period(ctx, agency) if agency else [Reply(ctx.t("pick.one"))]

    def step_pick_period(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        agency = next((a for a in focal_agencies(ctx) if a.id == state.data.get("agency_id")), None)
        wanted = chosen_id(event, "period:")
        periods = open_periods_for(ctx.session, agency_id=agency.id) if agency else []  # type: ignore[arg-type]
        period = next((p for p in periods if p.id == wanted), None)
        if agency is None or period is None:
            return [Reply(ctx.t("pick.one"))]
        return open_report(ctx, agency, period)

    def step_existing(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        agency = next((a for a in focal_agencies(ctx) if a.id == state.data.get("agency_id")), None)
        period = ctx.session.get(ReportingPeriod, state.data.get("period_id"))
        if agency is None or period is None or period.status != PeriodStatus.open:
            ctx.end_flow()
            return [Reply(ctx.t("report.closed", secretariat=ctx.secretariat_name()))]
        if event.choice == "ex:view":
            options = (Option(ctx.t("report.opt.edit"), "ex:edit"),)
            shown = show_latest(ctx, agency, period)
            return [
                *shown[:-1],
                ctx.ask(FLOW, "existing", dict(state.data), shown[-1].text, options),
            ]
        if event.choice != "ex:edit":
            return [Reply(ctx.t("pick.one"))]
        draft = start_draft(
            ctx.session,
            period_id=period.id,
            agency_id=agency.id,  # type: ignore[arg-type]
            person_id=ctx.actor.person_id,
            clock=ctx.clock,
        )  # type: ignore[arg-type]
        rep = Report.load(ctx, draft)
        assert rep is not None
        return review(ctx, rep)

    def on_review(self, ctx: Context, rep: Report, event: IncomingEvent) -> list[Reply]:
        choice = event.choice or ""
        if choice == "rv:submit" and not missing_parts(rep.parts, rep.draft.answers):
            return submit(ctx, rep)
        if choice == "rv:later":
            ctx.end_flow()
            return [Reply(ctx.t("report.saved_for_later", due=date_text(rep.period.due_on)))]
        part = rep.part(choice.removeprefix("rv:edit:")) if choice.startswith("rv:edit:") else None
        if part is None:
            return [Reply(ctx.t("pick.one")), *review(ctx, rep)]
        return ask(ctx, rep, part.key, fields_for(part, rep.answer(part.key))[0], "edit", True)

    def on_conflict(self, ctx: Context, rep: Report, event: IncomingEvent) -> list[Reply]:
        submission = find_submission(
            ctx.session,
            period_id=rep.period.id,  # type: ignore[arg-type]
            agency_id=rep.agency.id,
        )  # type: ignore[arg-type]
        assert submission is not None
        if event.choice == "cf:see":
            shown = show_latest(ctx, rep.agency, rep.period)
            state = ctx.state
            assert state is not None
            options = tuple(
                Option(str(label), str(value)) for label, value in state.data.get("_options", [])
            )
            return [
                *shown,
                ctx.ask(FLOW, "conflict", {"draft_id": rep.draft.id}, ctx.t("pick.one"), options),
            ]
        if event.choice == "cf:mine":
            rep.draft.base_version = submission.current_version
            return submit(ctx, rep)
        if event.choice == "cf:discard":
            ctx.session.delete(rep.draft)
            ctx.session.flush()
            draft = start_draft(
                ctx.session,
                period_id=rep.period.id,
                agency_id=rep.agency.id,  # type: ignore[arg-type]
                person_id=ctx.actor.person_id,
                clock=ctx.clock,
            )  # type: ignore[arg-type]
            fresh = Report.load(ctx, draft)
            assert fresh is not None
            return [Reply(ctx.t("report.discarded")), *review(ctx, fresh)]
        return [Reply(ctx.t("pick.one"))]


def setup(registry: Registry) -> None:
    registry.command(
        "report",
        report,
        roles={Role.focal, Role.secretariat},
        description_key="cmd.report",
        order=20,
    )
    registry.flow(ReportFlow())
