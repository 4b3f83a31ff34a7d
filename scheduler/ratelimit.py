"""Per-channel send limits (Telegram: 30 messages/s overall, 1/s per chat, 20/min per group).

Sliding windows over the instants sends were let through, so at most `count` sends fall in any
window of `seconds`; a small margin absorbs the jitter between letting a send through here and
its arrival at the platform. Time and sleep are injected: tests never really wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    count: int = 30  # sends per window, over all chats
    seconds: float = 1.0
    per_chat_interval: float = 1.0  # between two sends to one chat
    group_count: int = 20  # per group chat (Telegram group ids start with "-")
    group_seconds: float = 60.0
    margin: float = 0.03  # windows are this fraction longer than the platform's

    @property
    def rate(self) -> float:
        return self.count / self.seconds


DEFAULT_LIMITS: dict[str, RateLimit] = {
    "telegram": RateLimit(),
    # Zalo publishes no rate; stay well below Telegram's, the free plan's quota is monthly anyway.
    "zalo": RateLimit(count=10, seconds=1.0),
    "console": RateLimit(count=1000, seconds=1.0, per_chat_interval=0.0),
}


class _Window:
    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self.times: deque[float] = deque(maxlen=count)

    def wait(self, now: float) -> float:
        if self.count <= 0 or len(self.times) < self.count:
            return 0.0
        return self.times[0] + self.seconds - now

    def record(self, now: float) -> None:
        if self.count > 0:
            self.times.append(now)


class RateLimiter:
    def __init__(
        self,
        limit: RateLimit,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self._now = now
        self._sleep = sleep
        stretch = 1 + limit.margin
        self._overall = _Window(limit.count, limit.seconds * stretch)
        self._chat_interval = limit.per_chat_interval * stretch
        self._chat_last: dict[str, float] = {}
        self._groups: dict[str, _Window] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """The platform said 'retry after': nothing goes out on this channel until then."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def _wait(self, chat_id: str, now: float) -> float:
        waits = [self._paused_until - now, self._overall.wait(now)]
        last = self._chat_last.get(chat_id)
        if last is not None:
            waits.append(last + self._chat_interval - now)
        group = self._groups.get(chat_id)
        if group is not None:
            waits.append(group.wait(now))
        return max(waits)

    async def acquire(self, chat_id: str) -> None:
        """Wait until a send to `chat_id` keeps within every limit, and count it."""
        while True:
            now = self._now()
            wait = self._wait(chat_id, now)
            if wait <= 0:
                break
            await self._sleep(wait)
        self._overall.record(now)
        self._chat_last[chat_id] = now
        if chat_id.startswith("-"):
            group = self._groups.setdefault(
                chat_id,
                _Window(self.limit.group_count, self.limit.group_seconds * (1 + self.limit.margin)),
            )
            group.record(now)
        if len(self._chat_last) > 50_000:  # forget chats whose interval has long passed
            horizon = now - self._chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}
