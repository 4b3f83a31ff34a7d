"""The Zalo channel in webhook mode: the fake Zalo server POSTs updates to the bot's own web
endpoint, which checks the secret header, accepts bare and wrapped bodies, drops duplicates and
answers as soon as the update is stored (issue 8)."""

from __future__ import annotations

import socket
import threading
from dataclasses import replace

import pytest
from sqlmodel import func, select

from handlers.context import Context, Role
from handlers.events import Reply
from storage.models import InboundUpdate
from tests import test_zalo_support as support
from tests.fakes.zalo_api import FakeZaloBot, get, post_update

# The shared fixtures (pytest finds them by name in this module).
fake, zalo, loop, start_zalo = support.fake, support.zalo, support.loop, support.start_zalo

SECRET = "webhook-secret-8f2c1d"
EVERYONE = {Role.stranger, Role.focal, Role.secretariat}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def webhook_bot(start_zalo):
    """Start the channel in webhook mode: start(setup=...) -> (bot, webhook URL)."""

    def start(**kwargs):
        port = free_port()
        url = f"http://127.0.0.1:{port}/zalo/webhook"
        bot = start_zalo(
            options=replace(support.QUICK, web_port=None),
            zalo_webhook_url=url,
            zalo_webhook_secret=SECRET,
            http_port=port,
            **kwargs,
        )
        return bot, url

    return start


def stored(bot) -> int:
    with bot.app.make_session() as session:
        return session.exec(select(func.count()).select_from(InboundUpdate)).one()


def test_updates_arrive_by_webhook_with_the_secret(webhook_bot, zalo: FakeZaloBot):
    bot, url = webhook_bot()
    webhook = zalo.webhook
    assert webhook is not None and (webhook["url"], webhook["secret_token"]) == (url, SECRET)
    assert not zalo.calls_to("getUpdates") and not zalo.calls_to("deleteWebhook")
    lan = zalo.user("Lan")
    assert "Các lệnh bạn dùng được" in bot.say(lan, "/help")
    zalo.webhook_wrapped = True  # {ok:true, result:{...}} is accepted as well
    assert "Các lệnh bạn dùng được" in bot.say(lan, "/help")
    assert [status for _, status in zalo.webhook_deliveries] == [200, 200]


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(webhook_bot, zalo: FakeZaloBot):
    bot, url = webhook_bot()
    update = zalo.user("Lan").text_update("/help")
    assert post_update(url, update, secret_token="not-the-secret") == 403
    assert post_update(url, update, secret_token=SECRET[:-1]) == 403
    assert post_update(url, update) == 403
    assert stored(bot) == 0 and zalo.sent == []


@pytest.mark.both_databases
def test_a_duplicate_delivery_is_handled_once(webhook_bot, zalo: FakeZaloBot):
    bot, url = webhook_bot()
    lan = zalo.user("Lan")
    update = lan.text_update("/help")
    zalo.open_chat(lan.user_id)  # posted by hand below, twice, as a retrying Zalo would
    assert post_update(url, update, secret_token=SECRET) == 200
    assert post_update(url, {"ok": True, "result": update}, secret_token=SECRET) == 200
    bot.settle(update)
    assert stored(bot) == 1
    assert len(lan.messages) == 1


def test_bad_bodies_are_refused_and_unknown_events_ignored(webhook_bot, zalo: FakeZaloBot):
    bot, url = webhook_bot()
    assert post_update(url, b"{not json", secret_token=SECRET) == 400
    assert post_update(url, {"event_name": "bot.ping"}, secret_token=SECRET) == 200
    assert post_update(url, {"ok": True, "result": {"hello": 1}}, secret_token=SECRET) == 200
    assert stored(bot) == 1  # the ping is an update (stored once); the rest is not
    status, body, _ = get(url.replace("/zalo/webhook", "/nothing-here"))
    assert status == 404 and b"404" in body


def test_the_webhook_answers_before_the_handlers_finish(webhook_bot, zalo: FakeZaloBot):
    release = threading.Event()

    def slow(ctx: Context, args: str) -> list[Reply]:
        release.wait(5)  # the handlers are still working...
        return [Reply("Xong.")]

    def setup(app) -> None:
        app.dispatcher.registry.command("cham", slow, roles=EVERYONE, description_key="cmd.help")

    bot, url = webhook_bot(setup=setup)
    lan = zalo.user("Lan")
    update = lan.text_update("/cham")
    zalo.open_chat(lan.user_id)
    assert post_update(url, update, secret_token=SECRET) == 200  # ...and Zalo has its 200
    assert stored(bot) == 1 and lan.messages == []
    release.set()
    bot.settle(update)
    assert lan.texts == ["Xong."]
