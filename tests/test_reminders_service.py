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
    assert {"open_periods", "plan_reminders", "deliver_outbox", "housekeeping"} <= jobs
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


def auto_closing(app, clock, days: int | None = 30) -> SchedulerService:
    return SchedulerService(
        make_session=app.make_session,
        clock=clock,
        zone=app.settings.zone,
        policy=policy_from_settings(app.settings),
        admins=[("telegram", "9000")],
        auto_close_after=days,
    )


def period_status(app, key: str = "2026") -> str:
    from sqlmodel import select

    from storage.models import ReportingPeriod

    with app.make_session() as session:
        return session.exec(select(ReportingPeriod.status).where(ReportingPeriod.key == key)).one()


def test_a_period_closes_by_itself_after_its_consolidation_deadline(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    svc = auto_closing(
        app, clock
    )  # consolidation 20/12/2026, + 30 days: closes at the start of 20/01/2027
    clock.set(at("2027-01-12 08:00"))
    asyncio.run(svc.plan())
    assert period_status(app) == "open"
    assert not [r for r in outbox(app) if r.kind == "auto_close"]

    clock.set(at("2027-01-13 09:00"))  # a week before: the secretariat is told
    asyncio.run(svc.plan())
    asyncio.run(svc.plan())  # once, however many ticks
    [notice] = [r for r in outbox(app) if r.kind == "auto_close"]
    assert (
        notice.chat_id == "9000" and "sẽ tự đóng vào" in notice.text and "20/01/2027" in notice.text
    )
    assert period_status(app) == "open"

    clock.set(at("2027-01-20 00:05"))
    asyncio.run(svc.plan())
    assert period_status(app) == "closed"
    closed = [r for r in outbox(app) if r.kind == "auto_close" and "đã tự đóng" in r.text]
    assert len(closed) == 1
    # the overdue reminders of the closed period are not sent any more
    assert all(r.status != "pending" for r in outbox(app) if r.kind == "reminder")


def test_auto_close_can_be_turned_off(app, clock) -> None:
    svc = auto_closing(app, clock, days=None)
    clock.set(at("2027-06-01 09:00"))
    asyncio.run(svc.plan())
    assert period_status(app) == "open"


def test_the_console_channel_delivers_outbox_rows_for_console_chats(app, clock) -> None:
    from bot.console import ConsoleChannel
    from storage.db import transaction
    from storage.outbox import enqueue

    written: list[str] = []
    console = ConsoleChannel.for_app(app, user_id="operator", write=written.append)
    with transaction(app.make_session) as session:
        for chat in ("operator", "u1"):
            enqueue(
                session,
                dedupe_key=f"notice:{chat}",
                channel="console",
                chat_id=chat,
                kind="notice",
                text=f"Thông báo cho {chat}",
                clock=clock,
            )
    svc = SchedulerService(
        make_session=app.make_session, clock=clock, zone=app.settings.zone, channels=[console]
    )
    assert asyncio.run(svc.deliver()).sent == 2
    text = "\n".join(written)
    assert "Thông báo cho operator" in text
    assert "[→ console:u1]\nThông báo cho u1" in text
    assert {r.status for r in outbox(app)} == {"sent"}
