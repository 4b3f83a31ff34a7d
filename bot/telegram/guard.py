"""Every Bot API request except getUpdates passes here: Telegram's flood limits and retries.

Plugged into python-telegram-bot as its rate limiter, so replies, outbox deliveries, menus and
callback answers all share one budget. A 429 on a request to one chat pauses that chat for
`retry_after` and retries, while other chats go on; a 429 on a request for no chat, or on
`GLOBAL_AFTER_CHATS` different chats within one pause, is the whole bot's and pauses every
request. Timeouts, 5xx and connection errors retry with exponential backoff; what retrying
cannot fix (400, 403, 401, 409) is raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

# Requests that put a message in a chat, and so count against the flood limits.
LIMITED_ENDPOINTS = frozenset(
    {
        "sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "sendAudio", "sendVideo",
        "sendVoice", "sendAnimation", "sendSticker", "sendLocation", "sendContact", "sendPoll",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages", "editMessageText",
        "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia",
    }
)  # fmt: skip
MAX_CHAT_LIMITERS = 1000

# Set while sending an outbox message: such a send must not be repeated when Telegram may
# already have it (no person is waiting, and the outbox can hold it for the operator instead).
AT_MOST_ONCE: ContextVar[bool] = ContextVar("telegram_send_at_most_once", default=False)

# httpx errors raised after the request may have reached Telegram (sent, no answer read).
_AFTER_SENDING = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError,
                  httpx.RemoteProtocolError)  # fmt: skip


class MaybeDelivered(NetworkError):
    """A message send failed after Telegram may have processed it; not retried."""


def may_have_been_delivered(error: NetworkError) -> bool:
    """Connect and pool errors happen before the request leaves: retrying them is safe."""
    return isinstance(error.__cause__, _AFTER_SENDING)


# Telegram does not say whether a 429 is for one chat or for the bot. One chat's is taken as
# that chat's; this many chats flooded within one wait means the bot as a whole is.
GLOBAL_AFTER_CHATS = 3


@dataclass(frozen=True)
class Limits:
    """Telegram's limits (about 30 messages/s overall, 1/s per chat, 20/min per group).
    A private chat may burst a few messages (a reply split in parts) before slowing to 1/s.
    0 turns a limit off."""

    overall_per_second: float = 30
    chat_per_second: float = 1
    chat_burst: int = 3
    group_per_minute: float = 20

    @classmethod
    def unlimited(cls) -> Limits:
        return cls(overall_per_second=0, chat_per_second=0, chat_burst=1, group_per_minute=0)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    backoff_max: float = 8.0
    # Longer flood waits are not sat out in line: the caller gets RetryAfter (the outbox stores
    # the message and tries again later).
    max_retry_after: float = 30.0

    def delay(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff * 2 ** (attempt - 1))


def opt_in_to_timedelta() -> None:
    """PTB v22 warns (an error under `-W error`) each time a RetryAfter is built, unless this
    process opts in to v23's durations as timedelta, which is all this adapter reads."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")


