"""Send a handler's Reply to a Zalo chat: options numbered, files as links, text split at
2,000 characters, sends paced lightly (Zalo publishes no rate; its quota is per month)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.adapter.failures import SendFailed
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloError
from bot.zalo.files import FilePublisher
from bot.zalo.outbound import plan_texts
from bot.zalo.texts import text
from handlers.events import Reply
from handlers.messages import Language


class ZaloSendFailed(SendFailed):
    """A message could not be sent; `unsent` are its text and the rest, `sent` how many of
    the reply's messages went out before it."""

    def __init__(self, cause: ZaloError, unsent: list[str], sent: int) -> None:
        super().__init__(cause)
        self.cause: ZaloError = cause
        self.unsent = unsent
        self.sent = sent


class Pacing:
    """At least `interval` seconds between two sends of this process."""

    def __init__(
        self,
        interval: float,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        async with self._lock:
            loop = asyncio.get_running_loop()
            delay = self._next - loop.time()
            if delay > 0:
                await self._sleep(delay)
            self._next = loop.time() + self.interval


class ZaloSender:
    def __init__(
        self, client: ZaloClient, files: FilePublisher, pacing: Pacing, language: Language
    ) -> None:
        self.client = client
        self.files = files
        self.pacing = pacing
        self.language = language

    async def texts(self, chat_id: str, reply: Reply) -> list[str]:
        """The messages for one reply; a file is published first and becomes a link line."""
        body = reply.text
        if reply.file is not None:
            line = await asyncio.to_thread(self.files.publish, reply.file, chat_id=chat_id)
            body = f"{body.rstrip()}\n\n{line}" if body.strip() else line
        return plan_texts(body, reply.options, hint=text("options.hint", self.language))

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.send_texts(chat_id, await self.texts(chat_id, reply))

    async def send_texts(self, chat_id: str, texts: list[str]) -> None:
        for index, message in enumerate(texts):
            await self.pacing.wait()
            try:
                await self.client.send_message(chat_id, message)
            except ZaloError as error:
                raise ZaloSendFailed(error, texts[index:], index) from None
