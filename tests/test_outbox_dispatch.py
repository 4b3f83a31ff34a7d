"""Delivery of the outbox: rate limits, retries, 429 retry_after, claims that two dispatchers
cannot both win, and the held policy for the send/mark window. No real sleeping."""

from __future__ import annotations

import asyncio
import itertools
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.cli import main
from scheduler.delivery import DeliveryError
from scheduler.dispatch import Dispatcher, backoff
from scheduler.ratelimit import RateLimit
from storage import reminders as store
from storage.db import create_db_engine, session_factory, transaction
from storage.models import OutboxMessage
from storage.outbox import enqueue
from tests.test_reminders_support import (
    FakeChannel,
    FakeTime,
    at,
    fake_limiter,
    focal,
    outbox,
    service,
    tick,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases

# --- the rate limiter ------------------------------------------------------------------------


def grant_times(limit: RateLimit, chats: list[str], *, latency: float = 0.0) -> list[float]:
    """When each send is let through, each taking `latency` seconds to be answered."""
    time = FakeTime()
    limiter = fake_limiter(limit, time)
    granted = []

    async def run() -> None:
        for chat in chats:
            slot = await limiter.acquire(chat)
            granted.append(time.now())
            time.t += latency  # on the wire
            limiter.done(slot)

    asyncio.run(run())
    return granted


def most_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


def test_at_most_30_messages_in_any_second_overall() -> None:
    times = grant_times(RateLimit(), [str(i) for i in range(300)])
    assert most_in_any_window(times, 1.0) == 30
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 0.95 * 30 <= rate <= 30  # close to the limit, never over it
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / 30  # evenly paced, no bursts


def test_one_message_per_second_per_chat() -> None:
    times = grant_times(RateLimit(), ["7", "7", "7"])
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))


def test_twenty_messages_per_minute_per_group() -> None:
    times = grant_times(RateLimit(), ["-100"] * 21)
    assert times[20] - times[0] >= 60


def test_a_send_counts_until_its_answer_comes_back() -> None:
    # Half a second on the wire: the next send to the chat waits a second after the answer.
    first, second = grant_times(RateLimit(), ["1", "1"], latency=0.5)
    assert second - first >= 1.5


def test_sends_still_in_flight_hold_the_window() -> None:
    time = FakeTime()
    limiter = fake_limiter(RateLimit(count=2, seconds=1.0), time)

    async def run() -> float:
        first = await limiter.acquire("a")
        await limiter.acquire("b")  # both still unanswered
        waiting = asyncio.create_task(limiter.acquire("c"))
        for _ in range(50):
            await asyncio.sleep(0)
        assert not waiting.done()  # however long it takes, while nothing came back
        limiter.done(first)
        await waiting
        return time.now() - first.at

    assert asyncio.run(run()) >= 1.0  # a full window after the first send finished


def test_a_released_slot_does_not_count() -> None:
    time = FakeTime()
    limiter = fake_limiter(RateLimit(), time)

    async def run() -> None:
        limiter.release(await limiter.acquire("1"))
        await limiter.acquire("1")

    asyncio.run(run())
    assert sum(time.sleeps) < 0.1  # not the one-second wait of a chat that got a message


def test_a_pause_holds_the_whole_channel() -> None:
    time = FakeTime()
    limiter = fake_limiter(RateLimit(), time)
    start = time.now()
    limiter.pause(42)
    asyncio.run(limiter.acquire("1"))
    assert time.now() - start >= 42


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20) == 3600


# --- retries ---------------------------------------------------------------------------------


def queue(app, n: int = 1, *, chat: str = "1001") -> None:
    with transaction(app.make_session) as session:
        for i in range(n):
            enqueue(
                session,
                dedupe_key=f"test:{chat}:{i}",
                channel="telegram",
                chat_id=chat if n == 1 else f"{chat}{i}",
                kind="notice",
                text=f"Tin số {i}",
                clock=app.clock,
                options=[("Báo cáo ngay", "/report")],
            )


def dispatcher(app, channel: FakeChannel, **kwargs) -> Dispatcher:
    return Dispatcher(
        make_session=app.make_session,
        clock=app.clock,
        channels=[channel],
        limiters={channel.name: fake_limiter()},
        **kwargs,
    )


