"""Telegram updates are stored before Telegram is told they arrived (issue 15, point 4): by
polling (the next getUpdates' offset) and by webhook (the HTTP answer). An update the database
does not take is not acknowledged, so Telegram sends it again; one that arrives twice is
handled once. The kill -9 case is tests/test_telegram_crash.py."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage import inbound
from storage.db import transaction
from storage.models import InboundUpdate
from tests.fakes.telegram_api import FakeBot, post_update
from tests.test_telegram_channel import fake, free_port, loop, start_bot, tg  # noqa: F401


def stored(app) -> list[InboundUpdate]:
    with app.make_session() as session:
        return list(session.exec(select(InboundUpdate)).all())


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
    [row] = stored(bot.app)
    assert row.update_key == str(update_id) and row.handled_at is not None


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
    [row] = stored(bot.app)
    assert row.update_key == str(update_id) and row.handled_at is not None


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
    assert len(stored(bot.app)) == 2 and all(r.handled_at for r in stored(bot.app))


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
