"""`/start CODE`: register as a focal point (or secretariat) with an invite code."""

from __future__ import annotations

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, Reply
from handlers.flows import StepFlow
from handlers.guards import end_conversations_of
from handlers.notify import notify_person, notify_secretariat
from handlers.validation import Invalid, check_full_name, check_position
from storage.invites import InviteProblem, check_invite, get_usable_invite
from storage.members import InviteAlreadyUsed, register
from storage.models import Agency, ConversationState, Invite, MemberRole, MemberStatus, Person

FLOW = "register"
YES, NO = "reg:yes", "reg:no"


def role_name(ctx: Context, role: str) -> str:
    return ctx.t("role.name.secretariat" if role == MemberRole.secretariat else "role.name.focal")


def agency_name(ctx: Context, invite: Invite) -> str:
    agency = ctx.session.get(Agency, invite.agency_id) if invite.agency_id else None
    return agency.name if agency else ctx.secretariat_name()


def invite_problem(ctx: Context, problem: InviteProblem) -> list[Reply]:
    ctx.audit("invite:check", "refused", problem=str(problem))
    return [Reply(ctx.t(f"invite.{problem}", secretariat=ctx.secretariat_name()))]


def start_with_code(ctx: Context, code: str) -> list[Reply]:
    found = check_invite(ctx.session, code=code, clock=ctx.clock)
    if isinstance(found, InviteProblem):
        return invite_problem(ctx, found)
    already = [
        m for m in ctx.actor.memberships if m.role == found.role and m.agency_id == found.agency_id
    ]
    if already:
        return [
            Reply(
                ctx.t(
                    "register.already",
                    role=role_name(ctx, found.role),
                    agency=agency_name(ctx, found),
                )
            )
        ]
    data = {"invite_id": found.id}
    person = ctx.actor.person
    if person is not None:  # known already (another role): only confirm
        return [confirm(ctx, data | {"name": person.full_name, "position": person.position})]
    return [
        ctx.ask(
            FLOW,
            "name",
            data,
            ctx.t(
                "register.ask_name", role=role_name(ctx, found.role), agency=agency_name(ctx, found)
            ),
        )
    ]


def confirm(ctx: Context, data: dict[str, object]) -> Reply:
    invite = ctx.session.get(Invite, data["invite_id"])
    assert invite is not None
    text = ctx.t(
        "register.confirm",
        name=data["name"],
        position=data["position"],
        agency=agency_name(ctx, invite),
        role=role_name(ctx, invite.role),
    )
    options = (Option(ctx.t("register.confirm_yes"), YES), Option(ctx.t("register.confirm_no"), NO))
    return ctx.ask(FLOW, "confirm", data, text, options)


def _typed(ctx: Context, event: IncomingEvent) -> str | Invalid:
    if event.attachment is not None:
        return Invalid("invalid.text_expected", {})
    return event.text or ""


class RegistrationFlow(StepFlow):
    name = FLOW
    # Anyone may finish registering: a stranger, or someone adding a role they lack.
    roles = frozenset(Role)

    def step_name(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        typed = _typed(ctx, event)
        name = typed if isinstance(typed, Invalid) else check_full_name(typed)
        if isinstance(name, Invalid):
            return [Reply(ctx.t(name.key, **name.values))]
        return [
            ctx.ask(FLOW, "position", {**state.data, "name": name}, ctx.t("register.ask_position"))
        ]

    def step_position(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        typed = _typed(ctx, event)
        position = typed if isinstance(typed, Invalid) else check_position(typed)
        if isinstance(position, Invalid):
            return [Reply(ctx.t(position.key, **position.values))]
        return [confirm(ctx, {**state.data, "position": position})]

    def step_confirm(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        if event.choice == NO:
            invite = ctx.session.get(Invite, state.data["invite_id"])
            assert invite is not None
            ctx.end_flow()
            return [Reply(ctx.t("register.restart")), *start_again(ctx, invite)]
        if event.choice != YES:
            return [Reply(ctx.t("register.choose"), confirm(ctx, state.data).options)]
        return finish(ctx, state)


def start_again(ctx: Context, invite: Invite) -> list[Reply]:
    data = {"invite_id": invite.id}
    return [
        ctx.ask(
            FLOW,
            "name",
            data,
            ctx.t(
                "register.ask_name",
                role=role_name(ctx, invite.role),
                agency=agency_name(ctx, invite),
            ),
        )
    ]


def finish(ctx: Context, state: ConversationState) -> list[Reply]:
    found = get_usable_invite(ctx.session, invite_id=state.data["invite_id"], clock=ctx.clock)
    ctx.end_flow()
    if isinstance(found, InviteProblem):
        return invite_problem(ctx, found)
    event = ctx.event
    try:
        done = register(
            ctx.session,
            invite=found,
            channel=event.channel,
            external_id=event.user_id,
            chat_id=event.chat_id,
            full_name=str(state.data["name"]),
            position=str(state.data["position"]),
            require_approval=ctx.config.require_approval,
            clock=ctx.clock,
        )
    except InviteAlreadyUsed:
        return invite_problem(ctx, InviteProblem.used)
    person, membership = done.person, done.membership
    agency = agency_name(ctx, found)
    ctx.audit(
        "register",
        "ok",
        invite_id=found.id,
        membership_id=membership.id,
        role=membership.role,
        status=membership.status,
    )
    key = f"registered:invite{found.id}"
    if membership.role == MemberRole.secretariat:
        notify_secretariat(
            ctx,
            key=key,
            kind="registration",
            text=ctx.t(
                "notice.registered.secretariat",
                name=person.full_name,
                position=person.position,
                channel=event.channel,
            ),
        )
        return [Reply(ctx.t("register.done.secretariat", name=person.full_name))]
    pending = membership.status == MemberStatus.pending
    notify_secretariat(
        ctx,
        key=key,
        kind="registration",
        text=ctx.t(
            "notice.registered",
            name=person.full_name,
            position=person.position,
            agency=agency,
            channel=event.channel,
            pending=ctx.t("notice.registered.pending") if pending else "",
        ),
    )
    replies = [
        Reply(
            ctx.t(
                "register.done.pending" if pending else "register.done.focal",
                name=person.full_name,
                agency=agency,
            )
        )
    ]
    if done.replaced is not None:
        end_conversations_of(ctx, person_id=done.replaced.person_id)
        old = ctx.session.get(Person, done.replaced.person_id)
        old_name = old.full_name if old else "?"
        notify_secretariat(
            ctx,
            key=f"handover:invite{found.id}",
            kind="handover",
            text=ctx.t("notice.handover", old=old_name, agency=agency, new=person.full_name),
        )
        notify_person(
            ctx,
            person_id=done.replaced.person_id,
            key=f"handover:invite{found.id}",
            kind="handover",
            text=ctx.t("notice.handover", old=old_name, agency=agency, new=person.full_name),
        )
        replies.append(Reply(ctx.t("register.handover", old=old_name)))
    return replies
