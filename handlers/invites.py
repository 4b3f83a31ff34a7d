"""`/invite` (secretariat) and `/handover` (a focal point passes the role to a colleague)."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow, chosen_id
from handlers.registry import Registry
from storage.agencies import find_agency
from storage.invites import NewInvite, create_invite
from storage.models import Agency, ConversationState, MemberRole, Membership
from storage.periods import reporting_agencies

INVITE_FLOW = "invite"
HANDOVER_FLOW = "handover"
SECRETARIAT_WORDS = {"thuky", "thu-ky", "thư ký", "thư-ký", "secretariat", "admin"}


def how_to_use(ctx: Context, code: str) -> str:
    lines = []
    link = ctx.links.telegram_start_link(code)
    if link:
        lines.append(ctx.t("invite.how.telegram", link=link))
    lines.append(ctx.t("invite.how.other", code=code))
    return "\n".join(lines)


def issue_invite(ctx: Context, *, agency: Agency | None, role: str) -> list[Reply]:
    new: NewInvite = create_invite(
        ctx.session,
        agency_id=agency.id if agency else None,
        role=role,
        valid_for=timedelta(days=ctx.config.invite_days),
        clock=ctx.clock,
        created_by_person_id=ctx.actor.person_id,
    )
    ctx.audit(
        "invite:create",
        "ok",
        invite_id=new.invite.id,
        role=role,
        agency=agency.code if agency else None,
    )
    role_name = ctx.t(
        "role.name.secretariat" if role == MemberRole.secretariat else "role.name.focal"
    )
    return [
        Reply(
            ctx.t(
                "invite.created",
                role=role_name,
                agency=agency.name if agency else ctx.secretariat_name(),
                expires=ctx.local_time(new.invite.expires_at),
                code=new.code,
                how=how_to_use(ctx, new.code),
            )
        )
    ]


def invite(ctx: Context, args: str) -> list[Reply]:
    if args.strip().casefold() in SECRETARIAT_WORDS:
        return issue_invite(ctx, agency=None, role=MemberRole.secretariat)
    if args.strip():
        agency = find_agency(ctx.session, args)
        if agency is None or agency.is_group:
            return [Reply(ctx.t("invite.unknown_agency", name=args.strip()))]
        if agency.ended_on is not None:  # split or dissolved: invite one of its successors
            ended = f"{agency.ended_on:%d/%m/%Y}"
            return [Reply(ctx.t("agency.ended", name=agency.name, date=ended))]
        return issue_invite(ctx, agency=agency, role=MemberRole.focal)
    options = [Option(a.name, f"agency:{a.id}") for a in reporting_agencies(ctx.session)]
    options.append(Option(ctx.t("invite.secretariat_option"), "agency:secretariat"))
    return [ctx.ask(INVITE_FLOW, "agency", {}, ctx.t("invite.choose_agency"), tuple(options))]


class InviteFlow(StepFlow):
    name = INVITE_FLOW
    roles = frozenset({Role.secretariat})

    def step_agency(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice == "agency:secretariat":
            ctx.end_flow()
            return issue_invite(ctx, agency=None, role=MemberRole.secretariat)
        agency_id = chosen_id(event, "agency:")
        agency = ctx.session.get(Agency, agency_id) if agency_id else None
        if agency is None:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        return issue_invite(ctx, agency=agency, role=MemberRole.focal)


def own_focal_memberships(ctx: Context) -> list[tuple[Membership, Agency]]:
    out = []
    for membership in ctx.actor.memberships:
        if membership.role == MemberRole.focal and membership.agency_id is not None:
            agency = ctx.session.get(Agency, membership.agency_id)
            if agency is not None:
                out.append((membership, agency))
    return out


def handover(ctx: Context, args: str) -> list[Reply]:
    mine = own_focal_memberships(ctx)
    if len(mine) == 1:
        return issue_handover(ctx, *mine[0])
    options = tuple(Option(agency.name, f"member:{m.id}") for m, agency in mine)
    return [ctx.ask(HANDOVER_FLOW, "agency", {}, ctx.t("handover.choose"), options)]


def issue_handover(ctx: Context, membership: Membership, agency: Agency) -> list[Reply]:
    new = create_invite(
        ctx.session,
        agency_id=agency.id,
        role=MemberRole.focal,
        valid_for=timedelta(days=ctx.config.invite_days),
        clock=ctx.clock,
        created_by_person_id=ctx.actor.person_id,
        replaces_membership_id=membership.id,
    )
    ctx.audit("handover:create", "ok", invite_id=new.invite.id, agency=agency.code)
    return [
        Reply(
            ctx.t(
                "handover.created",
                agency=agency.name,
                expires=ctx.local_time(new.invite.expires_at),
                code=new.code,
                how=how_to_use(ctx, new.code),
            )
        )
    ]


class HandoverFlow(StepFlow):
    name = HANDOVER_FLOW
    roles = frozenset({Role.focal})

    def step_agency(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        wanted = chosen_id(event, "member:")
        for membership, agency in own_focal_memberships(ctx):
            if membership.id == wanted:
                ctx.end_flow()
                return issue_handover(ctx, membership, agency)
        return [Reply(ctx.t("pick.one"))]


def setup(registry: Registry) -> None:
    registry.command(
        "invite", invite, roles={Role.secretariat}, description_key="cmd.invite", order=40
    )
    registry.command(
        "handover", handover, roles={Role.focal}, description_key="cmd.handover", order=30
    )
    registry.flow(InviteFlow())
    registry.flow(HandoverFlow())
