"""Updates from different chats are handled at the same time; one chat's updates in order.

A conversation's state lives in the database, so two messages of one chat must not race;
meanwhile a slow answer for one person must not hold up everyone else.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.adapter import ChatLocks


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """PTB starts a task per update in arrival order; each task takes its chat's lock (FIFO)
    before running, so a chat's updates run one after another, in order."""

    def __init__(self, max_concurrent_updates: int = 1024) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = ChatLocks()
        self.last_update: float | None = None  # monotonic; a webhook channel's sign of life

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.last_update = time.monotonic()
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        async with self._locks.hold(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
