"""An agency's page: its names, its focal points and whether the bot can reach them, its report
for a period (each version, the differences between two, "return with comment"), and its
history. Returning goes through the chat's own `/return` (`handlers.review.return_report`), so
the focal points are told through the outbox exactly as when the chat returns a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from tornado.web import HTTPError

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from bot.webconsole.board import STANDING_CLASS
from bot.webconsole.periods import chosen_period
from bot.webconsole.report_view import Change, Part, differences, version_parts
from handlers.review import return_report
from handlers.validation import check_free_text
from storage.agencies import find_agency
from storage.console_reads import agency_names, agency_submissions, merged_into
from storage.exports.palette import categories
from storage.files.documents import DocumentFile, submission_documents
from storage.models import Agency, ReportingPeriod, Submission, SubmissionState
from storage.reports import VersionInfo, find_submission, version_history
from storage.summary import AgencyFacts, Contact, focal_contacts, load_period

CODE = r"([a-z0-9\-]{1,64})"
RETURN_LIMIT = 1000  # as the chat's /return keeps


@dataclass
class AgencyPage:
    agency: Agency
    former: list[str]
    merged_into: Agency | None
    contacts: list[Contact]
    reports: list[tuple[ReportingPeriod, Submission]]
    period: ReportingPeriod | None
    facts: AgencyFacts | None
    submission: Submission | None
    history: list[VersionInfo] = field(default_factory=list)
    version: int = 0
    parts: list[Part] = field(default_factory=list)
    compare: tuple[int, int] | None = None
    changes: list[Change] = field(default_factory=list)
    renames: list[tuple[str, str]] = field(default_factory=list)  # (former name, until)
    documents: list[DocumentFile] = field(default_factory=list)  # of the version shown

    @property
    def can_return(self) -> bool:
        return self.submission is not None and self.submission.state == SubmissionState.submitted


def the_agency(ctx: WebContext, code: str) -> Agency:
    agency = find_agency(ctx.session, code, follow_merges=False)
    if agency is None or agency.is_group or agency.code != code:
        raise HTTPError(404)
    return agency


def agency_page(
    ctx: WebContext,
    code: str,
    *,
    key: str | None,
    version: int | None,
    compare: tuple[int, int] | None,
) -> AgencyPage:
    agency = the_agency(ctx, code)
    assert agency.id is not None
    names = agency_names(ctx.session, agency_id=agency.id)
    period = chosen_period(ctx, key)
    page = AgencyPage(
        agency=agency,
        former=[n.name for n in names if n.name != agency.name],
        merged_into=merged_into(ctx.session, agency=agency),
        contacts=focal_contacts(ctx.session, agency_ids={agency.id}).get(agency.id, []),
        reports=agency_submissions(ctx.session, agency_id=agency.id),
        period=period,
        facts=None,
        submission=None,
        renames=[
            (n.name, n.valid_to.astimezone(ctx.config.zone).strftime("%d/%m/%Y"))
            for n in names
            if n.kind == "former" and n.valid_to is not None
        ],
    )
    if period is None or period.id is None:
        return page
    page.facts = load_period(ctx.session, period=period, today=ctx.today()).agencies.get(agency.id)
    submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)
    if submission is None or submission.current_version == 0:
        return page
    page.submission = submission
    page.history = version_history(ctx.session, submission=submission)
    numbers = {info.version for info in page.history}
    page.version = version if version in numbers else submission.current_version
    page.parts = version_parts(ctx, agency, period, submission, page.version)
    assert submission.id is not None
    page.documents = submission_documents(
        ctx.session, submission_id=submission.id, version=page.version
    )
    if compare is not None and set(compare) <= numbers and compare[0] != compare[1]:
        early, late = sorted(compare)
        page.compare = (early, late)
        before = version_parts(ctx, agency, period, submission, early)
        after = version_parts(ctx, agency, period, submission, late)
        page.changes = differences(before, after)
    return page


def _number(handler: ConsoleHandler, name: str) -> int | None:
    value = handler.get_query_argument(name, "")
    return int(value) if value.isdigit() and len(value) < 6 else None


class AgencyHandler(ConsoleHandler):
    async def get(self, code: str) -> None:
        key = self.get_query_argument("period", None) or None
        version = _number(self, "version")
        a, b = _number(self, "a"), _number(self, "b")
        compare = (a, b) if a is not None and b is not None else None

        def job(ctx: WebContext) -> tuple[AgencyPage, str]:
            page = agency_page(ctx, code, key=key, version=version, compare=compare)
            return page, signed_in_name(ctx)

        page, name = await self.work(job)
        standings = {c.key: c.label for c in categories(self.console.config.language)[1]}
        await self.page(
            "agency.html",
            page=page,
            standings=standings,
            standing_css=STANDING_CLASS,
            signed_in=name,
            documents=page.documents,
        )


class ReturnHandler(ConsoleHandler):
    """POST: send the period's submitted report back with a comment."""

    async def post(self, code: str) -> None:
        key = self.get_body_argument("period", "")
        comment = self.get_body_argument("comment", "")

        def job(ctx: WebContext) -> tuple[bool, str, str, str]:
            agency = the_agency(ctx, code)
            period = chosen_period(ctx, key or None)
            if period is None or period.id is None:
                raise HTTPError(404)
            back = f"{self.console.base}/agency/{quote(agency.code)}?period={quote(period.key)}"
            checked = check_free_text(comment, max_length=RETURN_LIMIT, required=True)
            if not isinstance(checked, str):
                text = (
                    ctx.w("agency.return.empty")
                    if checked.key == "report.empty"
                    else ctx.t(checked.key, **checked.values)
                )
                return False, text, back, signed_in_name(ctx)
            submission = find_submission(ctx.session, period_id=period.id, agency_id=agency.id)
            if submission is None or submission.state != SubmissionState.submitted:
                return False, ctx.w("agency.return.not_submitted"), back, signed_in_name(ctx)
            reply = return_report(ctx, agency, period, submission, checked)
            return True, reply.text, back, signed_in_name(ctx)

        ok, text, back, name = await self.work(job)
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)
