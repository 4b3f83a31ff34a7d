"""Long polling: ask Zalo for the next update, store it, ask again.

An empty poll (408) is the normal answer of a quiet minute. Other failures wait a little
longer each time (up to `retry_max`), so a Zalo outage is not hammered; a wrong token is
logged loudly and retried slowly (the operator may fix it without a restart of Zalo's side).
Run one poller per token: two would each get only some of the updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloEmptyPoll, ZaloError, ZaloRateLimited, ZaloUnauthorized
from bot.zalo.inbox import ZaloInbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollSettings:
    timeout: int = 30  # seconds Zalo holds a poll open waiting for news
    retry_base: float = 1.0
    retry_max: float = 60.0
    store_attempts: int = 3  # tries at storing a fetched update before it is given up


class Poller:
    def __init__(self, client: ZaloClient, inbox: ZaloInbox, settings: PollSettings) -> None:
        self.client = client
        self.inbox = inbox
        self.settings = settings
        self.empty_polls = 0
        self.failures = 0
        self.last_answer: float | None = None  # monotonic; Zalo answered a poll (health)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self.run(), name="zalo-polling")

    async def stop(self) -> None:
        """Stop at once: a poll in progress is cancelled (it holds nothing yet: an update is
        stored, by a worker thread that finishes on its own, before anything else)."""
        self._stop.set()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                updates = await self.client.get_updates(timeout=self.settings.timeout)
            except ZaloEmptyPoll:
                self.last_answer = time.monotonic()
                self.empty_polls += 1
                failures = 0
                continue
            except ZaloError as error:
                failures += 1
                self.failures += 1
                await self._wait(self._delay(error, failures))
                continue
            failures = 0
            self.last_answer = time.monotonic()
            for update in updates:
                await self._keep(update)

    def _delay(self, error: ZaloError, failures: int) -> float:
        settings = self.settings
        backoff = min(settings.retry_max, settings.retry_base * 2 ** (failures - 1))
        if isinstance(error, ZaloUnauthorized):
            log.error("Zalo refuses BAOCAO_ZALO_TOKEN (%s); check the token", error)
            return settings.retry_max
        if isinstance(error, ZaloRateLimited):
            log.warning("getUpdates: %s; waiting", error)
            return max(backoff, min(settings.retry_max, error.retry_after))
        log.warning("getUpdates failed (%s); retrying in %.1f s", error, backoff)
        return backoff

    async def _keep(self, update: dict[str, Any]) -> None:
        """Store (and queue) one fetched update. Zalo will not give it again, so a failing
        database is tried a few times before the update is given up (and logged)."""
        for attempt in range(1, self.settings.store_attempts + 1):
            try:
                await self.inbox.accept(update)
                return
            except Exception as error:
                log.error(
                    "could not store a Zalo update (try %d): %s", attempt, type(error).__name__
                )
                await self._wait(self.settings.retry_base * attempt)
        log.error("a Zalo update was lost: the database did not take it")

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
