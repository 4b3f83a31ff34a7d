"""Who is who: /whoami, /agencies, /away, /leave, and the secretariat's /revoke and /approve."""

from __future__ import annotations

from datetime import date, timedelta

from handlers.basic import EVERYONE
from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow, chosen_id
from handlers.guards import end_conversations_of
from handlers.invites import own_focal_memberships
from handlers.notify import notify_person, notify_secretariat
from handlers.registry import Registry
from handlers.validation import parse_local_date
from storage.members import (
    agency_members,
    available_members,
    end_membership,
    pending_members,
    person_identities,
    secretariat_members,
    set_away,
)
from storage.models import (
    Agency,
    ConversationState,
    MemberRole,
    Membership,
    MemberStatus,
    Person,
)
from storage.people import memberships
from storage.periods import reporting_agencies

CLEAR_WORDS = {"huy", "hủy", "off", "cancel", "0", "het", "hết"}


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def status_text(ctx: Context, membership: Membership) -> str:
    if membership.status == MemberStatus.pending:
        return ctx.t("status.pending")
    if membership.away_until is not None and membership.away_until >= ctx.today():
        return ctx.t("status.away", date=_date(membership.away_until))
    return ctx.t("status.active")


def warn_if_uncovered(ctx: Context, agency: Agency, reason: str) -> bool:
    """Tell the secretariat when nobody of the agency can get reminders any more."""
    if available_members(ctx.session, agency_id=agency.id, today=ctx.today()):
        return False
    notify_secretariat(
        ctx,
        key=f"uncovered:{agency.id}:{ctx.today().isoformat()}:{ctx.actor.person_id}",
        kind="uncovered",
        text=ctx.t("notice.no_focal", agency=agency.name, reason=reason),
    )
    return True


def whoami(ctx: Context, args: str) -> list[Reply]:
    actor = ctx.actor
    if actor.person is None:
        if actor.is_admin:
            return [Reply(ctx.t("whoami.admin", channel=actor.channel, user_id=actor.user_id))]
        return [
            Reply(
                ctx.t(
                    "whoami.stranger",
                    channel=actor.channel,
                    user_id=actor.user_id,
                    secretariat=ctx.secretariat_name(),
                )
            )
        ]
    person = actor.person
    channels = ", ".join(
        f"{i.channel}" + ("" if i.reachable else f" ({ctx.t('status.unreachable')})")
        for i in person_identities(ctx.session, person_id=person.id)
    )
    lines = [
        ctx.t("whoami.person", name=person.full_name, position=person.position, channels=channels)
    ]
    for membership in actor.memberships + [m for m in _pending(ctx) if m not in actor.memberships]:
        agency = ctx.session.get(Agency, membership.agency_id) if membership.agency_id else None
        role = ctx.t("role.name.focal" if membership.role == "focal" else "role.name.secretariat")
        lines.append(
            ctx.t(
                "whoami.membership",
                role=role,
                agency=agency.name if agency else ctx.secretariat_name(),
                status=status_text(ctx, membership),
            )
        )
    if actor.is_admin:
        lines.append(ctx.t("whoami.admin", channel=actor.channel, user_id=actor.user_id))
    return [Reply("\n".join(lines))]


def _pending(ctx: Context) -> list[Membership]:
    person_id = ctx.actor.person_id
    if person_id is None:
        return []
    return memberships(ctx.session, person_id=person_id, statuses=(MemberStatus.pending,))


