"""Commands and conversation flows, registered once by each handler module's `setup()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from handlers.context import Context, Role
from handlers.events import IncomingEvent, Reply
from storage.models import ConversationState

CommandHandler = Callable[[Context, str], list[Reply]]
# The agency a conversation acts for (read from its stored state), when it acts for one.
AgencyOfState = Callable[[Context, ConversationState], int | None]


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

    def accepts_files(self, state: ConversationState) -> bool: ...


@dataclass(frozen=True)
class FlowGuard:
    """What a conversation needs on every step, not only at its start: one of `roles`, and,
    when `agency` names the agency the conversation acts for, an active focal role there."""

    roles: frozenset[Role]
    agency: AgencyOfState | None = None


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.flows: dict[str, Flow] = {}
        self._guards: dict[str, FlowGuard] = {}

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
        roles = getattr(flow, "roles", None)
        if roles is not None and flow.name not in self._guards:
            self._guards[flow.name] = FlowGuard(frozenset(roles), getattr(flow, "agency", None))

    def guard(
        self, flow_name: str, *, roles: set[Role], agency: AgencyOfState | None = None
    ) -> None:
        """Declare (or tighten) what a flow needs, for flows defined elsewhere."""
        self._guards[flow_name] = FlowGuard(frozenset(roles), agency)

    def guard_for(self, flow_name: str, opened_by: list[str] | None = None) -> FlowGuard:
        """A flow's guard. One that declares none needs a role of the command that opened it
        (`opened_by`, stamped in its state by the dispatcher), or of its namesake command."""
        guard = self._guards.get(flow_name)
        if guard is not None:
            return guard
        if opened_by:
            return FlowGuard(frozenset(Role(r) for r in opened_by if r in Role.__members__))
        command = self.commands.get(flow_name)
        return FlowGuard(command.roles if command is not None else frozenset(Role))

    def declares_guard(self, flow_name: str) -> bool:
        return flow_name in self._guards

    def commands_for(self, *roles: Role) -> list[Command]:
        """The commands any of these roles may use, in menu order."""
        return sorted(
            (c for c in self.commands.values() if c.roles.intersection(roles)),
            key=lambda c: (c.order, c.name),
        )
