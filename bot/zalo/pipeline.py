"""One stored Zalo update through the shared pipeline (`bot.adapter`): what is Zalo's own is how
it sends, how its errors are judged, and how a reply it did not take is kept (as one message,
which the sender splits again, so its parts keep their order)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from bot.adapter import Failure, SendFailed, UpdatePipeline, Verdict
from bot.adapter.inbox import Inbox
from bot.adapter.outbox import Options
from bot.adapter.pipeline import Prepare
from bot.app import App
from bot.zalo.errors import ZaloError, ZaloForbidden, ZaloRateLimited, is_transient
from bot.zalo.inbound import CHANNEL, read_update
from bot.zalo.sender import ZaloSender, ZaloSendFailed
from bot.zalo.texts import text
from handlers.events import Reply

log = logging.getLogger(__name__)

SERVER_RETRY_AFTER = 30.0

Quota = Callable[[], Awaitable[None]]


class ZaloPipeline(UpdatePipeline):
    channel = CHANNEL

    def __init__(
        self,
        app: App,
        *,
        inbox: Inbox,
        sender: ZaloSender,
        on_quota: Quota,
        typing_after: float,
        redact: Callable[[str], str],
        prepare: Prepare | None = None,
    ) -> None:
        super().__init__(
            app, inbox=inbox, typing_after=typing_after, redact=redact, prepare=prepare
        )
        self.sender = sender
        self.on_quota = on_quota

    async def handle(self, key: str, update: dict[str, Any]) -> None:
        """Handle a stored update once (a duplicate is not taken twice)."""
        inbound_id = self.inbox.take(key)
        if inbound_id is None:
            return
        try:
            await self.run(read_update(update, self.language), inbound_id=inbound_id, key=key)
        except Exception as error:  # the database is gone: keep it for the next start
            log.error("Zalo update %s not handled: %s", key, type(error).__name__)
            await self.inbox.failed(inbound_id, repr(error))

    async def send(self, chat_id: Hashable, reply: Reply) -> None:
        await self.sender.send(str(chat_id), reply)

    async def judge(self, chat_id: Hashable, failed: SendFailed) -> Failure:
        return await judge(failed.cause, self.on_quota)

    async def later_parts(
        self, chat_id: Hashable, failed: SendFailed, rest: list[Reply]
    ) -> list[tuple[str, Options]]:
        assert isinstance(failed, ZaloSendFailed)
        # A reply's parts were cut at line ends: joined by one, they split the same way again.
        pieces = ["\n".join(failed.unsent)]
        for reply in rest:
            pieces.append("\n".join(await self.sender.texts(str(chat_id), reply)))
        return [("\n\n".join(pieces), [])]

    async def typing(self, chat_id: Hashable) -> None:
        try:
            await self.sender.client.send_chat_action(str(chat_id))
        except ZaloError as error:
            log.debug("typing indicator failed: %s", error)

    def blocked_notice(self, who: str) -> str:
        return text("blocked.notice", self.language, who=who)


async def judge(cause: Exception, on_quota: Quota) -> Failure:
    """Zalo's errors: 403 is a block; quota, rate and Zalo's own failures pass later."""
    if isinstance(cause, ZaloForbidden):
        return Failure(Verdict.BLOCKED)
    if not isinstance(cause, ZaloError) or not is_transient(cause):
        return Failure(Verdict.REFUSED)
    if isinstance(cause, ZaloRateLimited) and cause.quota:
        await on_quota()
    delay = cause.retry_after if isinstance(cause, ZaloRateLimited) else SERVER_RETRY_AFTER
    return Failure(Verdict.LATER, delay)
