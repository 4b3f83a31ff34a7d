"""Store first, handle next: every update a channel receives is written to `inbound_update`
(committed) before it is acknowledged to the platform and before it is handled. The handlers
mark it handled in their own transaction (`Dispatcher.handle(..., inbound_id=)`), so a crash
between receiving and handling loses nothing, and an update that arrives twice is stored, and
handled, once. At start-up the updates a stop left unhandled are handled first.

An update whose handlers wrote nothing (a /help, a question answered from the database) is not
marked in a write of its own: it is marked with the next batch stored, or IDLE_MARK_DELAY
after the channel last had an update in hand (`defer_mark`, `flush_when_idle`). A write per such
message cost about a sixth of what it costs on SQLite under load
(bench/telegram_throughput.py). A crash in that window answers it again after the restart: a
repeated reply, nothing changed twice. An update whose handlers wrote is marked with their
work, always.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import Any

from storage import inbound as store
from storage.clock import Clock
from storage.db import SessionFactory, transaction

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # an update whose handling was cut short this often is set aside
# Seconds without an update in hand before the deferred marks are written on their own: under
# load the next stored batch takes them (no write of their own); when quiet, soon after.
IDLE_MARK_DELAY = 0.2


@dataclass(frozen=True)
class StoredUpdate:
    id: int
    key: str
    payload: dict[str, Any]


class Inbox:
    def __init__(
        self, make_session: SessionFactory, *, clock: Clock, channel: str, max_attempts: int
    ) -> None:
        self.make_session = make_session
        self.clock = clock
        self.channel = channel
        self.max_attempts = max_attempts
        self._waiting: dict[str, int] = {}  # stored by this process, not yet taken to handle
        self._unmarked: list[int] = []  # handled, nothing written: to mark with the next write
        self._unmarked_lock = threading.Lock()  # appended to from the handlers' threads
        self._idle_timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    async def keep(self, batch: list[tuple[str, dict[str, Any]]]) -> list[int | None]:
        """Store a batch `(key, payload)` in one transaction; each one's row id, None for a
        duplicate. Raises when the database did not take them (nothing is acknowledged then)."""
        ids = await asyncio.get_running_loop().run_in_executor(None, self._store, batch)
        for (key, _payload), row_id in zip(batch, ids, strict=True):
            if row_id is not None:
                self._waiting[key] = row_id
        return ids

    def defer_mark(self, update_id: int) -> None:
        """(In a worker thread) handled, and its handlers wrote nothing: marked handled with
        the next batch stored or by `flush` (`Dispatcher.handle(..., unmarked=)`)."""
        with self._unmarked_lock:
            self._unmarked.append(update_id)

    def flush_when_idle(self) -> None:
        """No update in hand: mark the deferred ones in IDLE_MARK_DELAY (a batch stored
        meanwhile takes them first)."""
        if self._idle_timer is None and self._unmarked:
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(IDLE_MARK_DELAY, self._flush_in_background)

    def _flush_in_background(self) -> None:
        self._idle_timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._flushing.add(task)  # keep a reference until it is done
        task.add_done_callback(self._flushing.discard)

    async def flush(self) -> None:
        """Mark every deferred update now (also when the channel stops)."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        ids = self._take_unmarked()
        if not ids:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._mark_many, ids)
        except Exception:
            self._give_back(ids)
            log.exception("could not mark %d %s update(s) handled", len(ids), self.channel)

    def _take_unmarked(self) -> list[int]:
        with self._unmarked_lock:
            ids, self._unmarked = self._unmarked, []
        return ids

    def _give_back(self, ids: list[int]) -> None:
        with self._unmarked_lock:
            self._unmarked[:0] = ids

    def take(self, key: str) -> int | None:
        """The row id of an update stored and not yet handled here, once: None for a
        duplicate (stored before, or being handled already)."""
        return self._waiting.pop(key, None)

    async def recover(self) -> list[StoredUpdate]:
        """Updates stored but not handled when the process stopped, oldest first; each is
        waiting to be taken. One tried too often is set aside instead (and logged)."""
        rows = await asyncio.to_thread(self._unhandled)
        for row in rows:
            self._waiting[row.key] = row.id
        if rows:
            log.info(
                "handling %d %s update(s) kept from before the restart", len(rows), self.channel
            )
        return rows

    async def mark(self, update_id: int, error: str = "") -> None:
        """Handled without the handlers (nothing for them in it)."""
        await asyncio.to_thread(self._mark, update_id, error)

    async def failed(self, update_id: int, error: str) -> None:
        """Handling broke off: the update stays unhandled (tried again at the next start)."""
        try:
            await asyncio.to_thread(self._record_error, update_id, error)
        except Exception:
            log.exception("could not record why %s update %s failed", self.channel, update_id)

    # --- in worker threads ------------------------------------------------------------------

    def _store(self, batch: list[tuple[str, dict[str, Any]]]) -> list[int | None]:
        handled = self._take_unmarked()  # marked in the same write: no transaction of their own
        try:
            with transaction(self.make_session) as session:
                kept = store.store_updates(
                    session, channel=self.channel, updates=batch, clock=self.clock
                )
                store.mark_many_handled(session, update_ids=handled, now=self.clock.now())
                return kept
        except BaseException:
            self._give_back(handled)
            raise

    def _mark_many(self, ids: list[int]) -> None:
        with transaction(self.make_session) as session:
            store.mark_many_handled(session, update_ids=ids, now=self.clock.now())

    def _unhandled(self) -> list[StoredUpdate]:
        with transaction(self.make_session) as session:
            rows = store.take_unhandled(
                session,
                channel=self.channel,
                max_attempts=self.max_attempts,
                now=self.clock.now(),
            )
            return [StoredUpdate(row.id or 0, row.update_key, dict(row.payload)) for row in rows]

    def _mark(self, update_id: int, error: str) -> None:
        with transaction(self.make_session) as session:
            store.mark_handled(session, update_id=update_id, now=self.clock.now(), error=error)

    def _record_error(self, update_id: int, error: str) -> None:
        with transaction(self.make_session) as session:
            store.record_error(session, update_id=update_id, error=error)
