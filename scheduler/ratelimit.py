"""Per-channel send limits (Telegram: 30 messages/s overall, 1/s per chat, 20/min per group).

The platform counts a message when it arrives, which is somewhere between the moment we let it
go and the moment its answer comes back. So a send counts from its grant until it is `done`,
and from then on at the instant it finished: a new send is let through only when fewer than
`count` sends are in flight or finished within the last `seconds`. However the network delays
each request, no window of the platform's can then see more than `count` arrivals. Grants are
also paced evenly, so no burst queues up at the platform.

Time and sleep are injected: tests never really wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

IN_FLIGHT = float("inf")
FREED = float("-inf")
POLL = 0.01  # seconds to wait when only a send still in flight blocks the way
EPSILON = 1e-6


@dataclass(frozen=True)
class RateLimit:
    count: int = 30  # sends per window, over all chats
    seconds: float = 1.0
    per_chat_interval: float = 1.0  # between two sends to one chat
    group_count: int = 20  # per group chat (Telegram group ids start with "-")
    group_seconds: float = 60.0
    margin: float = 0.01  # windows this fraction longer than the platform's (timer rounding)

    @property
    def rate(self) -> float:
        return self.count / self.seconds


DEFAULT_LIMITS: dict[str, RateLimit] = {
    "telegram": RateLimit(),
    # Zalo publishes no rate; stay well below Telegram's, the free plan's quota is monthly anyway.
    "zalo": RateLimit(count=10, seconds=1.0),
    "console": RateLimit(count=1000, seconds=1.0, per_chat_interval=0.0),
}


class Slot:
    """One granted send: in flight until `done`, then counted at the instant it finished."""

    __slots__ = ("at",)

    def __init__(self) -> None:
        self.at = IN_FLIGHT


class _Window:
    """Fewer than `count` slots in flight or finished within the last `seconds`."""

    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self.slots: list[Slot] = []

    def wait(self, now: float) -> float:
        if self.count <= 0:
            return 0.0
        horizon = now - self.seconds
        self.slots = [s for s in self.slots if s.at > horizon]
        if len(self.slots) < self.count:
            return 0.0
        # Wait for enough of them to age out of the window.
        blocking = sorted(s.at for s in self.slots)[len(self.slots) - self.count]
        return POLL if blocking == IN_FLIGHT else blocking - horizon

    def record(self, slot: Slot) -> None:
        if self.count > 0:
            self.slots.append(slot)


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
        self._spacing = limit.seconds * stretch / limit.count if limit.count > 0 else 0.0
        # Pacing follows a schedule (the next grant's due instant), so that a sleep waking a
        # little late does not push every later grant back.
        self._next_grant = FREED
        self._chat_interval = limit.per_chat_interval * stretch
        self._chat_last: dict[str, Slot] = {}
        self._group_seconds = limit.group_seconds * stretch
        self._groups: dict[str, _Window] = {}
        self._paused_until = 0.0
        self._chat_paused_until: dict[str, float] = {}

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """The platform said 'retry after': nothing goes out until then, on the whole channel,
        or (a 429 for one chat) to `chat_id` only, while other chats go on."""
        until = self._now() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
            return
        self._chat_paused_until[chat_id] = max(self._chat_paused_until.get(chat_id, 0.0), until)

    def _wait(self, chat_id: str, now: float) -> float:
        waits = [self._paused_until - now, self._next_grant - now, self._overall.wait(now)]
        chat_pause = self._chat_paused_until.get(chat_id)
        if chat_pause is not None:
            if chat_pause <= now:
                del self._chat_paused_until[chat_id]
            else:
                waits.append(chat_pause - now)
        last = self._chat_last.get(chat_id)
        if last is not None:
            waits.append(POLL if last.at == IN_FLIGHT else last.at + self._chat_interval - now)
        group = self._groups.get(chat_id)
        if group is not None:
            waits.append(group.wait(now))
        return max(waits)

    async def acquire(self, chat_id: str) -> Slot:
        """Wait until a send to `chat_id` keeps within every limit; the caller must then call
        `done` (or `release` if it did not send)."""
        while True:
            now = self._now()
            wait = self._wait(chat_id, now)
            if wait <= EPSILON:  # float rounding must not make us sleep for nothing, forever
                break
            await self._sleep(wait)
        slot = Slot()
        self._overall.record(slot)
        due = self._next_grant if now - self._next_grant < self._spacing else now
        self._next_grant = due + self._spacing
        self._chat_last[chat_id] = slot
        if chat_id.startswith("-"):
            window = self._groups.setdefault(
                chat_id, _Window(self.limit.group_count, self._group_seconds)
            )
            window.record(slot)
        if len(self._chat_last) > 50_000:  # forget chats whose interval has long passed
            horizon = now - self._chat_interval
            self._chat_last = {c: s for c, s in self._chat_last.items() if s.at > horizon}
        return slot

    def done(self, slot: Slot) -> None:
        """The send finished (answered or failed): it counts at this instant from now on."""
        slot.at = self._now()

    def release(self, slot: Slot) -> None:
        """Nothing was sent with this slot (another process had the row)."""
        slot.at = FREED
