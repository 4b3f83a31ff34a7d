"""Invites: the latest codes and their state, a new one (made by the chat's own /invite,
`handlers.invites.issue_invite`: the same code, expiry, audit entry and instructions), and
revoking an unused one (`storage.invites.revoke_invite`: its code opens nothing from then on)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from handlers.invites import issue_invite
from storage.agencies import find_agency
from storage.invites import list_invites, revoke_invite
from storage.models import Agency, MemberRole
from storage.periods import reporting_agencies

SECRETARIAT_CHOICE = "secretariat"


@dataclass(frozen=True)
class InviteRow:
    id: int
    role: str
    agency: str
    created: str
    expires: str
    state: str  # active | used | revoked | expired


@dataclass
class InvitesPage:
    agencies: list[Agency]
    rows: list[InviteRow]


def invites_page(ctx: WebContext) -> InvitesPage:
    now = ctx.clock.now()
    rows = []
    for invite, agency in list_invites(ctx.session):
        if invite.used_at is not None:
            state = "used"
        elif invite.revoked_at is not None:
            state = "revoked"
        elif invite.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        rows.append(
            InviteRow(
                invite.id or 0,
                invite.role,
                agency.name if agency else ctx.secretariat_name(),
                ctx.local_time(invite.created_at),
                ctx.local_time(invite.expires_at),
                state,
            )
        )
    return InvitesPage(reporting_agencies(ctx.session), rows)


class InvitesHandler(ConsoleHandler):
    async def get(self) -> None:
        def job(ctx: WebContext) -> tuple[InvitesPage, str]:
            return invites_page(ctx), signed_in_name(ctx)

        page, name = await self.work(job)
        await self.page("invites.html", page=page, signed_in=name)

    async def post(self) -> None:
        """A new invite for an agency's focal point, or for a new secretariat member."""
        wanted = self.get_body_argument("agency", "")

        def job(ctx: WebContext) -> tuple[bool, str, str]:
            if wanted == SECRETARIAT_CHOICE:
                replies = issue_invite(ctx, agency=None, role=MemberRole.secretariat)
                return True, replies[0].text, signed_in_name(ctx)
            agency = find_agency(ctx.session, wanted) if wanted else None
            if agency is None or agency.is_group or agency.code != wanted:
                return False, ctx.t("invite.unknown_agency", name=wanted[:80]), signed_in_name(ctx)
            replies = issue_invite(ctx, agency=agency, role=MemberRole.focal)
            return True, replies[0].text, signed_in_name(ctx)

        ok, text, name = await self.work(job)
        back = f"{self.console.base}/invites"
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)


class RevokeInviteHandler(ConsoleHandler):
    async def post(self, invite_id: str) -> None:
        number = int(invite_id)

        def job(ctx: WebContext) -> tuple[bool, str, str]:
            revoked = revoke_invite(ctx.session, invite_id=number, clock=ctx.clock)
            ctx.audit("invite:revoke", "ok" if revoked else "refused", invite_id=number)
            text = ctx.w("invites.revoked" if revoked else "invites.not_revoked", id=number)
            return revoked is not None, text, signed_in_name(ctx)

        ok, text, name = await self.work(job)
        back = f"{self.console.base}/invites"
        await self.done(name, text, [(back, self.console.t("common.back"))], ok=ok)
