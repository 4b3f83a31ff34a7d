"""Delivery: send due outbox rows through the channels, under their rate limits.

For each row: wait for the channel's limiter, claim the row (an atomic pending -> sending
UPDATE, committed: of two processes only one wins), send, record the outcome (committed).
The claim comes after the limiter wait so that the window where a crash leaves the outcome
unknown spans only the send and the mark.

A row still "sending" `stale_after` after its claim belongs to a process that died in that
window: the message may or may not have gone out. Such rows are *held*, never resent
automatically; the secretariat is told and the operator decides (`baocao outbox`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduler.delivery import Channel, DeliveryError
from scheduler.outgoing import Option, Reply
from scheduler.ratelimit import DEFAULT_LIMITS, RateLimit, RateLimiter
from storage import reminders as store
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.models import OutboxMessage
from storage.people import mark_unreachable

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)  # far beyond any send's timeout


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_claims: int = 0  # another process took the row first
    uncertain: int = 0  # may have gone out: left to be held, never resent automatically

    def __iadd__(self, other: DeliveryReport) -> DeliveryReport:
        self.uncertain += other.uncertain
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.lost_claims += other.lost_claims
        return self


def hold_stale(
    session: Session, *, now: datetime, stale_after: timedelta = STALE_AFTER
) -> list[OutboxMessage]:
    """Hold rows whose sender died between claiming and marking (see the module docstring)."""
    held = store.hold_stale(session, claimed_before=now - stale_after)
    for row in held:
        log.warning("outbox row %s held: its sender stopped between sending and recording", row.id)
    return held


def backoff(attempts: int, *, base: float = 30.0, cap: float = 3600.0) -> float:
    """Seconds before retrying after the n-th failed attempt: 30 s, 1 min, 2 min, ... 1 h."""
    return min(cap, base * 2 ** max(0, attempts - 1))


class Dispatcher:
    def __init__(
        self,
        *,
        make_session: SessionFactory,
        clock: Clock,
        channels: Sequence[Channel],
        limits: Mapping[str, RateLimit] | None = None,
        limiters: Mapping[str, RateLimiter] | None = None,
        concurrency: int = 8,
        batch: int = 200,
        max_attempts: int = 8,
    ) -> None:
        self.make_session = make_session
        self.clock = clock
        self.channels = {c.name: c for c in channels}
        limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.limiters = dict(limiters or {})
        for name in self.channels:
            self.limiters.setdefault(name, RateLimiter(limits.get(name, RateLimit())))
        self.concurrency = concurrency
        self.batch = batch
        self.max_attempts = max_attempts
        self._stopping = False

    def stop(self) -> None:
        """Finish the messages in hand, take no more."""
        self._stopping = True

    async def drain(self) -> DeliveryReport:
        """Send every row that is due now; return when none is left (or on stop)."""
        report = DeliveryReport()
        if not self.channels:
            return report
        queue: asyncio.Queue[store.Claimable | None] = asyncio.Queue(maxsize=self.batch)
        workers = [
            asyncio.create_task(self._worker(queue, report)) for _ in range(self.concurrency)
        ]
        try:
            await self._produce(queue)
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        return report

    async def _produce(self, queue: asyncio.Queue[store.Claimable | None]) -> None:
        seen: set[int] = set()
        while not self._stopping:
            # Rows queued but not yet claimed are still pending: ask for enough to get past them.
            rows = await asyncio.to_thread(self._due, 2 * self.batch + self.concurrency)
            fresh = [r for r in rows if r.id not in seen]
            if not fresh:
                return
            for row in fresh:
                if self._stopping:
                    return
                seen.add(row.id)
                await queue.put(row)

    def _due(self, limit: int) -> list[store.Claimable]:
        with self.make_session() as session:
            return store.due_messages(
                session, channels=self.channels, now=self.clock.now(), limit=limit
            )

    async def _worker(
        self, queue: asyncio.Queue[store.Claimable | None], report: DeliveryReport
    ) -> None:
        while (item := await queue.get()) is not None:
            if self._stopping:
                continue
            try:
                report += await self.deliver_one(item)
            except Exception:  # a database error: the row stays as it is, the loop goes on
                log.exception("delivery of outbox row %s failed", item.id)

    async def deliver_one(self, item: store.Claimable) -> DeliveryReport:
        limiter = self.limiters[item.channel]
        slot = await limiter.acquire(item.chat_id)
        try:
            row = await asyncio.to_thread(self._claim, item.id)
        except BaseException:
            limiter.release(slot)  # nothing was sent: do not hold the chat or the window
            raise
        if row is None:
            limiter.release(slot)
            return DeliveryReport(lost_claims=1)
        reply = Reply(
            row.text,
            options=tuple(Option(str(k), str(v)) for k, v in row.payload.get("options", [])),
        )
        try:
            await self.channels[item.channel].deliver(row.chat_id, reply)
        except DeliveryError as error:
            limiter.done(slot)
            if error.uncertain:
                # Left "sending": the held policy below takes it after `stale_after`, tells
                # the secretariat, and the operator releases or dismisses it. Never resent.
                log.warning("outbox row %s may have been delivered; it will be held", row.id)
                return DeliveryReport(uncertain=1)
            if error.retry_after:
                limiter.pause(error.retry_after, None if error.whole_channel else item.chat_id)
            return await asyncio.to_thread(self._record_error, row, error)
        except Exception as error:  # an adapter or network fault: treat as transient
            limiter.done(slot)
            log.exception("channel %s raised while sending outbox row %s", item.channel, row.id)
            return await asyncio.to_thread(self._record_error, row, DeliveryError(repr(error)))
        limiter.done(slot)
        await asyncio.to_thread(self._mark_sent, row.id or 0)
        return DeliveryReport(sent=1)

    def _claim(self, message_id: int) -> OutboxMessage | None:
        with transaction(self.make_session) as session:
            return store.claim(session, message_id=message_id, now=self.clock.now())

    def _mark_sent(self, message_id: int) -> None:
        with transaction(self.make_session) as session:
            store.mark_sent(session, message_id=message_id, now=self.clock.now())

    def _record_error(self, row: OutboxMessage, error: DeliveryError) -> DeliveryReport:
        now = self.clock.now()
        message_id = row.id or 0
        text = str(error)[:500]
        with transaction(self.make_session) as session:
            if error.permanent:
                store.mark_failed(session, message_id=message_id, error=text)
                # The user blocked the bot or the chat is gone: stop planning for this chat.
                mark_unreachable(session, channel=row.channel, chat_id=row.chat_id)
                return DeliveryReport(failed=1)
            if error.retry_after:
                store.mark_retry(
                    session,
                    message_id=message_id,
                    at=now + timedelta(seconds=error.retry_after),
                    error=text,
                    count_attempt=False,
                )
                return DeliveryReport(retried=1)
            if row.attempts >= self.max_attempts:
                store.mark_failed(session, message_id=message_id, error=text)
                return DeliveryReport(failed=1)
            store.mark_retry(
                session,
                message_id=message_id,
                at=now + timedelta(seconds=backoff(row.attempts)),
                error=text,
            )
            return DeliveryReport(retried=1)
