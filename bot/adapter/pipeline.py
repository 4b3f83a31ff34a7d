"""One stored update, start to finish: map it (the channel), keep a file the conversation waits
for (`prepare`: bot.intake), run the handlers off the event loop (they mark the update handled
in their own transaction), answer. A slow answer shows "typing…"; a reply the channel will not
take now is kept in the outbox and sent later; a user who blocked the bot is marked unreachable
and the secretariat told.

A channel subclasses `UpdatePipeline` and supplies `send`, `judge`, `later_parts`, `typing`
and `blocked_notice`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

from bot.adapter import notices
from bot.adapter.failures import Failure, SendFailed, Verdict
from bot.adapter.inbox import Inbox
from bot.adapter.outbox import Options, keep_in_outbox
from bot.app import App
from handlers.events import IncomingEvent, Reply

log = logging.getLogger(__name__)

Prepare = Callable[[IncomingEvent], Awaitable[IncomingEvent]]  # bot.intake: keep files first


class Inbound(Protocol):
    """What a channel read from an update: an event for the handlers, or an `answer` the
    adapter gives itself (an unsupported message, a file too large)."""

    @property
    def chat_id(self) -> Hashable: ...
    @property
    def event(self) -> IncomingEvent | None: ...
    @property
    def answer(self) -> str | None: ...


@dataclass(frozen=True)
class Handled:
    replies: list[Reply]
    # Run once every reply went out (Telegram: the sender's command menu for their roles).
    after: Callable[[], Awaitable[None]] | None = None


class UpdatePipeline(ABC):
    channel: str

    def __init__(
        self,
        app: App,
        *,
        inbox: Inbox,
        typing_after: float,
        redact: Callable[[str], str],
        prepare: Prepare | None = None,
    ) -> None:
        self.app = app
        self.inbox = inbox
        self.typing_after = typing_after
        self.redact = redact
        self.prepare = prepare
        self.language = app.dispatcher.config.language
        self._background: set[asyncio.Task[None]] = set()
        self._in_hand = 0  # updates in the handlers now

    # --- what the channel supplies ----------------------------------------------------------

    @abstractmethod
    async def send(self, chat_id: Hashable, reply: Reply) -> None:
        """Send one reply; raises SendFailed (with the channel's own error as `cause`)."""

    @abstractmethod
    async def judge(self, chat_id: Hashable, failed: SendFailed) -> Failure:
        """What a failed send means."""

    @abstractmethod
    async def later_parts(
        self, chat_id: Hashable, failed: SendFailed, rest: list[Reply]
    ) -> list[tuple[str, Options]]:
        """The messages to keep in the outbox: what `failed` left unsent and the replies after."""

    @abstractmethod
    async def typing(self, chat_id: Hashable) -> None:
        """Show "typing…"; never raises."""

    @abstractmethod
    def blocked_notice(self, who: str) -> str:
        """The secretariat's notice that `who` blocked the bot, in the channel's words."""

    async def refused(self, chat_id: Hashable, key: str, failed: SendFailed) -> None:
        log.error(
            "%s refused the reply to %s in chat %s: %s",
            self.channel,
            key,
            chat_id,
            self.redact(str(failed.cause)),
        )

    # --- the pipeline -----------------------------------------------------------------------

    async def run(self, inbound: Inbound | None, *, inbound_id: int | None, key: str) -> None:
        """Handle one update. Raises when it broke off before the handlers committed (the
        channel decides whether to apologise); the update then stays unhandled."""
        if inbound is None or inbound.event is None:
            if inbound_id is not None:
                await self.inbox.mark(inbound_id)
            if inbound is not None and inbound.answer:
                await self.reply(inbound.chat_id, key, [Reply(inbound.answer)])
            return
        event = inbound.event if self.prepare is None else await self.prepare(inbound.event)
        handled = await self.dispatch(inbound.chat_id, event, inbound_id)
        if await self.reply(inbound.chat_id, key, handled.replies) and handled.after is not None:
            await handled.after()

    async def dispatch(
        self, chat_id: Hashable, event: IncomingEvent, inbound_id: int | None
    ) -> Handled:
        """The handlers run in a worker thread; a slow answer shows 'typing…' meanwhile."""
        loop = asyncio.get_running_loop()
        typing = loop.call_later(self.typing_after, self._show_typing, chat_id)
        work = functools.partial(self.handle_sync, chat_id, event, inbound_id)
        self._in_hand += 1
        try:
            # run_in_executor, not to_thread: no context copy per update.
            return await loop.run_in_executor(None, work)
        finally:
            typing.cancel()
            self._in_hand -= 1
            if self._in_hand == 0:  # quiet: mark what changed nothing soon
                self.inbox.flush_when_idle()

    def handle_sync(
        self, chat_id: Hashable, event: IncomingEvent, inbound_id: int | None
    ) -> Handled:
        """In the worker thread."""
        return Handled(
            self.app.dispatcher.handle(
                event, inbound_id=inbound_id, unmarked=self.inbox.defer_mark
            )
        )

    async def reply(self, chat_id: Hashable, key: str, replies: list[Reply]) -> bool:
        """Send every reply; True when all went out."""
        for index, reply in enumerate(replies):
            try:
                await self.send(chat_id, reply)
            except SendFailed as failed:
                await self._failed(chat_id, key, failed, replies[index + 1 :])
                return False
        return True

    async def _failed(
        self, chat_id: Hashable, key: str, failed: SendFailed, rest: list[Reply]
    ) -> None:
        failure = await self.judge(chat_id, failed)
        if failure.verdict is Verdict.BLOCKED:
            await self.blocked(chat_id)
        elif failure.verdict is Verdict.LATER:
            parts = await self.later_parts(chat_id, failed, rest)
            log.warning(
                "%s did not take the reply to %s (%s); %d message(s) kept in the outbox",
                self.channel,
                key,
                self.redact(str(failed.cause)),
                len(parts),
            )
            await asyncio.to_thread(
                keep_in_outbox,
                self.app,
                channel=self.channel,
                chat_id=str(chat_id),
                key=f"reply:{self.channel}:{chat_id}:{key}",
                parts=parts,
                delay=failure.delay,
            )
        else:
            await self.refused(chat_id, key, failed)

    async def blocked(self, chat_id: Hashable) -> None:
        await notices.blocked(
            self.app, channel=self.channel, chat_id=str(chat_id), notice=self.blocked_notice
        )

    def _show_typing(self, chat_id: Hashable) -> None:
        task = asyncio.create_task(self.typing(chat_id))
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)
