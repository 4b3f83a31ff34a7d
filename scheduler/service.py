"""APScheduler drives the periodic jobs; the database, not APScheduler's memory, holds state.

Jobs: open the new year's period (daily); carry out the agency changes whose day has come and
plan due reminders into the outbox (every tick, so a restart or a late registration catches up
by itself); deliver the outbox (every few seconds);
in digest mode, the secretariat's daily list of new and changed reports.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time as monotonic_time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.auto_close import auto_close
from scheduler.delivery import Channel
from scheduler.dispatch import STALE_AFTER, DeliveryReport, Dispatcher, hold_stale
from scheduler.housekeeping import Tidied, tidy
from scheduler.org_changes import carry_out_due
from scheduler.planner import ReminderPlanner
from scheduler.policy import ReminderPolicy
from scheduler.ratelimit import RateLimiter
from scheduler.reminders import PlannedMessage
from scheduler.review_digest import plan_review_digest
from storage import health
from storage.bootstrap import open_current_periods
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.files.store import FileStore

log = logging.getLogger(__name__)


def quiet_on_cancel(job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """A job cancelled because the bot is stopping ends quietly: APScheduler would log the
    CancelledError with a traceback, which reads like a crash to whoever just typed /quit."""

    @functools.wraps(job)
    async def run() -> Any:
        try:
            return await job()
        except asyncio.CancelledError:
            log.debug("job %s cancelled at shutdown", getattr(job, "__name__", job))
            return None

    return run


def auto_close_after(settings: Any) -> int | None:
    """BAOCAO_PERIOD_AUTO_CLOSE_DAYS as the service takes it: None (0) means never."""
    days = int(settings.period_auto_close_days)
    return days or None


def channel_activity(channel: Channel) -> tuple[str, float] | None:
    """(mode, seconds since the channel last polled or got a webhook), if it keeps count."""
    last = getattr(channel, "last_activity", None)
    if last is None:
        return None
    return str(getattr(channel, "mode", "")), max(0.0, monotonic_time.monotonic() - last)


HOUSEKEEPING_AT = time(3, 30)  # local time of the daily housekeeping: nobody reports then


class SchedulerService:
    def __init__(
        self,
        *,
        make_session: SessionFactory,
        clock: Clock,
        zone: ZoneInfo,
        channels: Sequence[Channel] = (),
        policy: ReminderPolicy | None = None,
        admins: Iterable[tuple[str, str]] = (),
        planner: ReminderPlanner | None = None,  # the App's; else one made from `policy`
        limiters: Mapping[str, RateLimiter] | None = None,
        tick_seconds: float = 60,
        deliver_seconds: float = 2,
        stale_after: timedelta = STALE_AFTER,
        review_digest_at: time | None = None,
        auto_close_after: int | None = None,
        files: FileStore | None = None,  # where expired links' files are deleted from
    ) -> None:
        self.make_session = make_session
        self.clock = clock
        self.zone = zone
        if planner is None and policy is not None:
            planner = ReminderPlanner(policy=policy, admins=admins)
        self.planner = planner
        self.dispatcher = (
            Dispatcher(make_session=make_session, clock=clock, channels=channels, limiters=limiters)
            if channels
            else None
        )
        self.tick_seconds = tick_seconds
        self.deliver_seconds = deliver_seconds
        self.stale_after = stale_after
        self.review_digest_at = review_digest_at
        self.auto_close_after = auto_close_after  # days after the consolidation deadline
        self.admins = tuple(admins)
        self.channels = tuple(channels)
        self.files = files
        self._delivering = False
        self._scheduler: AsyncIOScheduler | None = None

    async def open_periods(self) -> list[str]:
        """Open the new year's period when the (local) year turns. Idempotent."""
        opened = await asyncio.to_thread(
            open_current_periods, self.make_session, clock=self.clock, zone=self.zone
        )
        for name in opened:
            log.info("opened reporting period %s", name)
        return opened

    async def plan(self) -> list[PlannedMessage]:
        """Hold rows orphaned mid-send, drop pending ones that no longer apply, and write
        the reminders due now to the outbox."""
        if self.planner is None:
            return []
        return await asyncio.to_thread(self._plan)

    def _plan(self) -> list[PlannedMessage]:
        assert self.planner is not None
        now = self.clock.now()
        with transaction(self.make_session) as session:
            held = hold_stale(session, now=now, stale_after=self.stale_after)
            if held:
                self.planner.notify_held(session, held=held, now=now)
            # A reorganisation recorded ahead takes effect on its day, before that day's
            # reminders are planned (so they go to the successors).
            language = self.planner.policy.language
            for change, _moves in carry_out_due(
                session, clock=self.clock, zone=self.zone, language=language
            ):
                log.info("agency change %s (%s) took effect", change.id, change.kind)
            if self.auto_close_after is not None:
                for key in auto_close(
                    session,
                    clock=self.clock,
                    zone=self.zone,
                    after_days=self.auto_close_after,
                    admins=self.admins,
                    language=self.planner.policy.language,
                ):
                    log.info("period %s closed by itself", key)
            cancelled = self.planner.cancel_obsolete(session)
            written = self.planner.plan(session, now=now)
        if cancelled or written:
            log.info("outbox: %d planned, %d cancelled", len(written), cancelled)
        return written

    async def heartbeat(self) -> None:
        """Record that the scheduler ticks, and when each channel last showed life."""
        await asyncio.to_thread(self._heartbeat)

    def _heartbeat(self) -> None:
        now = self.clock.now()
        with transaction(self.make_session) as session:
            health.beat(session, name=health.SCHEDULER, at=now)
            for channel in self.channels:
                activity = channel_activity(channel)
                if activity is not None:
                    mode, age = activity
                    health.beat(
                        session,
                        name=health.CHANNEL_PREFIX + channel.name,
                        at=now - timedelta(seconds=age),
                        mode=mode,
                    )

    async def housekeeping(self) -> Tidied:
        """Forget old handled updates and expired download links (daily)."""
        tidied = await asyncio.to_thread(
            tidy, self.make_session, clock=self.clock, files=self.files
        )
        if tidied.updates or tidied.files:
            log.info(
                "housekeeping: %d stored updates forgotten, %d expired links' files deleted",
                tidied.updates,
                tidied.files,
            )
        return tidied

    async def review_digest(self) -> list[str]:
        """Queue the secretariat's daily list of new and changed reports (digest mode)."""

        def queue() -> list[str]:
            with transaction(self.make_session) as session:
                return plan_review_digest(
                    session,
                    now=self.clock.now(),
                    zone=self.zone,
                    admins=self.admins,
                    language=self.planner.policy.language if self.planner else "vi",
                )

        return await asyncio.to_thread(queue)

    async def deliver(self) -> DeliveryReport:
        """Send what is due; a tick that finds the previous one still sending does nothing."""
        if self.dispatcher is None or self._delivering:
            return DeliveryReport()
        self._delivering = True
        try:
            report = await self.dispatcher.drain()
        finally:
            self._delivering = False
        if report.sent or report.failed or report.retried:
            log.info(
                "outbox: %d sent, %d to retry, %d failed",
                report.sent,
                report.retried,
                report.failed,
            )
        return report

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone=self.zone)
        scheduler.add_job(
            quiet_on_cancel(self.heartbeat),
            IntervalTrigger(seconds=self.tick_seconds, timezone=self.zone),
            id="heartbeat",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(self.tick_seconds),
        )
        scheduler.add_job(quiet_on_cancel(self.heartbeat), id="heartbeat_at_start")
        scheduler.add_job(
            quiet_on_cancel(self.open_periods),
            CronTrigger(hour=0, minute=5, timezone=self.zone),
            id="open_periods",
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
        scheduler.add_job(
            quiet_on_cancel(self.housekeeping),
            CronTrigger(
                hour=HOUSEKEEPING_AT.hour, minute=HOUSEKEEPING_AT.minute, timezone=self.zone
            ),
            id="housekeeping",
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
        # APScheduler keeps its own (wall) time for *when* jobs run; what is due is always
        # decided from the injected clock. The jobs without a trigger run once, at start, so a
        # restart catches up at once instead of a tick later.
        if self.planner is not None:
            scheduler.add_job(
                quiet_on_cancel(self.plan),
                IntervalTrigger(seconds=self.tick_seconds, timezone=self.zone),
                id="plan_reminders",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.tick_seconds),
            )
            scheduler.add_job(quiet_on_cancel(self.plan), id="plan_reminders_at_start")
        if self.review_digest_at is not None:
            at = self.review_digest_at
            scheduler.add_job(
                quiet_on_cancel(self.review_digest),
                CronTrigger(hour=at.hour, minute=at.minute, timezone=self.zone),
                id="review_digest",
                coalesce=True,
                misfire_grace_time=6 * 3600,
            )
        if self.dispatcher is not None:
            # The job returns at once while a drain runs: a second instance is expected.
            scheduler.add_job(
                quiet_on_cancel(self.deliver),
                IntervalTrigger(seconds=self.deliver_seconds, timezone=self.zone),
                id="deliver_outbox",
                coalesce=True,
                max_instances=2,
                misfire_grace_time=int(self.tick_seconds),
            )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
