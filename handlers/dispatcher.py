"""Route one incoming event to a command or the active flow, inside one transaction.

Replies are returned only after the transaction commits, so the bot never says "saved"
about something that was not (invariant 1). The dispatcher is synchronous: adapters call it
through `asyncio.to_thread`, so database work never blocks their event loop.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from handlers.context import (
    OPTIONS_KEY,
    ChannelLinks,
    Context,
    HandlerConfig,
    resolve_actor,
)
from handlers.events import IncomingEvent, Reply
from handlers.guards import may_continue, run_command
from handlers.menus import remember_menu
from handlers.messages import translate
from handlers.registry import Registry
from storage import audit
from storage import inbound as inbound_store
from storage.clock import Clock
from storage.conversations import get_state
from storage.db import SessionFactory, transaction, wrote_nothing
from storage.files import journal
from storage.models import ConversationState
from storage.names import normalise_name

if TYPE_CHECKING:
    from sqlmodel import Session

log = logging.getLogger(__name__)


def describe_chain(error: BaseException) -> str:
    """'DataError <- NotNullViolation': the exception types, without their messages."""
    names = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def parse_command(text: str) -> tuple[str, str] | None:
    """'/start@baocao_bot  abc ' -> ('start', 'abc'); None when not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].strip().lower()
    return (name, rest.strip()) if name else None


def addressed_elsewhere(text: str, bot_username: str | None) -> bool:
    """'/help@otherbot' in a group is for another bot: ours must stay silent. Without a known
    username (a channel without them) every command is ours."""
    if not bot_username or not text.startswith("/"):
        return False
    head = text[1:].split(None, 1)[0] if text[1:].strip() else ""
    _name, at, target = head.partition("@")
    return bool(at) and target.casefold() != bot_username.lstrip("@").casefold()


class AlreadyHandled(Exception):
    """The stored update was handled by another transaction: roll this one back."""