def test_a_429_is_retried_after_the_time_the_platform_asks(app, clock) -> None:
    queue(app)
    telegram = FakeChannel()
    telegram.errors.append(DeliveryError("Too Many Requests", retry_after=30))
    report = asyncio.run(dispatcher(app, telegram).drain())
    assert report.retried == 1 and telegram.sent == []
    [row] = outbox(app)
    assert row.status == "pending"
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert row.attempts == 0  # waiting as told is not a failed attempt

    clock.advance(timedelta(seconds=29))
    asyncio.run(dispatcher(app, telegram).drain())
    assert telegram.sent == []
    clock.advance(timedelta(seconds=1))
    asyncio.run(dispatcher(app, telegram).drain())
    [(chat, reply)] = telegram.sent
    assert chat == "1001" and reply.options[0].value == "/report"
    assert outbox(app)[0].status == "sent"


def test_transient_errors_back_off_then_fail(app, clock) -> None:
    queue(app)
    telegram = FakeChannel()
    telegram.errors = [DeliveryError("timeout") for _ in range(3)]
    send = dispatcher(app, telegram, max_attempts=3)
    asyncio.run(send.drain())
    row = outbox(app)[0]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "timeout")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=30))
    asyncio.run(send.drain())
    assert outbox(app)[0].next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    asyncio.run(send.drain())
    assert outbox(app)[0].status == "failed"
    assert telegram.sent == []


def test_an_adapter_crash_is_retried_not_lost(app, clock) -> None:
    queue(app)

    class Broken(FakeChannel):
        async def deliver(self, chat_id, reply) -> None:
            raise RuntimeError("connection reset")

    asyncio.run(dispatcher(app, Broken()).drain())
    row = outbox(app)[0]
    assert row.status == "pending" and "connection reset" in row.last_error


def test_rows_for_a_channel_that_is_not_running_wait(app, clock) -> None:
    queue(app)
    asyncio.run(dispatcher(app, FakeChannel("zalo")).drain())
    assert outbox(app)[0].status == "pending"


# --- claims ----------------------------------------------------------------------------------


def test_a_row_is_claimed_once(app, clock) -> None:
    queue(app)
    with transaction(app.make_session) as session:
        assert store.claim(session, message_id=1, now=clock.now()) is not None
    with transaction(app.make_session) as session:
        assert store.claim(session, message_id=1, now=clock.now()) is None


