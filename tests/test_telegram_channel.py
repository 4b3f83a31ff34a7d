"""The Telegram channel end to end: the real python-telegram-bot Application, polling (or
receiving webhooks from) the fake Bot API server over HTTP (issue 3).

Tests wait on conditions with deadlines (`wait_for_messages`, `wait_until`), never on time.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from sqlmodel import select

from bot.adapter.notices import record_blocked
from bot.app import App
from bot.channels import start_channels
from bot.telegram import Limits, TelegramChannel, TelegramOptions, TelegramStartError, Timeouts
from handlers.context import Context, Role
from handlers.events import IncomingEvent, Option, OutgoingFile, Reply
from handlers.flows import StepFlow
from handlers.messages import translate
from scheduler.delivery import DeliveryError
from storage.conversations import get_state
from storage.db import transaction
from storage.models import (
    Agency,
    ConversationState,
    Identity,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    Person,
)
from tests.fakes.telegram_api import FakeBot, FakeTelegram, Fault, LoopThread, post_update
from tests.people import invite_code

EVERYONE = {Role.stranger, Role.focal, Role.secretariat}
QUICK = TelegramOptions(
    limits=Limits.unlimited(),
    timeouts=Timeouts(connect=2, read=2, write=2, pool=2, long_poll=5),
)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def tg(fake: FakeTelegram) -> FakeBot:
    return fake.add_bot()


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    with LoopThread() as thread:
        yield thread


@dataclass
class RunningBot:
    app: App
    channel: TelegramChannel
    loop: LoopThread
    waits: list[float]  # what the channel asked to wait (429 retry_after, backoff)

    def deliver(self, chat_id: str, reply: Reply) -> None:
        self.loop.run(self.channel.deliver(chat_id, reply))


@pytest.fixture
def start_bot(make_app, fake: FakeTelegram, tg: FakeBot, loop: LoopThread):
    """Start the channel on a fresh App: start_bot(setup=..., options=..., **settings)."""
    started: list[TelegramChannel] = []

    def start(
        *,
        setup: Callable[[App], None] | None = None,
        options: TelegramOptions = QUICK,
        **settings: object,
    ) -> RunningBot:
        app = make_app(telegram_token=tg.token, telegram_api_url=fake.url, **settings)
        if setup is not None:
            setup(app)
        waits: list[float] = []

        async def sleep(seconds: float) -> None:  # recorded, not slept: tests wait on events
            waits.append(seconds)
            await asyncio.sleep(0)

        channel = TelegramChannel(app, replace(options, sleep=sleep))
        loop.run(channel.start())
        started.append(channel)
        return RunningBot(app, channel, loop, waits)

    yield start
    for channel in started:
        loop.run(channel.stop(), timeout=10)


# --- a tiny flow with options and a file, registered by the tests that need one ------------

EVIDENCE = "test_evidence"
SLOW_VALUE = "ongoing-" + "x" * 70  # longer than Telegram's 64 bytes of callback data


class EvidenceFlow(StepFlow):
    name = EVIDENCE

    def step_status(self, ctx: Context, state: ConversationState, event) -> list[Reply]:
        return [ctx.ask(EVIDENCE, "file", {"status": event.choice}, "Gửi tệp minh chứng.")]

    def step_file(self, ctx: Context, state: ConversationState, event) -> list[Reply]:
        if event.attachment is None:
            return [Reply("Cần một tệp.")]
        file = event.attachment
        data = {"status": state.data["status"], "file_ref": file.file_ref, "note": event.text}
        data |= {"file_name": file.file_name, "size": file.size, "mime_type": file.mime_type}
        ctx.save_flow(EVIDENCE, "done", data)
        return [Reply(f"Đã nhận tệp {file.file_name}.")]


def evidence(ctx: Context, args: str) -> list[Reply]:
    options = (Option("Đã hoàn thành", "done"), Option("Đang <làm> & chậm", SLOW_VALUE))
    return [ctx.ask(EVIDENCE, "status", {}, "Nhiệm vụ 1: tình hình <thực hiện>?", options)]


def with_evidence_flow(app: App) -> None:
    app.dispatcher.registry.flow(EvidenceFlow())
    app.dispatcher.registry.command(
        "minhchung", evidence, roles=EVERYONE, description_key="cmd.help"
    )


def add_person(app: App, user_id: int, role: MemberRole, name: str, agency: str = "so-yte"):
    """A registered person with a Telegram identity, written straight to the database."""
    with transaction(app.make_session) as session:
        now = app.clock.now()
        person = Person(full_name=name, position="Chuyên viên", created_at=now)
        session.add(person)
        session.flush()
        chat = str(user_id)
        session.add(
            Identity(
                person_id=person.id,
                channel="telegram",
                external_id=chat,
                chat_id=chat,
                created_at=now,
            )
        )
        agency_id = session.exec(select(Agency.id).where(Agency.code == agency)).one()
        session.add(
            Membership(
                person_id=person.id,
                agency_id=agency_id if role == MemberRole.focal else None,
                role=role,
                status=MemberStatus.active,
                created_at=now,
            )
        )


def command_names(app: App, *roles: Role) -> list[str]:
    chosen = [c for c in app.dispatcher.registry.commands.values() if c.roles & set(roles)]
    return [c.name for c in sorted(chosen, key=lambda c: (c.order, c.name))]


# --- acceptance: the whole conversation ---------------------------------------------------


def test_a_focal_point_registers_asks_for_help_presses_buttons_and_sends_a_document(
    start_bot, tg: FakeBot
):
    bot = start_bot(setup=with_evidence_flow)
    lan = tg.user(4201, "Lan", username="lan_syt")

    lan.send_text(f"/start {invite_code(bot.app, 'so-yte')}")
    assert "Sở Y tế" in lan.wait_for_messages(1)[0].text
    # getUpdates answered: the health heartbeat has a last poll to report
    assert bot.channel.mode == "polling" and bot.channel.last_activity is not None
    lan.send_text("Nguyễn Thị Lan")
    lan.wait_for_messages(2)
    lan.send_text("Chuyên viên Phòng Nghiệp vụ Y")
    confirm = lan.wait_for_messages(3)[-1]
    assert "Họ và tên: Nguyễn Thị Lan" in confirm.text
    assert [label for label, _ in confirm.buttons] == ["Đúng, đăng ký", "Nhập lại"]

    lan.press(confirm, "Đúng, đăng ký")
    assert "Đăng ký thành công" in lan.wait_for_messages(4)[-1].text
    assert len(tg.callback_answers) == 1  # the button's spinner was stopped
    pressed = lan.messages[2]
    assert pressed.buttons == [] and pressed.text.endswith("Đã chọn: Đúng, đăng ký")
    with bot.app.make_session() as session:
        identity = session.exec(select(Identity)).one()
        assert (identity.channel, identity.external_id, identity.chat_id) == (
            "telegram",
            "4201",
            "4201",
        )
        membership = session.exec(select(Membership)).one()
        assert (membership.role, membership.status) == ("focal", "active")
    # the new focal point's chat now has the focal point's command menu
    tg.wait_until(lambda: tg.has_menu(chat_id=4201), what="a focal point's menu")
    assert [name for name, _ in tg.menu(chat_id=4201)] == command_names(bot.app, Role.focal)

    lan.send_text("/help")
    help_text = lan.wait_for_messages(5)[-1].text
    assert help_text.startswith("Các lệnh bạn dùng được:")
    assert all(f"/{name}" in help_text for name in command_names(bot.app, Role.focal))
    assert "/invite" not in help_text

    lan.send_text("/minhchung")
    ask = lan.wait_for_messages(6)[-1]
    assert ask.text == "Nhiệm vụ 1: tình hình <thực hiện>?"  # shown exactly as the handler wrote
    assert [label for label, _ in ask.buttons] == ["Đã hoàn thành", "Đang <làm> & chậm"]
    lan.press(ask, "Đang <làm> & chậm")  # a value too long for callback data
    assert lan.wait_for_messages(7)[-1].text == "Gửi tệp minh chứng."

    pdf = b"%PDF-1.4 bao cao tinh hinh thuc hien"
    lan.send_document(pdf, "bao-cao-2026.pdf", caption="Bản scan có dấu")
    assert lan.wait_for_messages(8)[-1].text == "Đã nhận tệp bao-cao-2026.pdf."
    with bot.app.make_session() as session:
        state = get_state(session, channel="telegram", chat_id="4201")
        assert state is not None and (state.flow, state.step) == (EVIDENCE, "done")
        stored = state.data
    assert stored["status"] == SLOW_VALUE and stored["note"] == "Bản scan có dấu"
    assert (stored["file_name"], stored["size"], stored["mime_type"]) == (
        "bao-cao-2026.pdf",
        len(pdf),
        "application/pdf",
    )
    # the handlers' file_ref fetches the very bytes (getFile, then the download URL)
    assert bot.loop.run(bot.channel.fetch_file(stored["file_ref"])) == pdf
    assert len(lan.messages) == 8  # nothing sent twice


def test_a_stranger_gets_the_welcome_and_the_default_menu(start_bot, tg: FakeBot):
    bot = start_bot()
    stranger = tg.user(4300, "Khách")
    assert tg.menu() == [
        (name, translate(bot.app.dispatcher.registry.commands[name].description_key, "vi"))
        for name in command_names(bot.app, Role.stranger)
    ]
    stranger.send_text("/start")
    [welcome] = stranger.wait_for_messages(1)
    assert welcome.text.startswith("Xin chào! Đây là baocao")
    assert "/start MÃ_MỜI" in welcome.text
    stranger.send_text("xin chào")
    assert stranger.wait_for_messages(2)[-1].text.startswith("Bot chưa hiểu tin nhắn này.")
    assert not tg.has_menu(chat_id=4300)


def test_known_people_get_their_roles_menus_when_the_bot_starts(start_bot, tg: FakeBot):
    def people(app: App) -> None:
        add_person(app, 5001, MemberRole.secretariat, "Trần Văn Thư")
        add_person(app, 5002, MemberRole.focal, "Lê Thị Mai")

    bot = start_bot(setup=people, admins="telegram:5003")
    tg.wait_until(
        lambda: all(tg.has_menu(chat_id=c) for c in (5001, 5002, 5003)), what="three menus"
    )
    secretariat = [name for name, _ in tg.menu(chat_id=5001)]
    assert secretariat == command_names(bot.app, Role.secretariat)
    assert "invite" in secretariat and "away" not in secretariat
    assert [name for name, _ in tg.menu(chat_id=5003)] == secretariat  # admin by setting
    focal = [name for name, _ in tg.menu(chat_id=5002)]
    assert "away" in focal and "invite" not in focal
    assert all(description for _, description in tg.menu(chat_id=5001))


def test_a_focal_point_who_leaves_falls_back_to_the_default_menu(start_bot, tg: FakeBot):
    start_bot(setup=lambda app: add_person(app, 5401, MemberRole.focal, "Lê Thị Mai"))
    tg.wait_until(lambda: tg.has_menu(chat_id=5401), what="the focal point's menu")
    mai = tg.user(5401)
    mai.send_text("/leave")
    mai.press(mai.wait_for_messages(1)[0], "Rời vai trò")
    mai.wait_for_messages(2)
    tg.wait_until(lambda: not tg.has_menu(chat_id=5401), what="the chat's own menu removed")


# --- replies: escaping, splitting, files, oddities -----------------------------------------


def test_long_replies_are_split_at_line_ends_and_every_character_is_escaped(start_bot, tg):
    report = "\n".join(f"Nhiệm vụ {n}: <b>đạt</b> 100% & đúng hạn" for n in range(200))

    def long_reply(app: App) -> None:
        app.dispatcher.registry.command(
            "dai", lambda ctx, args: [Reply(report)], roles=EVERYONE, description_key="cmd.help"
        )

    start_bot(setup=long_reply)
    user = tg.user(4401)
    user.send_text("/dai")
    first, second = user.wait_for_messages(2)
    assert first.text + "\n" + second.text == report  # nothing lost, nothing interpreted
    assert "&lt;b&gt;" in first.html and "&amp;" in second.html
    assert second.text.startswith("Nhiệm vụ")  # cut between lines


def test_an_export_is_sent_as_a_document(start_bot, tg: FakeBot, fake: FakeTelegram):
    table = b"PK\x03\x04 fake xlsx bytes"

    def export(app: App) -> None:
        reply = Reply("Bảng tổng hợp <2026>", file=OutgoingFile("tong-hop-2026.xlsx", table))
        app.dispatcher.registry.command(
            "xuat", lambda ctx, args: [reply], roles=EVERYONE, description_key="cmd.help"
        )

    start_bot(setup=export)
    user = tg.user(4402)
    user.send_text("/xuat")
    [message] = user.wait_for_messages(1)
    assert message.document["file_name"] == "tong-hop-2026.xlsx"
    assert message.text == "Bảng tổng hợp <2026>"
    assert tg.files[message.document["file_id"]].data == table


def test_a_file_over_the_limit_is_refused_with_a_clear_message(start_bot, tg: FakeBot):
    bot = start_bot(setup=with_evidence_flow, max_upload_mb=5)
    user = tg.user(4403)
    user.send_text("/minhchung")
    user.press(user.wait_for_messages(1)[0], "Đã hoàn thành")
    user.wait_for_messages(2)
    user.send_document(b"...", "scan.pdf", claimed_size=12 * 1024 * 1024)
    refused = user.wait_for_messages(3)[-1].text
    assert refused.startswith("Tệp “scan.pdf” quá lớn (12,0 MB). Bot chỉ nhận tệp tối đa 5 MB.")
    with bot.app.make_session() as session:  # the flow still waits for a file
        assert get_state(session, channel="telegram", chat_id="4403").step == "file"
    user.send_photo(b"\xff\xd8 jpeg bytes")  # a photo is an attachment too
    assert user.wait_for_messages(4)[-1].text.startswith("Đã nhận tệp photo_")


def test_a_stale_button_is_answered_politely(start_bot, tg: FakeBot):
    start_bot(setup=with_evidence_flow)
    user = tg.user(4404)
    user.send_text("/minhchung")
    ask = user.wait_for_messages(1)[0].snapshot()
    user.press(ask, "Đã hoàn thành")
    user.wait_for_messages(2)
    assert user.messages[0].buttons == []  # the bot took the buttons away...
    user.press(ask, "Đã hoàn thành")  # ...but say an old copy of them is pressed again
    assert user.wait_for_messages(3)[-1].text == translate("stale.option", "vi")
    assert len(tg.callback_answers) == 2


def test_stickers_and_the_like_get_a_short_explanation(start_bot, tg: FakeBot):
    start_bot()
    user = tg.user(4405)
    user.send_sticker()
    assert user.wait_for_messages(1)[0].text.startswith("Bot chỉ đọc được tin nhắn chữ")


def test_a_slow_answer_shows_typing(start_bot, tg: FakeBot):
    release = threading.Event()

    def slow(app: App) -> None:
        def wait(ctx: Context, args: str) -> list[Reply]:
            assert release.wait(5)
            return [Reply("Xong.")]

        app.dispatcher.registry.command("cham", wait, roles=EVERYONE, description_key="cmd.help")

    start_bot(setup=slow, options=replace(QUICK, typing_after=0.05))
    user = tg.user(4406)
    user.send_text("/cham")
    tg.wait_until(lambda: (4406, "typing") in tg.chat_actions, what="typing…")
    release.set()
    assert user.wait_for_messages(1)[0].text == "Xong."


# --- baocao run ------------------------------------------------------------------------------


def test_baocao_run_starts_telegram_only_when_the_token_is_set(make_app, fake, tg, loop):
    without = make_app()
    assert loop.run(start_channels(without)) == []
    app = make_app(telegram_token=tg.token, telegram_api_url=fake.url)
    channels = loop.run(start_channels(app))
    try:
        assert [c.name for c in channels] == ["telegram"]
        assert channels[0].mode == "polling"
        user = tg.user(4501)
        user.send_text("/help")
        assert user.wait_for_messages(1)[0].text.startswith("Các lệnh bạn dùng được:")
        assert [c.method for c in tg.calls[:2]] == ["getMe", "setMyCommands"]
    finally:
        for channel in channels:
            loop.run(channel.stop())


# --- faults ----------------------------------------------------------------------------------


def sends(tg: FakeBot, chat_id: int) -> list[int]:
    """The HTTP status of every sendMessage the bot tried in one chat (0: no answer)."""
    return [c.status for c in tg.calls_to("sendMessage") if c.params.get("chat_id") == str(chat_id)]


def test_a_429_waits_retry_after_and_the_reply_goes_out_once(start_bot, tg: FakeBot):
    bot = start_bot()
    user = tg.user(4601)
    tg.inject("sendMessage", Fault.too_many_requests(retry_after=3))
    user.send_text("/help")
    assert user.wait_for_messages(1)[0].text.startswith("Các lệnh bạn dùng được:")
    assert sends(tg, 4601) == [429, 200]
    assert bot.waits == [3.0]  # it waited what Telegram asked, then retried


def test_server_errors_and_timeouts_retry_with_backoff(start_bot, tg: FakeBot):
    options = replace(QUICK, timeouts=replace(QUICK.timeouts, read=0.3))
    bot = start_bot(options=options)
    user = tg.user(4602)
    tg.inject("sendMessage", Fault.server_error(500), times=2)
    tg.inject("sendMessage", Fault.timeout(delay=3))  # held past the bot's read timeout, lost
    user.send_text("/help")
    user.wait_for_messages(1)
    assert sends(tg, 4602) == [500, 500, 0, 200]
    assert bot.waits == [0.5, 1.0, 2.0]


@pytest.mark.both_databases
def test_with_faults_everywhere_no_update_is_lost_and_nothing_is_sent_twice(start_bot, tg):
    bot = start_bot()
    users = [tg.user(4610 + n) for n in range(3)]
    tg.inject("sendMessage", Fault.too_many_requests(2), chat_id=4610)
    tg.inject("sendMessage", Fault.server_error(502), chat_id=4611, times=3)
    tg.inject("sendMessage", Fault.slow(0.2), chat_id=4612)  # answered late, but answered
    tg.inject("getUpdates", Fault.server_error(500))
    said = ["/help", "xin chào", "/whoami"]
    for text in said:
        for user in users:
            user.send_text(text)
    for user in users:
        help_, unknown, whoami = (m.text for m in user.wait_for_messages(3))
        assert help_.startswith("Các lệnh bạn dùng được:")  # in the order they were sent
        assert unknown.startswith("Bot chưa hiểu tin nhắn này.")
        assert (
            whoami
            == bot.app.dispatcher.handle(
                IncomingEvent("telegram", str(user.user_id), str(user.user_id), text="/whoami")
            )[0].text
        )
    tg.wait_until(lambda: tg.pending_updates == 0, what="every update confirmed")
    delivered = [c for c in tg.calls_to("sendMessage") if c.status == 200]
    assert len(delivered) == len(tg.sent) == 9  # nine answers, none twice


def test_a_user_who_blocked_the_bot_is_flagged_and_the_secretariat_told(start_bot, tg, monkeypatch):
    def people(app: App) -> None:
        add_person(app, 4701, MemberRole.focal, "Lê Thị Mai", agency="so-yte")
        add_person(app, 4702, MemberRole.secretariat, "Trần Văn Thư")

    recorded = threading.Event()

    def record_then_signal(*args, **kwargs):
        try:
            return record_blocked(*args, **kwargs)
        finally:
            recorded.set()

    monkeypatch.setattr("bot.adapter.notices.record_blocked", record_then_signal)
    bot = start_bot(setup=people)
    mai, other = tg.user(4701), tg.user(4703)
    mai.block_bot()
    mai.send_text("/help")  # the answer meets a 403
    other.send_text("/help")  # and the bot goes on serving others
    other.wait_for_messages(1)
    assert recorded.wait(5)
    assert not reachable(bot.app, "4701")
    with bot.app.make_session() as session:
        [notice] = session.exec(select(OutboxMessage)).all()
    assert (notice.channel, notice.chat_id, notice.kind) == ("telegram", "4702", "notice")
    assert notice.dedupe_key.startswith("blocked:telegram:4701:2026-11-02")
    assert "Lê Thị Mai (Sở Y tế)" in notice.text and "đã chặn bot" in notice.text
    assert mai.messages == []
    with pytest.raises(DeliveryError) as refused:  # a reminder to her cannot go either
        bot.deliver("4701", Reply("Nhắc hạn báo cáo"))
    assert refused.value.permanent
    with bot.app.make_session() as session:  # told once a day, not once per failed message
        assert len(session.exec(select(OutboxMessage)).all()) == 1


def reachable(app: App, chat_id: str) -> bool:
    with app.make_session() as session:
        identity = session.exec(select(Identity).where(Identity.chat_id == chat_id)).one()
        return identity.reachable


def test_a_reply_telegram_keeps_refusing_is_kept_in_the_outbox(start_bot, tg: FakeBot):
    bot = start_bot()
    user = tg.user(4801)
    tg.inject("sendMessage", Fault.server_error(500), times=5)  # every attempt fails
    user.send_text("/help")
    tg.wait_until(lambda: len(sends(tg, 4801)) == 5, what="five attempts")
    user.send_text("xin chào")  # the bot is still there
    assert user.wait_for_messages(1)[0].text.startswith("Bot chưa hiểu")

    def kept() -> list[OutboxMessage]:
        with bot.app.make_session() as session:
            return session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all()

    [row] = kept()
    assert (row.channel, row.chat_id) == ("telegram", "4801")
    assert row.text.startswith("Các lệnh bạn dùng được:")


def test_a_failure_inside_one_update_gets_an_apology_and_others_are_served(
    start_bot, tg: FakeBot, caplog
):
    bot = start_bot()
    handle = bot.app.dispatcher.handle

    def broken_for_one(event: IncomingEvent, **kwargs: object) -> list[Reply]:
        if event.user_id == "4901":
            raise RuntimeError("database went away")
        return handle(event, **kwargs)  # type: ignore[arg-type]

    bot.app.dispatcher.handle = broken_for_one  # type: ignore[method-assign]
    unlucky, lucky = tg.user(4901), tg.user(4902)
    unlucky.send_text("/help")
    lucky.send_text("/help")
    assert unlucky.wait_for_messages(1)[0].text == translate("error.internal", "vi")
    assert lucky.wait_for_messages(1)[0].text.startswith("Các lệnh bạn dùng được:")
    [record] = [r for r in caplog.records if "failed: chat=4901" in r.getMessage()]
    assert "user=4901 kind=text" in record.getMessage()
    assert "database went away" in record.getMessage()


def test_outbox_deliveries_report_what_went_wrong(start_bot, tg: FakeBot):
    bot = start_bot()
    user = tg.user(5101)
    bot.deliver(
        "5101", Reply("Còn 3 ngày đến hạn nộp báo cáo.", (Option("Báo cáo ngay", "/report"),))
    )
    [reminder] = user.wait_for_messages(1)
    assert reminder.buttons == [("Báo cáo ngay", "/report")]

    tg.inject("sendMessage", Fault.too_many_requests(retry_after=120))  # too long to sit out
    with pytest.raises(DeliveryError) as flood:
        bot.deliver("5101", Reply("Nhắc lại"))
    assert (flood.value.retry_after, flood.value.permanent) == (120, False)

    tg.inject("sendMessage", Fault.server_error(500), times=5)
    with pytest.raises(DeliveryError) as down:
        bot.deliver("5101", Reply("Nhắc lại"))
    assert down.value.retry_after is None and not down.value.permanent

    with pytest.raises(DeliveryError) as unknown:
        bot.deliver("999999", Reply("Ai đây?"))  # never wrote to the bot: chat not found
    assert unknown.value.permanent
    assert len(user.messages) == 1


def test_the_token_never_reaches_the_logs(start_bot, tg: FakeBot, fake, loop, make_app, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # baocao run quiets it; a test may have
    bot = start_bot()
    user = tg.user(5201)
    tg.inject("sendMessage", Fault.server_error(500))
    user.send_text("/help")
    user.wait_for_messages(1)
    assert "/bot***/" in caplog.text  # httpx's request lines, redacted
    bot.loop.run(bot.channel.stop())

    wrong = "999999:WRONG-token-must-not-leak"
    app = make_app(telegram_token=wrong, telegram_api_url=fake.url)
    with pytest.raises(TelegramStartError) as refused:
        loop.run(TelegramChannel(app, QUICK).start())
    assert "BAOCAO_TELEGRAM_TOKEN" in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__context__ is None
    for secret in (tg.token, wrong):
        assert secret not in caplog.text
        assert secret not in str(refused.value)


# --- webhook -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_requests_without_the_secret_are_refused(start_bot, tg: FakeBot):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    secret = "s3cret_Token-for-tests"
    bot = start_bot(
        telegram_webhook_url=url,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret=secret,
    )
    assert bot.channel.mode == "webhook"
    assert bot.channel.last_activity is not None  # since start, until the first update
    assert tg.webhook == {"url": url, "secret_token": secret}
    user = tg.user(5301)

    assert post_update(url, user.text_update("/help")) == 403
    assert post_update(url, user.text_update("/help"), secret_token="guessed") == 403
    assert post_update(url, user.text_update("/start"), secret_token=secret) == 200
    [welcome] = user.wait_for_messages(1)  # only the one with the secret was handled
    assert welcome.text.startswith("Xin chào! Đây là baocao")

    user.send_text("/help")  # Telegram (the fake) POSTs it, with the secret, to the webhook
    assert user.wait_for_messages(2)[-1].text.startswith("Các lệnh bạn dùng được:")
    # The reply can reach the fake before the webhook POST's own answer is recorded.
    tg.wait_until(lambda: tg.webhook_deliveries, what="the webhook delivery's status")
    assert tg.webhook_deliveries[-1][1] == 200
    assert tg.calls_to("getUpdates") == []
