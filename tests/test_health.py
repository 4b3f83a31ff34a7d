"""Heartbeats in the database, `/healthz` and `baocao status` (issue 16, part 4)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import httpx

from bot.cli import main
from bot.web import WebServer, health_route
from handlers.events import Reply
from scheduler.service import SchedulerService
from storage import health
from storage.db import transaction


class PollingChannel:
    name = "zalo"
    mode = "polling"

    def __init__(self) -> None:
        self.last_activity: float | None = time.monotonic()

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        raise AssertionError("nothing to deliver here")


def test_the_scheduler_writes_heartbeats_another_process_can_judge(app, clock):
    channel = PollingChannel()
    service = SchedulerService(
        make_session=app.make_session, clock=clock, zone=app.settings.zone, channels=[channel]
    )
    before = health.check(app.make_session, now=clock.now(), tick_seconds=60)
    assert not before.healthy and "scheduler has never ticked" in before.problems

    asyncio.run(service.heartbeat())
    now = health.check(app.make_session, now=clock.now(), tick_seconds=60)
    assert now.healthy, now.problems
    assert now.database and now.scheduler_age == 0
    assert now.channels["zalo"][0] == "polling"

    clock.advance(timedelta(minutes=10))  # no tick for 10 minutes: the scheduler has stopped
    later = health.check(app.make_session, now=clock.now(), tick_seconds=60)
    assert not later.healthy
    assert any("scheduler" in p for p in later.problems)
    assert any(p.startswith("zalo: last poll") for p in later.problems)
    assert later.as_json()["channels"]["zalo"]["last_seen_age_seconds"] >= 600


def test_an_unreachable_database_is_unhealthy():
    from storage.db import create_db_engine, session_factory

    engine = create_db_engine("postgresql://u:pw@127.0.0.1:1/x?connect_timeout=2")
    result = health.check(session_factory(engine), now=datetime.now(UTC), tick_seconds=60)
    engine.dispose()
    assert not result.healthy and not result.database
    assert result.as_json()["database"]["reachable"] is False


def test_healthz_answers_200_then_503(app, clock):
    with transaction(app.make_session) as session:
        health.beat(session, name=health.SCHEDULER, at=clock.now())

    async def scenario() -> tuple[int, dict, int]:
        web = WebServer(
            listen="127.0.0.1",
            port=0,
            routes=[health_route(app.make_session, clock, tick_seconds=60)],
        )
        await web.start()
        try:
            async with httpx.AsyncClient(base_url=web.url) as client:
                ok = await client.get("/healthz")
                clock.advance(timedelta(hours=1))
                stale = await client.get("/healthz")
        finally:
            await web.stop()
        return ok.status_code, ok.json(), stale.status_code

    ok_status, body, stale_status = asyncio.run(scenario())
    assert ok_status == 200 and body["healthy"] is True
    assert body["database"]["reachable"] is True
    assert body["scheduler"]["last_tick_age_seconds"] == 0
    assert stale_status == 503


def test_baocao_status_prints_the_same_and_exits_non_zero_when_unhealthy(
    monkeypatch, capsys, tmp_path
):
    url = f"sqlite:///{tmp_path}/s.db"
    monkeypatch.setenv("BAOCAO_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["status"]) == 1  # the bot never ran
    assert "scheduler" in capsys.readouterr().out

    from storage.db import create_db_engine, session_factory

    engine = create_db_engine(url)
    with transaction(session_factory(engine)) as session:
        health.beat(session, name=health.SCHEDULER, at=datetime.now(UTC))
        health.beat(session, name="channel:telegram", at=datetime.now(UTC), mode="polling")
    engine.dispose()
    assert main(["status", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is True and report["channels"]["telegram"]["mode"] == "polling"
    assert main(["status"]) == 0
    assert "hoạt động tốt" in capsys.readouterr().out
