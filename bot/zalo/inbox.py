"""Store first, handle next: the way every Zalo update comes in (polling or webhook).

Zalo forgets an update as soon as it hands it over, so it is written to `inbound_update`
(committed) before anything else; only then is it handled. A duplicate (same event and message
id) is not stored again, so it is handled once. On start-up, updates stored but not handled (the
bot stopped in between) are handled first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.zalo.inbound import CHANNEL, chat_of, update_key
from bot.zalo.processor import ChatProcessor
from storage import inbound as store
from storage.clock import Clock
from storage.db import SessionFactory, transaction

log = logging.getLogger(__name__)

Handle = Callable[[int, str, dict[str, Any]], Awaitable[None]]
AfterStore = Callable[[str], None]


class Inbox:
    def __init__(
        self,
        make_session: SessionFactory,
        *,
        clock: Clock,
        handle: Handle,
        processor: ChatProcessor,
        after_store: AfterStore | None = None,
    ) -> None:
        self.make_session = make_session
        self.clock = clock
        self.handle = handle
        self.processor = processor
        self.after_store = after_store
        self.last_update: float | None = None

    async def accept(self, update: dict[str, Any]) -> bool:
        """Store the update and queue its handling; False for a duplicate. Raises when it
        could not be stored (the webhook then answers 500, so Zalo may send it again)."""
        self.last_update = time.monotonic()  # a webhook channel's sign of life (health)
        key = update_key(update)
        update_id = await asyncio.to_thread(self._store, key, update)
        if update_id is None:
            log.info("Zalo update %s arrived again; dropped", key)
            return False
        if self.after_store is not None:
            self.after_store(key)
        self._submit(update_id, key, update)
        return True

    async def recover(self) -> int:
        """Queue every update stored but not handled (oldest first); returns how many."""
        rows = await asyncio.to_thread(self._unhandled)
        for update_id, key, payload in rows:
            self._submit(update_id, key, payload)
        if rows:
            log.info("handling %d Zalo update(s) kept from before the restart", len(rows))
        return len(rows)

    def _submit(self, update_id: int, key: str, update: dict[str, Any]) -> None:
        chat = chat_of(update) or key

        async def work() -> None:
            await self.handle(update_id, key, update)

        self.processor.submit(chat, work)

    def _store(self, key: str, update: dict[str, Any]) -> int | None:
        with transaction(self.make_session) as session:
            row = store.store_update(
                session, channel=CHANNEL, update_key=key, payload=update, clock=self.clock
            )
            return row.id if row is not None else None

    def _unhandled(self) -> list[tuple[int, str, dict[str, Any]]]:
        with self.make_session() as session:
            return [
                (row.id or 0, row.update_key, dict(row.payload))
                for row in store.unhandled(session, channel=CHANNEL)
            ]
