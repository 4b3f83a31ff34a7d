"""Options a command offers outside a conversation (/summary's «Cơ quan còn thiếu», …).

Inside a conversation the offered options are stored with its state, so "1" or the option's
label picks one on the console and Zalo, where there are no buttons. A command run outside one
(e.g. /summary) had nowhere to keep them: its numbered lines could only be clicked on Telegram.
Its command options are kept here as a small "menu" state, so they work on every channel.
"""

from __future__ import annotations

from handlers.context import OPTIONS_KEY, Context
from handlers.events import IncomingEvent, Reply
from handlers.flows import StepFlow
from handlers.guards import run_command
from handlers.registry import Registry
from storage.models import ConversationState

MENU_FLOW = "menu"


def remember_menu(ctx: Context, replies: list[Reply]) -> None:
    """After a command run outside a conversation: keep its command options, or forget the
    previous command's, so a number never picks a stale option."""
    state = ctx.state
    if state is not None and state.flow != MENU_FLOW:
        return  # the command started (or kept) a conversation, which has its own options
    options = [o for r in replies for o in r.options if str(o.value).startswith("/")]
    if options:
        ctx.save_flow(MENU_FLOW, "pick", {OPTIONS_KEY: [[o.label, o.value] for o in options]})
    elif state is not None:
        ctx.end_flow()


class MenuFlow(StepFlow):
    name = MENU_FLOW

    def step_pick(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]:
        from handlers.dispatcher import parse_command  # the dispatcher imports this module

        ctx.end_flow()
        parsed = parse_command(event.choice or "")
        if parsed is None:  # free text after a menu: as if there were none
            return [Reply(ctx.t("unknown.text"))]
        replies = run_command(ctx, *parsed)  # roles may have changed since the menu was shown
        remember_menu(ctx, replies)
        return replies


def setup(registry: Registry) -> None:
    registry.flow(MenuFlow())