def away(ctx: Context, args: str) -> list[Reply]:
    mine = own_focal_memberships(ctx)
    text = args.strip()
    if not text:
        current = [m.away_until for m, _ in mine if m.away_until and m.away_until >= ctx.today()]
        lines = [ctx.t("away.current", date=_date(max(current)))] if current else []
        return [Reply("\n".join([*lines, ctx.t("away.usage")]))]
    if text.casefold() in CLEAR_WORDS:
        for membership, _agency in mine:
            set_away(ctx.session, membership=membership, until=None)
        ctx.audit("away", "ok", until=None)
        return [Reply(ctx.t("away.cleared"))]
    today = ctx.today()
    until = parse_local_date(text, today=today)
    if until is None:
        return [Reply(ctx.t("away.bad_date", text=text[:40]))]
    if until < today:
        return [Reply(ctx.t("away.past", date=_date(until)))]
    limit = today + timedelta(days=365)
    if until > limit:
        return [Reply(ctx.t("away.too_far", limit=_date(limit)))]
    replies = [Reply(ctx.t("away.set", date=_date(until)))]
    name = ctx.actor.person.full_name if ctx.actor.person else ""
    for membership, agency in mine:
        set_away(ctx.session, membership=membership, until=until)
        if warn_if_uncovered(ctx, agency, ctx.t("reason.away", name=name, date=_date(until))):
            replies.append(Reply(ctx.t("nobody.told", agency=agency.name)))
    ctx.audit("away", "ok", until=until.isoformat())
    return replies


LEAVE_FLOW = "leave"


def leave(ctx: Context, args: str) -> list[Reply]:
    mine = own_focal_memberships(ctx)
    if len(mine) == 1:
        return [_leave_confirm(ctx, *mine[0])]
    options = tuple(Option(agency.name, f"member:{m.id}") for m, agency in mine)
    return [ctx.ask(LEAVE_FLOW, "agency", {}, ctx.t("leave.choose"), options)]


def _leave_confirm(ctx: Context, membership: Membership, agency: Agency) -> Reply:
    options = (Option(ctx.t("leave.yes"), "leave:yes"), Option(ctx.t("leave.no"), "leave:no"))
    return ctx.ask(
        LEAVE_FLOW,
        "confirm",
        {"membership_id": membership.id},
        ctx.t("leave.confirm", agency=agency.name),
        options,
    )


