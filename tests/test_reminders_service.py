"""The scheduler as `baocao run` starts it: APScheduler runs the planning at start and the
delivery every few seconds; what is due comes from the injected (frozen) clock."""

from __future__ import annotations

import asyncio

from bot.app import policy_from_settings
from scheduler.service import SchedulerService
from tests.test_reminders_support import FakeChannel, at, fake_limiter, focal, outbox


def test_the_running_scheduler_catches_up_at_start_and_delivers(app, clock) -> None:
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    clock.set(at("2026-11-09 08:30"))  # e.g. restarted half an hour after the reminder time
    telegram = FakeChannel()

    svc = SchedulerService(
        make_session=app.make_session,
        clock=clock,
        zone=app.settings.zone,
        channels=[telegram],
        policy=policy_from_settings(app.settings),
        limiters={"telegram": fake_limiter()},
        deliver_seconds=0.05,
    )

    async def run() -> set[str]:
        svc.start()
        try:
            assert svc._scheduler is not None
            jobs = {job.id for job in svc._scheduler.get_jobs()}
            # Wait for the jobs to run, not for time to pass: until the reminder is sent and its
            # row marked (stopping right after the send cancelled the marking under load).
            for _ in range(400):
                if telegram.sent and [r.status for r in outbox(app)] == ["sent"]:
                    break
                await asyncio.sleep(0.05)
            return jobs
        finally:
            svc.stop()

    jobs = asyncio.run(run())
    assert {"open_periods", "plan_reminders", "deliver_outbox"} <= jobs
    assert [chat for chat, _ in telegram.sent] == ["1001"]
    assert [r.status for r in outbox(app)] == ["sent"]


def test_without_channels_reminders_wait_in_the_outbox(app, clock) -> None:

    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-11-09 08:00"))
    svc = SchedulerService(
        make_session=app.make_session,
        clock=clock,
        zone=app.settings.zone,
        policy=policy_from_settings(app.settings),
    )
    asyncio.run(svc.plan())
    assert asyncio.run(svc.deliver()).sent == 0
    assert [r.status for r in outbox(app)] == ["pending"]