def test_racing_claims_on_separate_connections_win_once(db_url, app, clock) -> None:
    queue(app, 40)
    engines = [create_db_engine(db_url) for _ in range(4)]
    wins: list[int] = []
    barrier = threading.Barrier(len(engines))

    def claim_all(engine) -> None:
        make = session_factory(engine)
        barrier.wait()
        for message_id in range(1, 41):
            with transaction(make) as session:
                if store.claim(session, message_id=message_id, now=clock.now()) is not None:
                    wins.append(message_id)

    threads = [threading.Thread(target=claim_all, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for engine in engines:
        engine.dispose()
    assert sorted(wins) == list(range(1, 41))


def test_two_dispatchers_on_separate_engines_send_each_message_once(db_url, app, clock) -> None:
    queue(app, 60)
    telegram = FakeChannel()
    engines = [create_db_engine(db_url) for _ in range(2)]
    dispatchers = [
        Dispatcher(
            make_session=session_factory(engine),
            clock=clock,
            channels=[telegram],
            limiters={"telegram": fake_limiter()},
            concurrency=4,
            batch=10,
        )
        for engine in engines
    ]

    async def race() -> None:
        await asyncio.gather(*(d.drain() for d in dispatchers))

    asyncio.run(race())
    for engine in engines:
        engine.dispose()
    chats = [c for c, _ in telegram.sent]
    assert len(chats) == 60 and len(set(chats)) == 60
    assert {r.status for r in outbox(app)} == {"sent"}


def test_two_planners_racing_write_each_reminder_once(db_url, app, clock) -> None:
    for i in range(20):
        focal(app, f"Người {i}", "so-yte" if i % 2 else "so-tnmt", str(3000 + i))
    clock.set(at("2026-11-09 08:00"))
    engines = [create_db_engine(db_url) for _ in range(3)]
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def plan(engine) -> None:
        svc = service(app)
        svc.make_session = session_factory(engine)
        barrier.wait()
        try:
            asyncio.run(svc.plan())
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=plan, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    rows = [r for r in outbox(app) if r.kind == "reminder"]
    assert len(rows) == 20 and len({r.chat_id for r in rows}) == 20


# --- the send/mark window: held, never resent ------------------------------------------------


@pytest.fixture
def orphan(make_app, clock):
    """A reminder claimed by a process that then died before recording the outcome."""
    app = make_app(admins="telegram:9000")
    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-11-09 08:00"))
    asyncio.run(service(app).plan())
    [row] = [r for r in outbox(app) if r.chat_id == "1001"]
    with transaction(app.make_session) as session:
        assert store.claim(session, message_id=row.id, now=clock.now()) is not None
    asyncio.run(service(app, FakeChannel()).deliver())  # the rest went out normally
    return app


def reminder_row(app) -> OutboxMessage:
    [row] = [r for r in outbox(app) if r.chat_id == "1001"]
    return row


def test_a_row_orphaned_mid_send_is_held_and_the_secretariat_told(orphan, clock) -> None:
    telegram = FakeChannel()
    svc = service(orphan, telegram)
    clock.advance(timedelta(minutes=1))  # maybe another process is still sending it
    tick(svc)
    assert telegram.sent == [] and reminder_row(orphan).status == "sending"

    clock.advance(timedelta(minutes=5))
    tick(svc)
    tick(svc)
    row = reminder_row(orphan)
    assert row.status == "held"
    assert telegram.texts("1001") == []  # never resent by the bot
    [notice] = telegram.texts("9000")
    assert notice.startswith("Một tin nhắn có thể chưa được gửi")
    assert f"baocao outbox release {row.id}" in notice


def test_a_slow_send_finishing_after_being_held_counts_as_sent(orphan, clock) -> None:
    with transaction(orphan.make_session) as session:
        held = store.hold_stale(session, claimed_before=clock.now() + timedelta(seconds=1))
        assert len(held) == 1
        store.mark_sent(session, message_id=held[0].id, now=clock.now())
    assert reminder_row(orphan).status == "sent"


def test_the_operator_sees_held_rows_and_can_release_or_dismiss_them(
    orphan, clock, monkeypatch, capsys
) -> None:
    operator_session(orphan, clock, monkeypatch, capsys)


def operator_session(orphan, clock, monkeypatch, capsys) -> None:
    clock.advance(timedelta(minutes=10))
    asyncio.run(service(orphan).plan())
    monkeypatch.setenv("BAOCAO_DATABASE_URL", orphan.settings.database_url)
    assert main(["outbox"]) == 0
    shown = capsys.readouterr().out
    held = reminder_row(orphan)
    assert "giữ lại: 1" in shown
    assert f"#{held.id} giữ lại telegram 1001 [reminder]" in shown
    assert "baocao outbox release ID" in shown

    assert main(["outbox", "release", str(held.id)]) == 0
    assert reminder_row(orphan).status == "pending"
    telegram = FakeChannel()
    asyncio.run(service(orphan, telegram).deliver())
    assert len(telegram.texts("1001")) == 1  # resent because the operator chose to

    assert main(["outbox", "dismiss", str(held.id)]) == 1  # sent now: nothing to dismiss
    assert "Đã bỏ 0 tin nhắn" in capsys.readouterr().out


def test_the_operator_can_dismiss_a_pending_row_and_an_unknown_id_fails(
    app, monkeypatch, capsys
) -> None:
    queue(app)
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.settings.database_url)
    with app.make_session() as session:
        row = session.exec(select(OutboxMessage)).one()
    assert main(["outbox", "dismiss", str(row.id)]) == 0
    assert "Đã bỏ 1 tin nhắn (không gửi)." in capsys.readouterr().out
    with app.make_session() as session:
        assert session.get(OutboxMessage, row.id).status == store.CANCELLED
    assert main(["outbox", "dismiss", "999"]) == 1


def test_a_database_error_while_claiming_leaves_the_row_for_later(app, clock, monkeypatch) -> None:
    queue(app)
    telegram = FakeChannel()
    send = dispatcher(app, telegram)
    real_claim = store.claim
    failures = [RuntimeError("database is locked")]

    def flaky_claim(session, **kwargs):
        if failures:
            raise failures.pop()
        return real_claim(session, **kwargs)

    monkeypatch.setattr(store, "claim", flaky_claim)
    asyncio.run(asyncio.wait_for(send.drain(), timeout=10))
    assert telegram.sent == [] and outbox(app)[0].status == "pending"
    # The next pass sends it: the failed claim did not keep the chat's rate-limit slot.
    asyncio.run(asyncio.wait_for(send.drain(), timeout=10))
    assert [c for c, _ in telegram.sent] == ["1001"]
