"""A small base for conversation flows: one method per step."""

from __future__ import annotations

from collections.abc import Callable

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Reply
from storage.models import ConversationState

StepHandler = Callable[[Context, ConversationState, IncomingEvent], list[Reply]]


class StepFlow:
    """Routes input to `step_<name>(ctx, state, event)`; subclasses set `name`."""

    name: str = ""
    commands: frozenset[str] = frozenset()
    # The roles the flow needs; the dispatcher checks them before every step (None: the roles
    # of the command with the flow's name).
    roles: frozenset[Role] | None = None

    def accepts_files(self, state: ConversationState) -> bool:
        """Whether this step takes a file the bot should fetch and keep (`bot.intake`)."""
        return False

    def on_input(self, ctx: Context, state: ConversationState, event: IncomingEvent) -> list[Reply]:
        handler: StepHandler | None = getattr(self, f"step_{state.step}", None)
        if handler is None:  # a step from an older version of the bot
            ctx.end_flow()
            return [Reply(ctx.t("flow.gone"))]
        return handler(ctx, state, event)


def chosen_id(event: IncomingEvent, prefix: str) -> int | None:
    """The number in an option value like 'agency:12', when the value has this prefix."""
    if event.choice is None or not event.choice.startswith(prefix):
        return None
    tail = event.choice.removeprefix(prefix)
    return int(tail) if tail.isdigit() else None
