"""The secretariat reads reports (/view, /history) and returns them for more work (/return)."""

from __future__ import annotations

from datetime import date

from handlers.context import Context, Role
from handlers.document_replies import document_replies
from handlers.events import Reply
from handlers.notify import notify_person
from handlers.plans import named_plan
from handlers.registry import Registry
from handlers.report_flow import version_blocks
from handlers.report_render import chunk, report_blocks
from storage.agencies import find_agency, names_on
from storage.members import agency_members
from storage.models import Agency, Plan, ReportingPeriod, Submission, SubmissionState
from storage.plans import list_plans
from storage.reports import (
    agency_drafts,
    answered_layout,
    find_submission,
    layout_for,
    open_periods_touching,
    return_submission,
    version_history,
    version_row,
)


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def latest_submission(
    ctx: Context, agency: Agency, plan: Plan | None = None
) -> tuple[ReportingPeriod, Submission | None] | None:
    """The agency's most recent period with a submission (else its most recent period), of
    one plan when it is named; an agency merged, split or dissolved since is read in the
    periods it filed or drafted for."""
    periods = open_periods_touching(ctx.session, agency_id=agency.id)
    if plan is not None:
        periods = [p for p in periods if p.plan_id == plan.id]
    for period in reversed(periods):
        submission = find_submission(
            ctx.session,
            period_id=period.id,
            agency_id=agency.id,
        )
        if submission is not None and submission.current_version > 0:
            return period, submission
    return (periods[-1], None) if periods else None


def _plans_filed(ctx: Context, agency: Agency) -> list[Plan]:
    """The plans under which the agency has a submitted report in an open period."""
    plans = list_plans(ctx.session)
    if len(plans) < 2:
        return []
    return [
        plan
        for plan in plans
        if (found := latest_submission(ctx, agency, plan)) is not None and found[1] is not None
    ]


def _resolve(ctx: Context, text: str) -> Agency | Reply:
    # The agency itself, not its successor: its reports stay with it after a reorganisation.
    agency = find_agency(ctx.session, text, follow_merges=False)
    if agency is None or agency.is_group:
        return Reply(ctx.t("review.unknown_agency", name=text[:80]))
    return agency


def _plan_and_words(ctx: Context, args: str) -> tuple[Plan | None, str]:
    """`/view 15/KH-SKHCN so-yte`: a plan's code first picks that plan's report."""
    return named_plan(list_plans(ctx.session), args)


def view(ctx: Context, args: str) -> list[Reply]:
    plan, args = _plan_and_words(ctx, args)
    words = args.split()
    wanted: int | None = None
    if len(words) > 1 and words[-1].isdigit():
        wanted, words = int(words[-1]), words[:-1]
    if not words:
        return [Reply(ctx.t("review.usage.view"))]
    agency = _resolve(ctx, " ".join(words))
    if isinstance(agency, Reply):
        return [agency]
    if plan is None:
        # Several plans: the latest report of one would hide the other's; say how to pick.
        filed = _plans_filed(ctx, agency)
        if len(filed) > 1:
            commands = "\n".join(f"/view {p.code} {agency.code}" for p in filed)
            return [
                Reply(
                    ctx.t(
                        "review.several_plans",
                        agency=agency.name,
                        count=len(filed),
                        commands=commands,
                    )
                )
            ]
        plan = filed[0] if filed else None
    found = latest_submission(ctx, agency, plan)
    if found is None or found[1] is None:
        title = found[0].title if found else "-"
        if found is not None:
            drafted = draft_view(ctx, agency, found[0])
            if drafted:
                return drafted
        return [Reply(ctx.t("review.nothing", agency=agency.name, title=title))]
    period, submission = found
    assert submission is not None
    history = version_history(ctx.session, submission=submission)
    version = wanted or submission.current_version
    info = next((h for h in history if h.version == version), None)
    if info is None:
        return [Reply(ctx.t("review.no_version", version=version, latest=len(history)))]
    # Read under the name the agency had when it filed (it may have been renamed since).
    name = names_on(ctx.session, agency_ids={agency.id}, at=info.submitted_at)
    header = ctx.t(
        "review.header",
        agency=name.get(agency.id, agency.name),
        title=period.title,
        reference=submission.reference,
        version=version,
        latest=submission.current_version,
        time=ctx.local_time(info.submitted_at),
        by=info.by,
        timeliness=ctx.t("report.late" if info.is_late else "report.on_time"),
        state=ctx.t(f"review.state.{submission.state}"),
    )
    blocks = version_blocks(ctx, agency, period, submission, version)
    row = version_row(ctx.session, submission=submission, version=version)
    files = document_replies(ctx, agency, version_id=row.id) if row and row.id else []
    return [*(Reply(text) for text in chunk([header, *blocks])), *files]


