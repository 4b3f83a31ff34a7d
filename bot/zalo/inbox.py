"""Every Zalo update comes in here (polling or webhook): stored first (`bot.adapter.Inbox`;
Zalo forgets an update as soon as it hands it over), then handled in its chat's turn. A
duplicate (same event and message id) is not stored again, so it is handled once. On start-up,
updates stored but not handled (the bot stopped in between) are queued first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.adapter import ChatProcessor
from bot.adapter.inbox import Inbox
from bot.zalo.inbound import chat_of, update_key

log = logging.getLogger(__name__)

Handle = Callable[[str, dict[str, Any]], Awaitable[None]]
AfterStore = Callable[[str], None]


class ZaloInbox:
    def __init__(
        self,
        store: Inbox,
        *,
        handle: Handle,
        processor: ChatProcessor,
        after_store: AfterStore | None = None,
    ) -> None:
        self.store = store
        self.handle = handle
        self.processor = processor
        self.after_store = after_store
        self.last_update: float | None = None

    async def accept(self, update: dict[str, Any]) -> bool:
        """Store the update and queue its handling; False for a duplicate. Raises when it
        could not be stored (the webhook then answers 500, so Zalo may send it again)."""
        self.last_update = time.monotonic()  # a webhook channel's sign of life (health)
        key = update_key(update)
        (update_id,) = await self.store.keep([(key, update)])
        if update_id is None:
            log.info("Zalo update %s arrived again; dropped", key)
            return False
        if self.after_store is not None:
            self.after_store(key)
        self._submit(key, update)
        return True

    async def recover(self) -> int:
        """Queue every update stored but not handled (oldest first); returns how many."""
        rows = await self.store.recover()
        for row in rows:
            self._submit(row.key, row.payload)
        return len(rows)

    def _submit(self, key: str, update: dict[str, Any]) -> None:
        async def work() -> None:
            await self.handle(key, update)

        self.processor.submit(chat_of(update) or key, work)
