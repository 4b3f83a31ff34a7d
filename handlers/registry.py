"""Commands and conversation flows, registered once by each handler module's `setup()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Reply
from storage.models import ConversationState

CommandHandler = Callable[[Context, str], list[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    run: CommandHandler
    roles: frozenset[Role]
    description_key: str
    order: int = 100


class Flow(Protocol):
    """A multi-step conversation whose position is stored in ConversationState."""

    name: str
    commands: frozenset[str]  # commands the flow answers itself while active (/back, /skip)

    def on_input(
        self, ctx: Context, state: ConversationState, event: IncomingEvent
    ) -> list[Reply]: ...


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.flows: dict[str, Flow] = {}

    def command(
        self,
        name: str,
        run: CommandHandler,
        *,
        roles: set[Role],
        description_key: str,
        order: int = 100,
    ) -> None:
        if name in self.commands:
            raise ValueError(f"command /{name} registered twice")
        self.commands[name] = Command(name, run, frozenset(roles), description_key, order)

    def flow(self, flow: Flow) -> None:
        if flow.name in self.flows:
            raise ValueError(f"flow {flow.name} registered twice")
        self.flows[flow.name] = flow

    def commands_for(self, *roles: Role) -> list[Command]:
        """The commands any of these roles may use, in menu order."""
        return sorted(
            (c for c in self.commands.values() if c.roles.intersection(roles)),
            key=lambda c: (c.order, c.name),
        )
