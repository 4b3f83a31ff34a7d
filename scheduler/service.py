"""APScheduler drives the periodic jobs; the database, not APScheduler's memory, holds state."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from storage.bootstrap import open_current_periods
from storage.clock import Clock
from storage.db import SessionFactory

log = logging.getLogger(__name__)


class SchedulerService:
    def __init__(self, *, make_session: SessionFactory, clock: Clock, zone: ZoneInfo) -> None:
        self.make_session = make_session
        self.clock = clock
        self.zone = zone
        self._scheduler: AsyncIOScheduler | None = None

    async def open_periods(self) -> list[str]:
        """Open the new year's period when the (local) year turns. Idempotent."""
        opened = await asyncio.to_thread(
            open_current_periods, self.make_session, clock=self.clock, zone=self.zone
        )
        for name in opened:
            log.info("opened reporting period %s", name)
        return opened

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone=self.zone)
        scheduler.add_job(
            self.open_periods,
            CronTrigger(hour=0, minute=5, timezone=self.zone),
            id="open_periods",
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