def retry_after_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RequestGuard(BaseRateLimiter[int]):
    def __init__(
        self,
        limits: Limits | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        redact: Callable[[str], str] = str,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        opt_in_to_timedelta()
        self.limits = limits or Limits()
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._now = now
        self._chat_pauses: dict[int | str, _ChatPause] = {}
        self._recent_floods: dict[int | str, float] = {}  # chat -> when its flood wait ends
        self._redact = redact
        self._overall: AsyncLimiter | None = None
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._pauses = 0
        self._resumed: asyncio.Event | None = None

    async def initialize(self) -> None:
        self._resumed = asyncio.Event()
        self._resumed.set()
        if self.limits.overall_per_second:
            self._overall = AsyncLimiter(self.limits.overall_per_second, 1)

    async def shutdown(self) -> None:
        self._chats.clear()
        self._groups.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id") if endpoint in LIMITED_ENDPOINTS else None
        attempt = 0
        while True:
            attempt += 1
            if self._resumed is not None:
                await self._resumed.wait()
            paused = self._chat_pauses.get(_chat_key(chat_id)) if chat_id is not None else None
            if paused is not None:
                await paused.resumed.wait()
            try:
                limiters = self._limiters(chat_id)
                if not limiters:
                    return await callback(*args, **kwargs)
                async with AsyncExitStack() as stack:
                    for limiter in limiters:
                        await stack.enter_async_context(limiter)
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                whole_bot = self._whole_bot(chat_id, wait)
                # The outbox reads this to pause one chat or the whole channel.
                error.whole_bot = whole_bot  # type: ignore[attr-defined]
                if wait > self.policy.max_retry_after or attempt >= self.policy.attempts:
                    raise
                log.warning(
                    "Telegram flood control on %s (%s): waiting %.0f s",
                    endpoint,
                    "whole bot" if whole_bot else "one chat",
                    wait,
                )
                if whole_bot:
                    await self._pause(wait)
                else:
                    await self._pause_chat(_chat_key(chat_id), wait)
            except BadRequest:
                raise  # a NetworkError subclass, but the request itself is wrong
            except NetworkError as error:  # timeouts, 5xx, connection errors
                uncertain = endpoint in LIMITED_ENDPOINTS and may_have_been_delivered(error)
                if uncertain and AT_MOST_ONCE.get():
                    log.warning(
                        "%s to chat %s got no answer after sending (%s): it may have been "
                        "delivered, so it is not resent",
                        endpoint,
                        chat_id,
                        type(error.__cause__).__name__,
                    )
                    raise MaybeDelivered(f"{endpoint}: no answer after sending") from error
                if uncertain:  # a reply someone waits for: a rare duplicate beats silence
                    log.warning(
                        "%s to chat %s got no answer after sending; resending a reply the "
                        "person is waiting for (it may arrive twice)",
                        endpoint,
                        chat_id,
                    )
                if attempt >= self.policy.attempts:
                    raise
                delay = self.policy.delay(attempt)
                log.warning(
                    "%s failed (%s: %s); retry %d of %d in %.1f s",
                    endpoint,
                    type(error).__name__,
                    self._redact(str(error)),
                    attempt,
                    self.policy.attempts - 1,
                    delay,
                )
                await self._sleep(delay)

    def _whole_bot(self, chat_id: object, wait: float) -> bool:
        """Is this 429 the bot's (every chat waits) or one chat's (only it waits)?"""
        if chat_id is None:
            return True
        now = self._now()
        self._recent_floods = {c: t for c, t in self._recent_floods.items() if t > now}
        self._recent_floods[_chat_key(chat_id)] = now + wait
        return len(self._recent_floods) >= GLOBAL_AFTER_CHATS

    async def _pause_chat(self, key: int | str, seconds: float) -> None:
        """Hold this chat's requests only; other chats go on."""
        pause = self._chat_pauses.get(key)
        if pause is None:
            pause = self._chat_pauses[key] = _ChatPause()
        pause.holders += 1
        pause.resumed.clear()
        try:
            await self._sleep(seconds)
        finally:
            pause.holders -= 1
            if pause.holders == 0:
                pause.resumed.set()
                self._chat_pauses.pop(key, None)

    async def _pause(self, seconds: float) -> None:
        """Hold every request (Telegram's flood wait is for the whole bot) while this one waits."""
        assert self._resumed is not None
        self._pauses += 1
        self._resumed.clear()
        try:
            await self._sleep(seconds)
        finally:
            self._pauses -= 1
            if self._pauses == 0:
                self._resumed.set()

    def _limiters(self, chat_id: object) -> list[AsyncLimiter]:
        """Per chat first, overall last, so a chat waiting its turn holds no shared capacity."""
        if chat_id is None:
            return []
        limiters: list[AsyncLimiter] = []
        key = _chat_key(chat_id)
        limits = self.limits
        if limits.chat_per_second:
            limiters.append(
                _limiter(
                    self._chats, key, limits.chat_burst, limits.chat_burst / limits.chat_per_second
                )
            )
        if limits.group_per_minute and _is_group(key):
            limiters.append(_limiter(self._groups, key, limits.group_per_minute, 60))
        if self._overall is not None:
            limiters.append(self._overall)
        return limiters


class _ChatPause:
    __slots__ = ("holders", "resumed")

    def __init__(self) -> None:
        self.holders = 0
        self.resumed = asyncio.Event()


def _chat_key(chat_id: object) -> int | str:
    try:
        return int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(chat_id)


def _is_group(key: int | str) -> bool:
    """Groups and channels have negative ids (or an @username); private chats positive ids."""
    return isinstance(key, str) or key < 0


def _limiter(
    table: dict[int | str, AsyncLimiter], key: int | str, rate: float, period: float
) -> AsyncLimiter:
    if len(table) > MAX_CHAT_LIMITERS:  # forget chats whose bucket has drained
        for other, limiter in list(table.items()):
            if other != key and limiter.has_capacity(limiter.max_rate):
                del table[other]
    limiter = table.get(key)
    if limiter is None:
        limiter = table[key] = AsyncLimiter(rate, period)
    return limiter
