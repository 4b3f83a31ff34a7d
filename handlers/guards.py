"""Roles are checked on every step of a conversation, not only when it starts.

A flow declares the roles it needs (`StepFlow.roles`, or `Registry.guard`). The dispatcher
asks `may_continue` before every step; when a role ends (revoke, leave, handover, removal from
the secretariat), `end_conversations_of` closes that person's conversations that needed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.context import OPENED_BY_KEY, Actor, Context, Role, resolve_actor
from handlers.events import IncomingEvent, Reply
from storage.conversations import clear_state, get_state
from storage.members import person_identities
from storage.models import ConversationState

if TYPE_CHECKING:
    from handlers.registry import Command, Registry



def stamp_opener(registry: Registry, ctx: Context, command: Command) -> None:
    """A flow without declared roles keeps needing what the command that opened it needed."""
    state = ctx.state
    if state is None or registry.declares_guard(state.flow) or OPENED_BY_KEY in state.data:
        return
    state.data = {**state.data, OPENED_BY_KEY: sorted(command.roles)}
    ctx.session.flush()


def run_command(ctx: Context, name: str, args: str) -> list[Reply]:
    """Run `/name` if one of the actor's roles allows it, with the same refusal whether the
    command was typed or picked from a menu."""
    command = ctx.registry.commands.get(name)
    if command is None:
        return [Reply(ctx.t("unknown.command", command=f"/{name}"))]
    roles = ctx.actor.roles
    if not command.roles.intersection(roles):
        ctx.audit(f"command:{name}", "refused", roles=sorted(roles))
        if Role.stranger in roles:
            return [Reply(ctx.t("refused.stranger", secretariat=ctx.secretariat_name()))]
        if Role.secretariat in command.roles and Role.focal not in command.roles:
            return [Reply(ctx.t("refused.role"))]
        return [Reply(ctx.t("refused.focal"))]
    replies = command.run(ctx, args)
    stamp_opener(ctx.registry, ctx, command)
    return replies


def may_continue(registry: Registry, ctx: Context, actor: Actor, state: ConversationState) -> bool:
    opened_by = state.data.get(OPENED_BY_KEY)
    guard = registry.guard_for(state.flow, opened_by if isinstance(opened_by, list) else None)
    if not guard.roles.intersection(actor.roles):
        return False
    if guard.agency is not None:
        agency_id = guard.agency(ctx, state)
        # A secretariat member acting for an agency still needs to be its focal point.
        if agency_id is not None and agency_id not in actor.focal_agency_ids:
            return False
    return True


def end_conversations_of(ctx: Context, *, person_id: int) -> int:
    """Close the person's open conversations their remaining roles no longer allow; returns
    how many. Nothing they typed is lost: report drafts live apart from the conversation."""
    ended = 0
    for identity in person_identities(ctx.session, person_id=person_id):
        state = get_state(ctx.session, channel=identity.channel, chat_id=identity.chat_id)
        if state is None:
            continue
        event = IncomingEvent(identity.channel, identity.external_id, identity.chat_id)
        actor = resolve_actor(ctx.session, event=event, config=ctx.config)
        if not may_continue(ctx.registry, ctx, actor, state):
            clear_state(ctx.session, channel=identity.channel, chat_id=identity.chat_id)
            ended += 1
    if ended:
        ctx.forget_state()  # the sender's own chat may be among them
    return ended
