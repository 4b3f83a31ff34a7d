"""The Zalo channel when Zalo misbehaves or is misused: ok:false on HTTP 200, empty polls,
the quota (429), blocked users, slow and dropped answers, long replies, odd messages; and the
token never showing in logs or errors (issue 8)."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.adapter import inbox as adapter_inbox
from bot.zalo.client import ZaloClient
from bot.zalo.errors import (
    ZaloBadRequest,
    ZaloNotFound,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
)
from bot.zalo.inbound import update_key
from handlers.context import Context, Role
from handlers.events import Reply
from scheduler.dispatch import Dispatcher
from storage import inbound
from storage.db import transaction
from storage.models import Identity, MemberRole, OutboxMessage
from storage.outbox import enqueue
from tests import test_zalo_support as support
from tests.fakes.zalo_api import DEFAULT_TOKEN, FakeZaloBot, Fault
from tests.test_reminders_support import add_person

# The shared fixtures (pytest finds them by name in this module).
fake, zalo, loop, start_zalo = support.fake, support.zalo, support.loop, support.start_zalo

EVERYONE = {Role.stranger, Role.focal, Role.secretariat}
SECRET_PART = DEFAULT_TOKEN.split(":", 1)[1]


def long_text(lines: int = 100, width: int = 49) -> str:
    """About 5,000 characters in numbered lines, so order and loss are easy to check."""
    return "\n".join(f"{n:03d} " + "x" * (width - 4) for n in range(lines))


def with_test_commands(app) -> None:
    def long_reply(ctx: Context, args: str) -> list[Reply]:
        return [Reply(long_text())]

    def one_line(ctx: Context, args: str) -> list[Reply]:
        words = " ".join(f"từ{n}" for n in range(1200))  # one line of ~6,000 characters
        return [Reply(words)]

    def two_replies(ctx: Context, args: str) -> list[Reply]:
        return [Reply("Phần một."), Reply("Phần hai.")]

    registry = app.dispatcher.registry
    registry.command("dai", long_reply, roles=EVERYONE, description_key="cmd.help")
    registry.command("motdong", one_line, roles=EVERYONE, description_key="cmd.help")
    registry.command("hai", two_replies, roles=EVERYONE, description_key="cmd.help")


def run_client(loop, fake, work):
    """Run `work(client)` with a Zalo client on the fake server, closing it after."""

    async def go():
        client = ZaloClient(DEFAULT_TOKEN, fake.url, timeout=3)
        try:
            return await work(client)
        finally:
            await client.aclose()

    return loop.run(go())


# --- the client: every answer checked ------------------------------------------------------


def test_ok_false_on_http_200_is_an_error_with_its_code(loop, fake, zalo: FakeZaloBot):
    lan = zalo.user("Lan")
    lan.send_text("xin chào")  # the chat may now be written to
    zalo.inject("sendMessage", Fault.ok_false(400, "Text is invalid", status=200))

    async def send(client):
        with pytest.raises(ZaloBadRequest) as raised:
            await client.send_message(lan.user_id, "Chào chị")
        return raised.value

    error = run_client(loop, fake, send)
    assert (error.code, error.description) == (400, "Text is invalid")
    assert zalo.calls_to("sendMessage")[0].status == 200  # HTTP said fine; the body did not
    assert lan.messages == []


def test_error_codes_are_read_from_errorCode_too(loop, fake, zalo: FakeZaloBot):
    async def info(client):
        with pytest.raises(ZaloNotFound) as raised:
            await client.get_webhook_info()  # no webhook: {ok:false, errorCode:404}
        return raised.value

    assert run_client(loop, fake, info).code == 404


def test_quota_and_server_errors_are_typed(loop, fake, zalo: FakeZaloBot):
    lan = zalo.user("Lan")
    lan.send_text("xin chào")
    zalo.inject("sendMessage", Fault.quota())
    zalo.inject("sendMessage", Fault.quota(status=200))
    zalo.inject("sendMessage", Fault.server_error(502))

    async def three(client):
        errors = []
        for _ in range(3):
            try:
                await client.send_message(lan.user_id, "Chào chị")
            except (ZaloRateLimited, ZaloServerError) as error:
                errors.append(error)
        return errors

    quota, quota_on_200, server = run_client(loop, fake, three)
    assert quota.quota and quota_on_200.quota and quota.retry_after >= 3600
    assert isinstance(server, ZaloServerError) and server.code == 502


def test_a_wrong_token_is_refused_without_showing_it(loop, fake):
    async def get_me():
        client = ZaloClient("999:wrong-secret-token-abc", fake.url, timeout=3)
        try:
            with pytest.raises(ZaloUnauthorized) as raised:
                await client.get_me()
            return raised.value
        finally:
            await client.aclose()

    error = loop.run(get_me())
    assert error.code == 401 and "wrong-secret-token-abc" not in str(error)


# --- polling -------------------------------------------------------------------------------


def test_empty_polls_are_not_errors(start_zalo, zalo: FakeZaloBot, caplog):
    caplog.set_level(logging.INFO)
    zalo.inject("getUpdates", Fault.empty_poll(status=200), times=2)  # ok:false on HTTP 200
    zalo.inject("getUpdates", Fault.empty_poll(status=408), times=2)  # and on HTTP 408
    bot = start_zalo()
    zalo.wait_until(lambda: len(zalo.calls_to("getUpdates")) >= 4, what="four polls")
    lan = zalo.user("Lan")
    assert "Các lệnh bạn dùng được" in bot.say(lan, "/help")
    poller = bot.channel._poller
    assert poller is not None and poller.empty_polls >= 4 and poller.failures == 0
    assert not [r for r in caplog.records if r.name.startswith("bot.zalo") and r.levelno >= 30]


def test_failed_and_dropped_polls_are_retried(start_zalo, zalo: FakeZaloBot):
    zalo.inject("getUpdates", Fault.ok_false(500, "Internal error", status=200))
    zalo.inject("getUpdates", Fault.server_error(503))
    zalo.inject("getUpdates", Fault.timeout(delay=0.1))  # the connection drops unanswered
    bot = start_zalo()
    lan = zalo.user("Lan")
    assert "Các lệnh bạn dùng được" in bot.say(lan, "/help")
    assert bot.channel._poller is not None and bot.channel._poller.failures == 3


def test_a_slow_send_still_arrives(start_zalo, zalo: FakeZaloBot):
    zalo.inject("sendMessage", Fault.slow(0.3))
    bot = start_zalo()
    assert "Các lệnh bạn dùng được" in bot.say(zalo.user("Lan"), "/help")


# --- what users send and read ---------------------------------------------------------------


def test_a_5000_character_reply_is_split_in_order_and_whole(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo(setup=with_test_commands)
    lan = zalo.user("Lan")
    bot.say(lan, "/dai")
    parts = [m.text for m in lan.messages]
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == long_text()  # cut at line ends: nothing lost, order kept

    bot.say(lan, "/motdong")
    pieces = [m.text for m in lan.messages[3:]]
    assert len(pieces) == 4 and all(len(p) <= 2000 for p in pieces)
    assert " ".join(pieces).split() == [f"từ{n}" for n in range(1200)]


def test_stickers_and_hidden_messages_get_a_polite_answer(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo()
    lan = zalo.user("Lan")
    sticker = lan.send_sticker()
    bot.settle(sticker)
    assert "chỉ đọc được tin nhắn chữ và ảnh" in lan.messages[-1].text
    bot.settle(lan.send_unsupported())
    assert len(lan.messages) == 2
    # A photo nobody asked for is answered by the handlers, not dropped.
    assert "chưa cần tệp" in bot.send_photo(lan, zalo.host_photo(b"jpeg"))


def test_messages_from_bots_are_ignored(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo()
    other = zalo.user("Bot khác")
    update = other.text_update("/help")
    update["message"]["from"]["is_bot"] = True
    zalo.push(update)
    bot.settle(update)
    assert other.messages == []


# --- quota, blocked users, and the outbox ----------------------------------------------------


def secretariat_on_telegram(app) -> int:
    return add_person(app, "Lê Thu Hà", role=MemberRole.secretariat, chats=(("telegram", "1001"),))


def test_a_reply_refused_for_quota_waits_in_the_outbox(start_zalo, zalo: FakeZaloBot, clock):
    bot = start_zalo(setup=with_test_commands)
    secretariat_on_telegram(bot.app)
    lan = zalo.user("Lan")
    zalo.inject("sendMessage", Fault.quota(), chat_id=lan.user_id)
    update = lan.send_text("/hai")
    bot.settle(update)
    assert lan.messages == []

    with bot.app.make_session() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    (kept,) = [r for r in rows if r.channel == "zalo"]
    assert kept.text == "Phần một.\n\nPhần hai."  # one row: the replies keep their order
    assert kept.next_attempt_at == clock.now() + timedelta(hours=1)
    notice = [r for r in rows if r.channel == "telegram"]
    assert len(notice) == 1 and "hết hạn mức tin nhắn" in notice[0].text

    # An hour later the dispatcher sends it, through the Zalo channel.
    clock.advance(timedelta(hours=1))
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    assert bot.loop.run(dispatcher.drain(), timeout=15).sent == 1
    assert lan.texts == ["Phần một.\n\nPhần hai."]


def outbox_row(
    app,
    chat_id: str,
    text: str = "Nhắc việc: hạn nộp 30/11/2026.",
    options: tuple[tuple[str, str], ...] = (("Báo cáo ngay", "/report"),),
) -> int:
    with transaction(app.make_session) as session:
        row = enqueue(
            session,
            dedupe_key=f"test:{chat_id}:{text[:20]}",
            channel="zalo",
            chat_id=chat_id,
            kind="reminder",
            text=text,
            clock=app.clock,
            options=list(options),
        )
        assert row is not None and row.id is not None
        return row.id


def test_an_outbox_message_hit_by_the_quota_is_retried_later(
    start_zalo, zalo: FakeZaloBot, clock, caplog
):
    caplog.set_level(logging.DEBUG)
    bot = start_zalo()
    secretariat_on_telegram(bot.app)
    lan = zalo.user("Lan")
    bot.settle(lan.send_text("xin chào"))
    row_id = outbox_row(bot.app, lan.user_id)
    zalo.inject("sendMessage", Fault.quota())
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    report = bot.loop.run(dispatcher.drain(), timeout=15)
    assert (report.sent, report.retried) == (0, 1)
    with bot.app.make_session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None and row.status == "pending" and row.attempts == 0
        assert row.next_attempt_at == clock.now() + timedelta(hours=1)
        assert "Quota exceeded" in row.last_error and SECRET_PART not in row.last_error
        notices = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "telegram"))
        assert len(notices.all()) == 1

    clock.advance(timedelta(hours=1))
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    assert bot.loop.run(dispatcher.drain(), timeout=15).sent == 1
    message = lan.messages[-1]
    assert message.text == "Nhắc việc: hạn nộp 30/11/2026.\n\n1. Báo cáo ngay\n" + (
        "(Trả lời bằng số thứ tự, ví dụ: 1)"
    )
    assert SECRET_PART not in caplog.text


def test_a_user_who_blocked_the_bot_is_marked_and_the_secretariat_told(
    start_zalo, zalo: FakeZaloBot, clock
):
    bot = start_zalo()
    secretariat_on_telegram(bot.app)
    lan = zalo.user("Lan")
    bot.settle(lan.send_text("xin chào"))
    add_person(bot.app, "Nguyễn Thị Lan", agency="so-yte", chats=(("zalo", lan.user_id),))
    row_id = outbox_row(bot.app, lan.user_id)
    lan.block_bot()
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    assert bot.loop.run(dispatcher.drain(), timeout=15).failed == 1
    with bot.app.make_session() as session:
        assert session.get(OutboxMessage, row_id).status == "failed"  # type: ignore[union-attr]
        identity = session.exec(select(Identity).where(Identity.channel == "zalo")).one()
        assert identity.reachable is False
        notice = session.exec(
            select(OutboxMessage).where(OutboxMessage.channel == "telegram")
        ).one()
        assert "Nguyễn Thị Lan (Sở Y tế)" in notice.text and "chặn bot" in notice.text


def test_part_of_a_long_outbox_message_is_never_sent_twice(start_zalo, zalo: FakeZaloBot, clock):
    bot = start_zalo()
    lan = zalo.user("Lan")
    bot.settle(lan.send_text("xin chào"))
    outbox_row(bot.app, lan.user_id, long_text(), options=())
    # The first part goes out, then Zalo refuses for quota: the rest waits in its own row.
    zalo.inject("sendMessage", Fault.quota(), after=1)
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    greeted = len(lan.messages)
    assert bot.loop.run(dispatcher.drain(), timeout=15).sent == 1
    assert len(lan.messages) == greeted + 1

    clock.advance(timedelta(hours=1))
    dispatcher = Dispatcher(make_session=bot.app.make_session, clock=clock, channels=[bot.channel])
    assert bot.loop.run(dispatcher.drain(), timeout=15).sent == 1
    parts = lan.texts[greeted:]
    assert len(parts) == 3 and "\n".join(parts) == long_text()


def test_the_token_never_reaches_the_logs(start_zalo, zalo: FakeZaloBot, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # `baocao run` quiets it; not here
    zalo.inject("getUpdates", Fault.server_error())
    zalo.inject("sendMessage", Fault.server_error())
    bot = start_zalo()
    lan = zalo.user("Lan")
    bot.settle(lan.send_text("/help"))
    assert SECRET_PART not in caplog.text and DEFAULT_TOKEN not in caplog.text
    assert "httpx" in {r.name for r in caplog.records}  # httpx did log its URLs, redacted


def test_an_update_that_failed_is_handled_at_the_next_start(
    start_zalo, zalo: FakeZaloBot, loop, monkeypatch
):
    bot = start_zalo()
    lan = zalo.user("Lan")
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(bot.app.dispatcher, "handle", broken)
    update = lan.send_text("/help")
    row = support.wait_for(lambda: (r := bot.handled(update)) and r.last_error and r)
    assert "database gone" in row.last_error and row.handled_at is None
    assert lan.messages == []

    loop.run(bot.channel.stop())
    monkeypatch.undo()
    again = start_zalo(app=bot.app)
    again.settle(update)
    assert len(lan.wait_for_messages(1)) == 1 and "Các lệnh" in lan.messages[0].text


def test_an_update_that_keeps_failing_is_set_aside(start_zalo, zalo: FakeZaloBot, loop):
    bot = start_zalo()
    lan = zalo.user("Lan")
    loop.run(bot.channel.stop())
    update = lan.text_update("/help")
    with transaction(bot.app.make_session) as session:
        row = inbound.store_update(
            session,
            channel="zalo",
            update_key=update_key(update),
            payload=update,
            clock=bot.app.clock,
        )
        assert row is not None
        row.attempts = adapter_inbox.MAX_ATTEMPTS
    again = start_zalo(app=bot.app)
    again.settle(update)
    assert "set aside" in again.handled(update).last_error  # type: ignore[union-attr]
    assert lan.messages == []


def test_every_method_the_adapter_uses_against_the_fake(loop, fake, zalo: FakeZaloBot):
    lan = zalo.user("Lan")
    lan.send_text("xin chào")
    photo = zalo.host_photo(b"jpeg")

    async def everything(client):
        me = await client.get_me()
        hook = await client.set_webhook(url="https://bot.example/zalo", secret_token="s" * 8)
        info = await client.get_webhook_info()
        gone = await client.delete_webhook()
        sent = await client.send_photo(lan.user_id, photo, caption="Ảnh minh chứng")
        await client.send_chat_action(lan.user_id)
        return me, hook, info, gone, sent

    me, hook, info, gone, sent = run_client(loop, fake, everything)
    assert (me.id, me.account_name) == (zalo.id, "baocao")
    assert hook.url == info.url == "https://bot.example/zalo" and gone.url == ""
    assert info.updated_at is not None and sent.date is not None  # milliseconds, read
    assert lan.messages[-1].photo == photo and lan.messages[-1].text == "Ảnh minh chứng"
    assert zalo.chat_actions == [(lan.user_id, "typing")]


def test_a_slow_answer_shows_typing(start_zalo, zalo: FakeZaloBot):
    release = threading.Event()

    def slow(ctx: Context, args: str) -> list[Reply]:
        release.wait(5)
        return [Reply("Xong.")]

    def setup(app) -> None:
        app.dispatcher.registry.command("cham", slow, roles=EVERYONE, description_key="cmd.help")

    bot = start_zalo(setup=setup, options=replace(support.QUICK, typing_after=0.05))
    lan = zalo.user("Lan")
    update = lan.send_text("/cham")
    zalo.wait_until(lambda: zalo.chat_actions, what="the typing indicator")
    release.set()
    bot.settle(update)
    assert lan.texts == ["Xong."] and zalo.chat_actions == [(lan.user_id, "typing")]