class Dispatcher:
    def __init__(
        self,
        *,
        make_session: SessionFactory,
        config: HandlerConfig,
        clock: Clock,
        registry: Registry,
    ) -> None:
        self.make_session = make_session
        self.config = config
        self.clock = clock
        self.registry = registry
        self.links = ChannelLinks()

    def accepts_file(self, event: IncomingEvent) -> bool:
        """Whether the chat's conversation is at a step that takes a file, so that the
        adapter fetches and keeps its bytes (`bot.intake`); other files are not fetched."""
        with transaction(self.make_session) as session:
            state = get_state(session, channel=event.channel, chat_id=event.chat_id)
            flow = self.registry.flows.get(state.flow) if state is not None else None
            return flow is not None and state is not None and flow.accepts_files(state)

    def handle(
        self,
        event: IncomingEvent,
        *,
        inbound_id: int | None = None,
        unmarked: Callable[[int], None] | None = None,
    ) -> list[Reply]:
        """The replies to `event`, after its work is committed. `inbound_id`: the stored
        update it came from (storage.inbound), marked handled in this same transaction, so a
        crash leaves both done or neither: never handled twice, never lost.

        `unmarked`: when the handlers wrote nothing (a /help, a question answered from the
        database), the update is not marked here but handed to `unmarked` after the commit,
        for the adapter to mark with others in one later write: a crash before that write
        answers it again after the restart, which changes nothing but a repeated reply. An
        update whose handlers wrote anything is always marked here, with their work."""
        deferred = False
        try:
            with transaction(self.make_session) as session:
                replies = self._handle_in(session, event)
                if inbound_id is None:
                    return replies
                if unmarked is not None and wrote_nothing(session):
                    deferred = True
                elif not inbound_store.mark_handled(
                    session, update_id=inbound_id, now=self.clock.now()
                ):
                    raise AlreadyHandled  # by another process meanwhile: undo this work
            if deferred and unmarked is not None and inbound_id is not None:
                unmarked(inbound_id)
            return replies
        except AlreadyHandled:
            log.info("update %s was handled elsewhere; dropped", inbound_id)
            return []
        except Exception as error:
            # Exception messages may quote what the user typed (a database error its SQL
            # parameters): log the types and the stack only, never the text.
            log.error(
                "handling failed: channel=%s user=%s chat=%s: %s\n%s",
                event.channel,
                event.user_id,
                event.chat_id,
                describe_chain(error),
                "".join(traceback.format_tb(error.__traceback__)).rstrip(),
            )
            self._audit_failure(event, inbound_id)
            return [Reply(translate("error.internal", self.config.language))]

    def _handle_in(self, session: Session, event: IncomingEvent) -> list[Reply]:
        received = event.attachment.received if event.attachment else None
        # The file's journal row closes with this transaction; a second hand-over of the same
        # arrival (recovered by two processes) finds it gone.
        if (
            received is not None
            and received.intake_id is not None
            and not journal.claim(session, intake_id=received.intake_id)
        ):
            return []
        actor = resolve_actor(session, event=event, config=self.config)
        if actor.identity is not None and not actor.identity.reachable:
            # They wrote to us, so the bot can write to them again (unblocked).
            actor.identity.reachable = True
        ctx = Context(session, event, actor, self.config, self.clock, self.registry, self.links)
        return self._route(ctx)

    def _audit_failure(self, event: IncomingEvent, inbound_id: int | None) -> None:
        """Record the failure; the update is then handled (its sender got the apology), so a
        restart does not answer it a second time."""
        try:
            with transaction(self.make_session) as session:
                if inbound_id is not None:
                    inbound_store.mark_handled(
                        session, update_id=inbound_id, now=self.clock.now(), error="handlers failed"
                    )
                audit.record(
                    session,
                    clock=self.clock,
                    action="handle",
                    outcome="error",
                    channel=event.channel,
                    external_id=event.user_id,
                )
        except Exception:  # the database itself may be what failed
            log.exception("could not audit the failure")

    def _route(self, ctx: Context) -> list[Reply]:
        event = ctx.event
        text = (event.text or "").strip()
        choice = event.choice
        if choice is not None and choice.startswith("/"):
            text, choice = choice, None
        state = ctx.state
        if event.channel == "telegram" and addressed_elsewhere(text, self.links.telegram_username):
            return []
        command = parse_command(text) if text else None

        if command is not None:
            name, args = command
            flow = self.registry.flows.get(state.flow) if state else None
            if state is not None and flow is not None and name in flow.commands:
                if not may_continue(self.registry, ctx, ctx.actor, state):
                    return self._role_ended(ctx, state)
                return flow.on_input(ctx, state, event)
            replies = self._run_command(ctx, name, args)
            remember_menu(ctx, replies)  # its options then work by number or label too
            return replies

        if state is not None:
            flow = self.registry.flows.get(state.flow)
            if flow is None:  # a flow from an older version of the bot: drop it
                ctx.end_flow()
            elif not may_continue(self.registry, ctx, ctx.actor, state):
                return self._role_ended(ctx, state)
            else:
                if choice is None and text:
                    choice = self._numbered_choice(state, text)
                if choice is not None:
                    if not self._offered(state, choice):
                        return [Reply(ctx.t("stale.option"))]
                    event = IncomingEvent(
                        event.channel,
                        event.user_id,
                        event.chat_id,
                        text=None,
                        choice=choice,
                        user_name=event.user_name,
                    )
                    ctx.event = event
                return flow.on_input(ctx, state, event)

        if choice is not None:
            return [Reply(ctx.t("stale.option"))]
        if event.attachment is not None:
            return [Reply(ctx.t("attachment.unexpected"))]
        return [Reply(ctx.t("unknown.text"))]

    @staticmethod
    def _role_ended(ctx: Context, state: ConversationState) -> list[Reply]:
        """The role the conversation needs ended since it began: stop it, say why."""
        ctx.audit(f"flow:{state.flow}", "refused", step=state.step, roles=sorted(ctx.actor.roles))
        ctx.end_flow()
        return [Reply(ctx.t("flow.role_ended"))]

    def _run_command(self, ctx: Context, name: str, args: str) -> list[Reply]:
        return run_command(ctx, name, args)

    @staticmethod
    def _numbered_choice(state: ConversationState, text: str) -> str | None:
        """'2' or the option's own label picks that option; anything else stays text."""
        options = state.data.get(OPTIONS_KEY) or []
        if text.isdigit() and 1 <= int(text) <= len(options):
            return str(options[int(text) - 1][1])
        wanted = normalise_name(text)
        for label, value in options:
            if normalise_name(str(label)) == wanted:
                return str(value)
        return None

    @staticmethod
    def _offered(state: ConversationState, choice: str) -> bool:
        options = state.data.get(OPTIONS_KEY) or []
        return any(str(value) == choice for _label, value in options)
