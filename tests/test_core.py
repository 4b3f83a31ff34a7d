"""The channel-agnostic core: /start, /help per role, /cancel, options, stored state."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from dataclasses import dataclass

import pytest
from sqlmodel import select

from bot.app import App
from bot.settings import load_settings
from handlers.context import Context
from handlers.events import IncomingEvent, Option, Reply
from storage.models import AuditLog, ConversationState


def test_stranger_is_told_how_to_get_an_invite(chat_user):
    text = chat_user("42", channel="telegram").say("/start")
    assert "chưa được đăng ký" in text
    assert "Sở Khoa học và Công nghệ" in text
    assert "/start MÃ_MỜI" in text


def test_help_differs_for_strangers_and_the_secretariat(make_app):
    app = make_app(admins="telegram:1")
    stranger = app.dispatcher.handle(IncomingEvent("telegram", "2", "2", text="/help"))[0].text
    admin = app.dispatcher.handle(IncomingEvent("telegram", "1", "1", text="/help"))[0].text
    assert "/start" in stranger and "mã mời" in stranger
    assert "Kỳ báo cáo đang mở" not in stranger
    assert "Kỳ báo cáo đang mở: Báo cáo năm 2026" in admin and "30/11/2026" in admin


def test_help_in_english_when_configured(make_app):
    app = make_app(language="en")
    text = app.dispatcher.handle(IncomingEvent("console", "x", "x", text="/help"))[0].text
    assert "Commands you can use" in text


def test_unknown_command_and_free_text(chat_user):
    user = chat_user("7")
    assert "Không có lệnh /xoa" in user.say("/xoa")
    assert "chưa hiểu" in user.say("xin chào")
    assert "/start" in user.say("/START@baocao_bot")  # case and @botname are tolerated


@pytest.mark.both_databases
def test_stranger_refusal_is_audited(app, chat_user):
    app.dispatcher.registry.command(
        "secret",
        lambda ctx, args: [Reply("bí mật")],
        roles={"secretariat"},
        description_key="cmd.help",
    )
    assert "chưa đăng ký" in chat_user("9", channel="zalo").say("/secret")
    with app.make_session() as session:
        entry = session.exec(select(AuditLog)).one()
    assert (entry.action, entry.outcome, entry.channel, entry.external_id) == (
        "command:secret",
        "refused",
        "zalo",
        "9",
    )


@dataclass
class PickColour:
    """A two-step test flow: pick a colour (options), then type a word."""

    name: str = "pick"
    commands: frozenset[str] = frozenset()

    def start(self, ctx: Context, args: str) -> list[Reply]:
        return [
            ctx.ask(
                self.name,
                "colour",
                {},
                "Chọn màu",
                (Option("Đỏ", "c:red"), Option("Xanh", "c:blue")),
            )
        ]

    def on_input(self, ctx: Context, state: ConversationState, event: IncomingEvent) -> list[Reply]:
        if state.step == "colour":
            if event.choice is None:
                return [Reply("Hãy chọn một màu")]
            return [ctx.ask(self.name, "word", {"colour": event.choice}, "Gõ một từ")]
        ctx.end_flow()
        return [Reply(f"{state.data['colour']} {event.text}")]


def _with_flow(app: App) -> None:
    flow = PickColour()
    app.dispatcher.registry.flow(flow)
    app.dispatcher.registry.command(
        "pick", flow.start, roles={"stranger", "focal", "secretariat"}, description_key="cmd.help"
    )


def test_options_answered_by_number_label_or_button(app, chat_user):
    _with_flow(app)
    user = chat_user("5")
    first = user.send("/pick")[0]
    assert [o.label for o in first.options] == ["Đỏ", "Xanh"]
    assert user.say("2") == "Gõ một từ"
    assert user.say("mây") == "c:blue mây"
    user.send("/pick")
    assert user.say("đỏ") == "Gõ một từ"  # the label, any case
    user.say("/cancel")
    user.send("/pick")
    assert user.say("x", choice="c:red") == "Gõ một từ"  # a pressed button


def test_stale_button_is_answered_politely(app, chat_user):
    _with_flow(app)
    user = chat_user("5")
    assert "không còn hiệu lực" in user.say("", choice="c:red")  # no flow running
    user.send("/pick")
    assert "không còn hiệu lực" in user.say("", choice="c:green")  # not one of the options
    assert user.say("3") == "Hãy chọn một màu"  # out of range: the question again


def test_cancel_leaves_the_flow(app, chat_user):
    _with_flow(app)
    user = chat_user("5")
    assert "Không có việc gì" in user.say("/cancel")
    user.send("/pick")
    assert "Đã dừng" in user.say("/cancel")
    assert "chưa hiểu" in user.say("1")


@pytest.mark.both_databases
def test_conversation_resumes_after_a_restart(make_app, chat_user, db_url, clock):
    first = make_app()
    _with_flow(first)
    first.dispatcher.handle(IncomingEvent("console", "5", "5", text="/pick"))
    first.dispatcher.handle(IncomingEvent("console", "5", "5", text="1"))
    first.close()
    second = App.build(load_settings(database_url=db_url), clock=clock)
    try:
        _with_flow(second)
        reply = second.dispatcher.handle(IncomingEvent("console", "5", "5", text="gió"))
        assert reply[0].text == "c:red gió"
    finally:
        second.close()


def test_a_failing_handler_apologises_and_keeps_serving(app, chat_user):
    def boom(ctx, args):
        raise RuntimeError("bug")

    app.dispatcher.registry.command("boom", boom, roles={"stranger"}, description_key="cmd.help")
    user = chat_user("3")
    assert "Xin lỗi" in user.say("/boom")
    assert "/help" in user.say("/help")
    with app.make_session() as session:
        assert session.exec(select(AuditLog.outcome)).all() == ["error"]


@pytest.mark.processes
def test_quickstart_command_answers_help_in_vietnamese(tmp_path):
    """The README's first command: `baocao run` with no token opens the console chat (in a
    terminal: without one it refuses to start, see test_operator_startup)."""
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    ) as process:
        os.close(secondary)
        os.write(primary, b"/help\n/quit\n")
        stdout, stderr = process.communicate(timeout=120)
    os.close(primary)
    assert process.returncode == 0, stderr
    result = subprocess.CompletedProcess(process.args, 0, stdout, stderr)
    assert "Đã nạp kế hoạch có sẵn 452/KH-UBND" in result.stdout
    assert "BAOCAO_TELEGRAM_TOKEN" in result.stdout
    assert "Các lệnh bạn dùng được" in result.stdout
    assert (tmp_path / "data" / "baocao.db").exists()


@pytest.mark.both_databases
def test_a_person_who_writes_again_is_reachable_again(app):
    from storage.models import Identity
    from tests.people import register, say

    register(app, "u1")
    with app.make_session() as session:
        identity = session.exec(select(Identity)).one()
        identity.reachable = False
        session.add(identity)
        session.commit()
    assert "không nhắn được" in say(app, "operator", "/agencies")
    say(app, "u1", "/whoami")
    assert "không nhắn được" not in say(app, "operator", "/agencies")
