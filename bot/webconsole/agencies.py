"""Agencies: the list with their focal points, renaming (the old name stays findable, as
`baocao agency rename` does) and merging with a preview (`storage.agency_merge`: the preview is
the merge itself, rolled back)."""

from __future__ import annotations

from dataclasses import dataclass

from tornado.web import HTTPError

from bot.webconsole.agency import the_agency
from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from handlers.validation import check_free_text
from storage.agencies import name_holder, rename_agency
from storage.agency_merge import MergeError, MergeResult, merge_agencies, preview_merge
from storage.models import Agency
from storage.periods import reporting_agencies
from storage.summary import Contact, focal_contacts

NAME_LIMIT = 300  # Agency.name's column


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    contacts: list[Contact]


@dataclass
class AgenciesPage:
    rows: list[AgencyRow]


@dataclass
class MergePreview:
    source: Agency
    target: Agency
    result: MergeResult | None
    refused: str = ""


def agencies_page(ctx: WebContext) -> AgenciesPage:
    agencies = reporting_agencies(ctx.session)
    contacts = focal_contacts(ctx.session, agency_ids={a.id for a in agencies if a.id})
    return AgenciesPage([AgencyRow(a, contacts.get(a.id or 0, [])) for a in agencies])


def merge_preview(ctx: WebContext, source_code: str, target_code: str) -> MergePreview:
    source, target = the_agency(ctx, source_code), the_agency(ctx, target_code)
    try:
        result = preview_merge(ctx.session, source=source, target=target, clock=ctx.clock)
        refused = ""
    except MergeError as error:
        result, refused = None, error.render(ctx.config.language)
    for agency in (source, target):  # read again after the rollback, for the page
        ctx.session.refresh(agency)
    return MergePreview(source, target, result, refused)


def _code(handler: ConsoleHandler, name: str, *, body: bool) -> str:
    value = (handler.get_body_argument if body else handler.get_query_argument)(name, "")
    if (
        not value
        or len(value) > 64
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in value)
    ):
        raise HTTPError(404)
    return value


class AgenciesHandler(ConsoleHandler):
    async def get(self) -> None:
        def job(ctx: WebContext) -> tuple[AgenciesPage, str]:
            return agencies_page(ctx), signed_in_name(ctx)

        page, name = await self.work(job)
        await self.page("agencies.html", page=page, signed_in=name)


class RenameHandler(ConsoleHandler):
    async def post(self, code: str) -> None:
        wanted = self.get_body_argument("name", "")

        def job(ctx: WebContext) -> tuple[bool, str, str]:
            agency = the_agency(ctx, code)
            checked = check_free_text(wanted, max_length=NAME_LIMIT, required=True)
            if not isinstance(checked, str) or "\n" in checked:
                return False, ctx.w("agencies.name_empty"), signed_in_name(ctx)
            holder = name_holder(ctx.session, checked, other_than=agency)
            if holder is not None:
                text = ctx.w(
                    "agencies.name_taken", name=checked, code=holder.code, holder=holder.name
                )
                return False, text, signed_in_name(ctx)
            old = agency.name
            rename_agency(ctx.session, agency=agency, new_name=checked, clock=ctx.clock)
            ctx.audit("agency:rename", "ok", agency=agency.code, **{"from": old, "to": checked})
            return True, ctx.w("agencies.renamed", old=old, new=checked), signed_in_name(ctx)

        ok, text, name = await self.work(job)
        back = f"{self.console.base}/agencies"
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)


class MergeHandler(ConsoleHandler):
    """GET `?source=CODE&target=CODE`: the preview; POST: the merge."""

    async def get(self) -> None:
        source, target = _code(self, "source", body=False), _code(self, "target", body=False)

        def job(ctx: WebContext) -> tuple[MergePreview, str]:
            return merge_preview(ctx, source, target), signed_in_name(ctx)

        preview, name = await self.work(job)
        await self.page("merge.html", preview=preview, signed_in=name)

    async def post(self) -> None:
        source_code, target_code = (
            _code(self, "source", body=True),
            _code(self, "target", body=True),
        )

        def job(ctx: WebContext) -> tuple[bool, str, str]:
            source, target = the_agency(ctx, source_code), the_agency(ctx, target_code)
            try:
                result = merge_agencies(ctx.session, source=source, target=target, clock=ctx.clock)
            except MergeError as error:
                ctx.audit("agency:merge", "refused", source=source.code, target=target.code)
                reason = error.render(ctx.config.language)
                return False, ctx.w("agencies.merge.refused", reason=reason), signed_in_name(ctx)
            ctx.audit(
                "agency:merge", "ok", source=source.code, target=target.code, moved=result.moved
            )
            text = ctx.w("agencies.merge.done", source=source.name, target=target.name)
            return True, text, signed_in_name(ctx)

        ok, text, name = await self.work(job)
        back = f"{self.console.base}/agencies"
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)
