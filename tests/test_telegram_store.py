"""Telegram updates are stored before Telegram is told they arrived (issue 15, point 4): by
polling (the next getUpdates' offset) and by webhook (the HTTP answer). An update the database
does not take is not acknowledged, so Telegram sends it again; one that arrives twice is
handled once. The kill -9 case is tests/test_telegram_crash.py."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from bot.adapter.inbox import Inbox
from handlers.events import IncomingEvent
from storage import inbound
from storage.db import transaction
from storage.models import InboundUpdate
from tests.fakes.telegram_api import FakeBot, post_update
from tests.test_telegram_channel import fake, free_port, loop, start_bot, tg  # noqa: F401


def stored(app) -> list[InboundUpdate]:
    with app.make_session() as session:
        return list(session.exec(select(InboundUpdate)).all())


def all_marked_handled(bot: FakeBot, app) -> list[InboundUpdate]:
    """The stored updates once every one is marked handled: a /help writes nothing, so it is
    marked with the next batch or soon after the bot falls quiet (bot.adapter.inbox)."""
    bot.wait_until(
        lambda: all(row.handled_at is not None for row in stored(app)), what="marked handled"
    )
    return stored(app)


@pytest.fixture
def database_refuses_once(monkeypatch) -> list[int]:
    """The first batch of updates the channel stores meets a broken database."""
    real = inbound.store_updates
    refused: list[int] = []

    def flaky(session, **kwargs):
        if not refused:
            refused.append(len(kwargs["updates"]))
            raise OSError("database gone")
        return real(session, **kwargs)

    monkeypatch.setattr(inbound, "store_updates", flaky)
    return refused


def webhook_settings() -> dict[str, object]:
    port = free_port()
    return {
        "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "telegram_webhook_listen": "127.0.0.1",
        "telegram_webhook_port": port,
        "telegram_webhook_secret": "s3cret_Token-for-tests",
    }


@pytest.mark.both_databases
def test_polling_acknowledges_an_update_only_once_it_is_stored(
    start_bot,  # noqa: F811
    tg: FakeBot,  # noqa: F811
    database_refuses_once,
):
    bot = start_bot()
    user = tg.user(6101)
    update_id = user.send_text("/help")
    [answer] = user.wait_for_messages(1)  # fetched again after the refusal, then handled
    assert answer.text.startswith("Các lệnh bạn dùng được:")
    assert database_refuses_once == [1]
    tg.wait_until(lambda: tg.pending_updates == 0, what="the update acknowledged")
    [row] = all_marked_handled(tg, bot.app)
    assert row.update_key == str(update_id)


def test_a_webhook_update_is_answered_200_only_once_it_is_stored(
    start_bot,  # noqa: F811
    tg: FakeBot,  # noqa: F811
    database_refuses_once,
):
    bot = start_bot(**webhook_settings())
    assert bot.channel.mode == "webhook"
    user = tg.user(6201)
    update_id = user.send_text("/help")  # the fake POSTs it, and again after a failure
    [answer] = user.wait_for_messages(1)
    assert answer.text.startswith("Các lệnh bạn dùng được:")
    tg.wait_until(lambda: len(tg.webhook_deliveries) >= 2, what="the second delivery")
    assert [status for _id, status in tg.webhook_deliveries[:2]] == [500, 200]
    [row] = all_marked_handled(tg, bot.app)
    assert row.update_key == str(update_id)


def test_a_webhook_update_delivered_twice_is_handled_once(start_bot, tg: FakeBot):  # noqa: F811
    settings = webhook_settings()
    bot = start_bot(**settings)
    user = tg.user(6301)
    update = user.text_update("/help")  # Telegram retries when our answer was lost
    secret = str(settings["telegram_webhook_secret"])
    assert post_update(str(settings["telegram_webhook_url"]), update, secret_token=secret) == 200
    assert post_update(str(settings["telegram_webhook_url"]), update, secret_token=secret) == 200
    user.send_text("/whoami")  # in the chat's order, after the duplicate
    help_, whoami = (m.text for m in user.wait_for_messages(2))
    assert help_.startswith("Các lệnh bạn dùng được:") and "chưa đăng ký" in whoami
    assert len(user.messages) == 2
    assert len(all_marked_handled(tg, bot.app)) == 2


@pytest.mark.both_databases
def test_a_batch_is_stored_once_per_update_and_duplicates_are_named(make_app):
    app = make_app()
    first = [("1", {"update_id": 1}), ("2", {"update_id": 2})]
    second = [("2", {"update_id": 2}), ("3", {"update_id": 3}), ("3", {"update_id": 3})]
    with transaction(app.make_session) as session:
        one, two = inbound.store_updates(
            session, channel="telegram", updates=first, clock=app.clock
        )
    with transaction(app.make_session) as session:
        again, three, twice = inbound.store_updates(
            session, channel="telegram", updates=second, clock=app.clock
        )
    assert None not in (one, two, three) and len({one, two, three}) == 3
    assert again is None and twice is None  # kept already; twice in the batch: kept once
    with transaction(app.make_session) as session:  # another channel has its own keys
        (other,) = inbound.store_updates(
            session, channel="zalo", updates=first[:1], clock=app.clock
        )
        assert other is not None
        assert inbound.mark_handled(session, update_id=two, now=app.clock.now())
        assert not inbound.mark_handled(session, update_id=two, now=app.clock.now())
    assert sorted(r.update_key for r in stored(app) if r.channel == "telegram") == ["1", "2", "3"]


@pytest.mark.both_databases
def test_an_update_that_changes_nothing_is_marked_with_the_next_write_one_that_writes_at_once(
    make_app,
):
    """An update whose handlers wrote nothing (/help) costs no write of its own on SQLite: it
    is marked with the next batch stored (or by `flush`). One whose handlers wrote (a wrong
    invite code is audited) is marked with their work. PostgreSQL cannot tell a transaction
    that read from one that wrote, so there every update is marked with its work."""
    app = make_app()
    sqlite = app.engine.dialect.name == "sqlite"
    inbox = Inbox(app.make_session, clock=app.clock, channel="telegram", max_attempts=3)

    def handled(key: str) -> bool:
        return next(r for r in stored(app) if r.update_key == key).handled_at is not None

    def handle(key: str, text: str) -> str:
        row_id = inbox.take(key)
        assert row_id is not None
        event = IncomingEvent("telegram", "7001", "7001", text=text)
        [reply] = app.dispatcher.handle(event, inbound_id=row_id, unmarked=inbox.defer_mark)
        return reply.text

    asyncio.run(inbox.keep([("1", {"update_id": 1}), ("2", {"update_id": 2})]))
    assert handle("1", "/help").startswith("Các lệnh bạn dùng được:")
    assert handled("1") is not sqlite  # SQLite: waits for the next write
    assert "Mã mời" in handle("2", "/start KHONGCOMA")  # audited: a write
    assert handled("2")

    asyncio.run(inbox.keep([("3", {"update_id": 3})]))  # the next batch takes the mark along
    assert handled("1") and not handled("3")
    handle("3", "/help")
    asyncio.run(inbox.flush())
    assert handled("3")


def test_a_crash_before_the_mark_answers_a_read_only_update_again_and_nothing_else(make_app):
    """The price of not writing per /help: killed before the next write, the bot answers that
    update again after the restart (the same reply, nothing changed twice); an update whose
    handlers wrote is never handled again."""
    app = make_app()
    inbox = Inbox(app.make_session, clock=app.clock, channel="telegram", max_attempts=3)
    asyncio.run(inbox.keep([("1", {"update_id": 1}), ("2", {"update_id": 2})]))
    for key, text in (("1", "/help"), ("2", "/start KHONGCOMA")):
        event = IncomingEvent("telegram", "7002", "7002", text=text)
        app.dispatcher.handle(event, inbound_id=inbox.take(key), unmarked=inbox.defer_mark)
    # The process dies here: the deferred mark was never written. A new process starts.
    restarted = Inbox(app.make_session, clock=app.clock, channel="telegram", max_attempts=3)
    assert [row.key for row in asyncio.run(restarted.recover())] == ["1"]
