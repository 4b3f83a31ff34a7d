"""`/link`: one person on several channels (Telegram and Zalo) is one focal point.

`/link` on a registered account gives a one-time code; `/link CODE` sent from an account the
bot does not know yet attaches that account to the same person, with every role they hold.
"""

from __future__ import annotations

from handlers.basic import role_line
from handlers.context import Context, Role, resolve_actor
from handlers.events import Reply
from handlers.registry import Registry
from storage.links import LinkProblem, check_link_code, create_link_code, use_link_code
from storage.members import person_identities
from storage.models import Person
from storage.outbox import enqueue

EVERYONE = {Role.stranger, Role.focal, Role.secretariat}


def channel_name(ctx: Context, channel: str) -> str:
    key = f"channel.name.{channel}"
    try:
        return ctx.t(key)
    except KeyError:
        return channel


def link(ctx: Context, args: str) -> list[Reply]:
    return claim(ctx, args.strip()) if args.strip() else issue(ctx)


def issue(ctx: Context) -> list[Reply]:
    actor = ctx.actor
    # Someone with a role, not only a name: a person who left or awaits approval has nothing
    # to carry over to another channel yet.
    if actor.person is None or actor.person.id is None or Role.stranger in actor.roles:
        ctx.audit("link:create", "refused", reason="not registered")
        return [Reply(ctx.t("link.not_registered", secretariat=ctx.secretariat_name()))]
    new = create_link_code(ctx.session, person_id=actor.person.id, clock=ctx.clock)
    ctx.audit("link:create", "ok", invite_id=new.invite.id)
    return [Reply(ctx.t("link.code", code=new.code, expires=ctx.local_time(new.invite.expires_at)))]


def claim(ctx: Context, code: str) -> list[Reply]:
    event, actor = ctx.event, ctx.actor
    here = channel_name(ctx, event.channel)
    if actor.identity is not None:
        name = actor.person.full_name if actor.person else event.user_id
        ctx.audit("link:use", "refused", reason="already registered")
        return [Reply(ctx.t("link.already", channel=here, name=name))]
    found = check_link_code(ctx.session, code=code, clock=ctx.clock)
    if isinstance(found, LinkProblem):
        ctx.audit("link:use", "refused", problem=str(found))
        return [Reply(ctx.t(f"link.{found}"))]
    identity = use_link_code(
        ctx.session,
        invite=found,
        channel=event.channel,
        external_id=event.user_id,
        chat_id=event.chat_id,
        clock=ctx.clock,
    )
    if identity is None:  # another account used it a moment ago
        ctx.audit("link:use", "refused", problem=str(LinkProblem.used))
        return [Reply(ctx.t("link.used"))]
    ctx.actor = resolve_actor(ctx.session, event=event, config=ctx.config)
    person = ctx.session.get(Person, identity.person_id)
    assert person is not None
    ctx.audit("link:use", "ok", invite_id=found.id, identity_id=identity.id)
    # Told on the other channels, so a code that leaked does not go unnoticed.
    notice = ctx.t("link.notice", channel=here, time=ctx.local_time(ctx.clock.now()))
    for other in person_identities(ctx.session, person_id=identity.person_id):
        if other.id != identity.id and other.reachable:
            enqueue(
                ctx.session,
                dedupe_key=f"linked:identity{identity.id}:{other.channel}:{other.chat_id}",
                channel=other.channel,
                chat_id=other.chat_id,
                kind="notice",
                text=notice,
                clock=ctx.clock,
                person_id=identity.person_id,
            )
    return [Reply(ctx.t("link.done", channel=here, name=person.full_name, role=role_line(ctx)))]


def setup(registry: Registry) -> None:
    # Open to strangers: the account sending `/link CODE` is not registered yet.
    registry.command("link", link, roles=EVERYONE, description_key="cmd.link", order=15)
