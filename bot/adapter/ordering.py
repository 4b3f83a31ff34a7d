"""Updates of different chats are handled at the same time; one chat's updates in order.

A conversation's state lives in the database, so two messages of one chat must not race;
meanwhile a slow answer for one person must not hold up everyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


class ChatLocks:
    """One FIFO lock per chat, forgotten when nobody waits for it any more."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._users: dict[Hashable, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:  # nobody else queued for this chat: forget its lock
                del self._users[chat], self._locks[chat]


class ChatProcessor:
    """Runs submitted work as tasks, one chat's work one after another in submission order."""

    def __init__(self, name: str = "chat") -> None:
        self.name = name
        self._locks = ChatLocks()
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, chat_id: Hashable, work: Work) -> asyncio.Task[None]:
        """Run `work` after every earlier submission for the same chat."""
        # Tasks start in creation order and the lock queues waiters FIFO: order is kept.
        task = asyncio.create_task(self._run(chat_id, work), name=f"{self.name}-{chat_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, chat_id: Hashable, work: Work) -> None:
        try:
            async with self._locks.hold(chat_id):
                await work()
        except Exception:
            log.exception("handling an update of chat %s failed", chat_id)

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> None:
        """Let work in hand finish (up to `timeout`), then cancel what is left; a cancelled
        update stays stored and unhandled, and is handled on the next start."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