class LeaveFlow(StepFlow):
    name = LEAVE_FLOW
    roles = frozenset({Role.focal})

    def step_agency(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        wanted = chosen_id(event, "member:")
        for membership, agency in own_focal_memberships(ctx):
            if membership.id == wanted:
                return [_leave_confirm(ctx, membership, agency)]
        return [Reply(ctx.t("pick.one"))]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"leave:yes", "leave:no"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        if event.choice == "leave:no":
            return [Reply(ctx.t("leave.kept"))]
        mine = {m.id: (m, a) for m, a in own_focal_memberships(ctx)}
        found = mine.get(state.data["membership_id"])
        if found is None:
            return [Reply(ctx.t("flow.gone"))]
        membership, agency = found
        end_membership(
            ctx.session, membership=membership, status=MemberStatus.left, clock=ctx.clock
        )
        end_conversations_of(ctx, person_id=membership.person_id)
        ctx.audit("leave", "ok", membership_id=membership.id, agency=agency.code)
        name = ctx.actor.person.full_name if ctx.actor.person else ""
        replies = [Reply(ctx.t("leave.done", agency=agency.name))]
        if warn_if_uncovered(ctx, agency, ctx.t("reason.left", name=name)):
            replies.append(Reply(ctx.t("nobody.told", agency=agency.name)))
        return replies


def agencies(ctx: Context, args: str) -> list[Reply]:
    rows = reporting_agencies(ctx.session)
    lines: list[str] = []
    covered = 0
    for number, agency in enumerate(rows, start=1):
        members = agency_members(
            ctx.session,
            agency_id=agency.id,
            statuses=(MemberStatus.active, MemberStatus.pending),
        )
        covered += any(m.status == MemberStatus.active for m, _ in members)
        people = "; ".join(_describe(ctx, m, p) for m, p in members) or ctx.t("agencies.none")
        # The code is what /request, /invite and the CLI take: show it. An agency a recorded
        # change creates later is listed (its focal point may be invited ahead) with its day.
        begins = ""
        if agency.valid_from is not None and agency.valid_from > ctx.today():
            begins = " " + ctx.t("agencies.begins", date=f"{agency.valid_from:%d/%m/%Y}")
        lines.append(f"{number}. {agency.name} [{agency.code}]{begins}: {people}")
    header = ctx.t("agencies.header", count=len(rows), covered=covered)
    return [Reply("\n".join([header, "", *lines]))]


def _describe(ctx: Context, membership: Membership, person: Person) -> str:
    notes = []
    status = status_text(ctx, membership)
    if status != ctx.t("status.active"):
        notes.append(status)
    identities = person_identities(ctx.session, person_id=person.id)
    if identities and not any(i.reachable for i in identities):
        notes.append(ctx.t("status.unreachable"))
    channels = "/".join(sorted({i.channel for i in identities}))
    suffix = f" [{', '.join(notes)}]" if notes else ""
    return f"{person.full_name} ({channels}){suffix}"


REVOKE_FLOW = "revoke"


def revoke(ctx: Context, args: str) -> list[Reply]:
    options = []
    # Secretariat members first: removing one must be as easy as removing a focal point.
    for membership, person in secretariat_members(ctx.session):
        if person.id != ctx.actor.person_id:  # nobody locks themselves out by a slip
            label = f"{person.full_name} - {ctx.t('role.name.secretariat')}"
            options.append(Option(label, f"member:{membership.id}"))
    for agency in reporting_agencies(ctx.session):
        for membership, person in agency_members(
            ctx.session,
            agency_id=agency.id,
            statuses=(MemberStatus.active, MemberStatus.pending),
        ):
            options.append(Option(f"{person.full_name} - {agency.name}", f"member:{membership.id}"))
    if not options:
        return [Reply(ctx.t("revoke.none"))]
    return [ctx.ask(REVOKE_FLOW, "person", {}, ctx.t("revoke.choose"), tuple(options))]


def _member_and_agency(
    ctx: Context, membership_id: object
) -> tuple[Membership, Person, Agency | None] | None:
    """The membership to revoke, its person, and its agency (None for the secretariat)."""
    membership = ctx.session.get(Membership, membership_id)
    if membership is None or membership.status not in (MemberStatus.active, MemberStatus.pending):
        return None
    person = ctx.session.get(Person, membership.person_id)
    agency = ctx.session.get(Agency, membership.agency_id) if membership.agency_id else None
    if person is None or (agency is None and membership.role != MemberRole.secretariat):
        return None
    return membership, person, agency


def _role_label(ctx: Context, agency: Agency | None) -> str:
    return agency.name if agency is not None else ctx.t("role.name.secretariat")


class RevokeFlow(StepFlow):
    name = REVOKE_FLOW
    roles = frozenset({Role.secretariat})

    def step_person(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        found = _member_and_agency(ctx, chosen_id(event, "member:"))
        if found is None:
            return [Reply(ctx.t("pick.one"))]
        membership, person, agency = found
        options = (
            Option(ctx.t("revoke.yes"), "revoke:yes"),
            Option(ctx.t("revoke.no"), "revoke:no"),
        )
        return [
            ctx.ask(
                REVOKE_FLOW,
                "confirm",
                {"membership_id": membership.id},
                ctx.t(
                    "revoke.confirm" if agency else "revoke.confirm_secretariat",
                    name=person.full_name,
                    agency=_role_label(ctx, agency),
                ),
                options,
            )
        ]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"revoke:yes", "revoke:no"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        if event.choice == "revoke:no":
            return [Reply(ctx.t("revoke.cancelled"))]
        found = _member_and_agency(ctx, state.data["membership_id"])
        if found is None:
            return [Reply(ctx.t("flow.gone"))]
        membership, person, agency = found
        end_membership(
            ctx.session, membership=membership, status=MemberStatus.revoked, clock=ctx.clock
        )
        end_conversations_of(ctx, person_id=membership.person_id)
        label = _role_label(ctx, agency)
        ctx.audit(
            "revoke", "ok", membership_id=membership.id, agency=agency.code if agency else None
        )
        notify_person(
            ctx,
            person_id=person.id,
            key=f"revoked:{membership.id}:{ctx.clock.now().isoformat()}",
            kind="revoked",
            text=ctx.t(
                "revoke.notice" if agency is not None else "revoke.notice_secretariat", agency=label
            ),
        )
        done = "revoke.done" if agency is not None else "revoke.done_secretariat"
        replies = [Reply(ctx.t(done, name=person.full_name, agency=label))]
        if agency is None:
            return replies
        if not available_members(ctx.session, agency_id=agency.id, today=ctx.today()):
            replies.append(
                Reply(
                    ctx.t(
                        "notice.no_focal",
                        agency=agency.name,
                        reason=ctx.t("reason.revoked", name=person.full_name),
                    )
                )
            )
        return replies


APPROVE_FLOW = "approve"


def approve(ctx: Context, args: str) -> list[Reply]:
    waiting = pending_members(ctx.session)
    if not waiting:
        return [Reply(ctx.t("approve.none"))]
    options = tuple(
        Option(f"{person.full_name} - {agency.name if agency else '?'}", f"member:{m.id}")
        for m, person, agency in waiting
    )
    return [ctx.ask(APPROVE_FLOW, "person", {}, ctx.t("approve.choose"), options)]


class ApproveFlow(StepFlow):
    name = APPROVE_FLOW
    roles = frozenset({Role.secretariat})

    def step_person(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        found = _member_and_agency(ctx, chosen_id(event, "member:"))
        if found is None or found[0].status != MemberStatus.pending:
            return [Reply(ctx.t("pick.one"))]
        membership, person, agency = found
        options = (
            Option(ctx.t("approve.yes"), "approve:yes"),
            Option(ctx.t("approve.no"), "approve:no"),
        )
        return [
            ctx.ask(
                APPROVE_FLOW,
                "decide",
                {"membership_id": membership.id},
                ctx.t(
                    "approve.decide",
                    name=person.full_name,
                    position=person.position,
                    agency=_role_label(ctx, agency),
                ),
                options,
            )
        ]

    def step_decide(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice not in {"approve:yes", "approve:no"}:
            return [Reply(ctx.t("pick.one"))]
        ctx.end_flow()
        found = _member_and_agency(ctx, state.data["membership_id"])
        if found is None or found[0].status != MemberStatus.pending:
            return [Reply(ctx.t("flow.gone"))]
        membership, person, agency = found
        approved = event.choice == "approve:yes"
        if approved:
            membership.status = MemberStatus.active
        else:
            end_membership(
                ctx.session, membership=membership, status=MemberStatus.revoked, clock=ctx.clock
            )
        ctx.audit("approve", "ok" if approved else "rejected", membership_id=membership.id)
        notify_person(
            ctx,
            person_id=person.id,
            key=f"approval:{membership.id}",
            kind="approval",
            text=ctx.t(
                "approve.notice_yes" if approved else "approve.notice_no",
                agency=_role_label(ctx, agency),
            ),
        )
        key = "approve.done" if approved else "approve.rejected"
        return [Reply(ctx.t(key, name=person.full_name, agency=_role_label(ctx, agency)))]


def setup(registry: Registry) -> None:
    registry.command("whoami", whoami, roles=EVERYONE, description_key="cmd.whoami", order=10)
    registry.command("away", away, roles={Role.focal}, description_key="cmd.away", order=31)
    registry.command("leave", leave, roles={Role.focal}, description_key="cmd.leave", order=32)
    registry.command(
        "agencies", agencies, roles={Role.secretariat}, description_key="cmd.agencies", order=41
    )
    registry.command(
        "revoke", revoke, roles={Role.secretariat}, description_key="cmd.revoke", order=42
    )
    registry.command(
        "approve", approve, roles={Role.secretariat}, description_key="cmd.approve", order=43
    )
    for flow in (LeaveFlow(), RevokeFlow(), ApproveFlow()):
        registry.flow(flow)