def draft_view(ctx: Context, agency: Agency, period: ReportingPeriod) -> list[Reply]:
    """The latest draft begun for an agency that filed nothing: kept when the agency was
    dissolved, so the secretariat can still read what was written."""
    drafts = agency_drafts(ctx.session, period_id=period.id, agency_id=agency.id)
    if not drafts:
        return []
    draft, person = drafts[0]
    answers = {k: v for k, v in draft.answers.items() if not k.startswith("_")}
    layout = (
        answered_layout(ctx.session, form_id=draft.questionnaire_id, answers=answers, roles={})
        if draft.questionnaire_id is not None
        else None
    )
    if layout is None:
        layout = layout_for(ctx.session, period=period, agency=agency, answers=answers)
    shown = [i for i in layout.instances if i.key in answers]
    header = ctx.t(
        "review.draft",
        agency=agency.name,
        title=period.title,
        by=person.full_name,
        time=ctx.local_time(draft.updated_at),
    )
    blocks = report_blocks(ctx, layout.form, shown, answers)
    return [Reply(text) for text in chunk([header, *blocks])]


def history(ctx: Context, args: str) -> list[Reply]:
    plan, args = _plan_and_words(ctx, args)
    if not args.strip():
        return [Reply(ctx.t("review.usage.history"))]
    agency = _resolve(ctx, args.strip())
    if isinstance(agency, Reply):
        return [agency]
    found = latest_submission(ctx, agency, plan)
    if found is None or found[1] is None:
        title = found[0].title if found else "-"
        return [Reply(ctx.t("review.nothing", agency=agency.name, title=title))]
    period, submission = found
    assert submission is not None
    lines = [ctx.t("review.history_header", agency=agency.name, title=period.title)]
    for info in version_history(ctx.session, submission=submission):
        comment = ctx.t("review.history_comment", comment=info.comment) if info.comment else ""
        lines.append(
            ctx.t(
                "review.history_line",
                version=info.version,
                time=ctx.local_time(info.submitted_at),
                by=info.by,
                timeliness=ctx.t("report.late" if info.is_late else "report.on_time"),
                comment=comment,
            )
        )
    return [Reply("\n".join(lines))]


def return_(ctx: Context, args: str) -> list[Reply]:
    plan, args = _plan_and_words(ctx, args)
    reference, _, comment = args.strip().partition(" ")
    comment = comment.strip()
    if not reference or not comment:
        return [Reply(ctx.t("review.usage.return"))]
    agency = _resolve(ctx, reference)
    if isinstance(agency, Reply):
        return [agency]
    found = latest_submission(ctx, agency, plan)
    submission = found[1] if found else None
    if found is None or submission is None or submission.state != SubmissionState.submitted:
        return [Reply(ctx.t("review.return_not_submitted", agency=agency.name))]
    return [return_report(ctx, agency, found[0], submission, comment)]


def return_report(
    ctx: Context,
    agency: Agency,
    period: ReportingPeriod,
    submission: Submission,
    comment: str,
) -> Reply:
    """Send a submitted report back for more work ("cần bổ sung") and tell each of the
    agency's focal points through the outbox; the chat's /return and the web console both
    come here."""
    return_submission(ctx.session, submission=submission, comment=comment[:1000], clock=ctx.clock)
    ctx.audit("report:return", "ok", submission_id=submission.id)
    told = 0
    for _membership, person in agency_members(ctx.session, agency_id=agency.id):
        told += bool(
            notify_person(
                ctx,
                person_id=person.id,
                key=f"returned:{submission.id}:r{submission.revision}",
                kind="returned",
                text=ctx.t(
                    "review.return_notice",
                    reference=submission.reference,
                    title=period.title,
                    comment=comment[:1000],
                ),
            )
        )
    return Reply(ctx.t("review.returned", agency=agency.name, count=told))


def setup(registry: Registry) -> None:
    registry.command("view", view, roles={Role.secretariat}, description_key="cmd.view", order=50)
    registry.command(
        "history", history, roles={Role.secretariat}, description_key="cmd.history", order=51
    )
    registry.command(
        "return", return_, roles={Role.secretariat}, description_key="cmd.return", order=52
    )
