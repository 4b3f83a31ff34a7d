"""Whatever is typed is cleaned once at the edge, then stored or clearly refused (issue 18:
points 2, 6, 7 and 9)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

import tests.test_report_flow as report_walk
from handlers.events import IncomingEvent
from handlers.messages import translate
from handlers.validation import Invalid, check_free_text, check_percent, check_position
from storage.models import Person, ReportAnswer, Submission
from tests.people import register, say
from tests.plan_files import write_yaml
from tests.test_report_flow import reporting_plan

INVISIBLE = ["\u200b\u200b\u200b", "\x00", "\ufeff", " \u200b\n\u2060 ", "\u3164", "\u200d"]


@pytest.fixture
def app(make_app, tmp_path):
    """Plan 99/KH-TEST; u1 is a focal point of Sở A; the console operator is secretariat."""
    app = make_app(plan_file=str(write_yaml(tmp_path / "small.yaml", reporting_plan())))
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    return app


# --- 2: normalised once, where events are made ------------------------------------------------


def test_events_arrive_without_nul_controls_or_lone_surrogates():
    event = IncomingEvent(
        "telegram", "1", "1", text="Đa\u0300 xong\x00\x07 \ud800 hết\r\nhạn\t!", user_name="L\x00an"
    )
    assert event.text == "Đà xong  hết\nhạn\t!"  # NFC, controls gone, newline and tab kept
    assert event.user_name == "Lan"
    assert IncomingEvent("zalo", "1", "1", text="\u200b\u200b").text == ""


@pytest.mark.both_databases
def test_a_report_with_nul_and_zero_width_characters_in_every_answer_is_submitted(app, monkeypatch):
    """On PostgreSQL a NUL made every submit fail; now it never gets past the edge."""

    def dirty_say(app, user, text=None, **kw):
        return say(app, user, None if text is None else f"\x00{text}\u200b\x00", **kw)

    monkeypatch.setattr(report_walk, "say", dirty_say)
    report_walk.walk_full_report(app)
    assert "ĐÃ NỘP BÁO CÁO" in say(app, "u1", "1")
    with app.make_session() as session:
        assert session.exec(select(Submission)).one().current_version == 1
        stored = " ".join(str(r.value) for r in session.exec(select(ReportAnswer)).all())
    assert "Đã tổ chức 2 hội thảo, 150 người dự" in stored and "\x00" not in stored


@pytest.mark.both_databases
def test_registration_with_a_nul_in_the_position_is_stored(app):
    assert "đầu mối" in register(
        app, "u2", "so-b", name="Trần\x00 Văn Bình", position="Chuyên\x00 viên"
    )
    with app.make_session() as session:
        person = session.exec(select(Person).where(Person.full_name == "Trần Văn Bình")).one()
    assert person.position == "Chuyên viên"


def test_sql_parameters_never_reach_an_error_message_or_a_log(app):
    with pytest.raises(StatementError) as raised, app.engine.connect() as connection:
        connection.execute(
            text("SELECT CAST(:answer AS INTEGER) + no_such_column"), {"answer": "bí mật"}
        )
    assert "bí mật" not in str(raised.value)


def test_the_failure_log_carries_no_answer_text(app, caplog, monkeypatch):
    def explode(ctx, args):
        raise ValueError(f"cannot store {args!r}")

    command = app.dispatcher.registry.commands["whoami"]
    monkeypatch.setitem(
        app.dispatcher.registry.commands,
        "whoami",
        type(command)("whoami", explode, command.roles, "x"),
    )
    with caplog.at_level(logging.INFO):
        reply = say(app, "u1", "/whoami số CMND 0123456789")
    assert reply == translate("error.internal", "vi")
    assert "ValueError" in caplog.text and "0123456789" not in caplog.text


# --- 6: ordinary symbols are text, emoji are refused by a precise rule ------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "Nuôi cấy ở 30°C đạt 95%",
        "© 2026 Sở KH&CN; sai số ±0,5; pH ≤ 7; 5 µm; Quyết định № 12",
        "Giai đoạn 1 → 2 ⇒ hoàn thành; ↑ 10 %, ↓ 3 %",
        "Đạt ✓ (mẫu ✔ lẫn ☐), ™, ®, ★ xếp hạng, ♀/♂, ∑, √, ∞, ¼, ½",
    ],
)
def test_ordinary_symbols_are_accepted_in_answers(answer):
    assert check_free_text(answer, max_length=2000, required=True) == answer


def test_a_position_may_carry_a_percent_or_a_numero_sign():
    assert check_position("Phụ trách 100% mảng № 2") == "Phụ trách 100% mảng № 2"


@pytest.mark.parametrize(
    "answer",
    ["Tốt 👍", "❤️ cảm ơn", "🇻🇳", "xong ✅", "©️", "1️⃣ lần", "👨‍👩‍👧", "☕", "⭐ nổi bật", "🟢 ổn"],
)
def test_emoji_are_refused(answer):
    assert check_free_text(answer, max_length=2000, required=True) == Invalid("invalid.emoji", {})


def test_a_result_with_degrees_and_percent_is_accepted_in_the_conversation(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")  # in progress
    assert "Kết quả trong năm" in say(app, "u1", "70%")
    assert "Nhiệm vụ 2" in say(app, "u1", "Nuôi cấy ở 30°C đạt 95% ©")


# --- 7: an answer nobody can see is no answer ---------------------------------------------------


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_invisible_answers_do_not_satisfy_a_required_question(app, invisible):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    assert "Kết quả trong năm" in say(app, "u1", "70%")
    reply = say(app, "u1", invisible)
    assert translate("report.empty", "vi") in reply
    assert "Nhiệm vụ 2" not in reply
    assert check_free_text(invisible, max_length=100, required=True) == Invalid("report.empty", {})


# --- 9: digits are ASCII digits; a command for another bot is not ours ------------------------


@pytest.mark.parametrize("typed", ["７０", "７０%", "٧٠", "۷۰", "७०", "70％"])
def test_other_scripts_digits_are_not_a_percentage(typed):
    assert isinstance(check_percent(typed), Invalid)


def test_ascii_percentages_still_work():
    assert check_percent("70") == 70 and check_percent("70 %") == 70


def test_a_command_addressed_to_another_bot_is_ignored(app):
    app.dispatcher.links.telegram_username = "baocao_test_bot"

    def send(text: str) -> list:
        return app.dispatcher.handle(IncomingEvent("telegram", "-100", "-100", text=text))

    assert send("/help@otherbot") == []
    assert send("/whoami@OtherBot extra") == []
    assert send("/help@baocao_test_bot")[0].text.startswith("Các lệnh bạn dùng được:")
    assert send("/help@BAOCAO_TEST_BOT")[0].text.startswith("Các lệnh bạn dùng được:")
    assert send("/help")[0].text.startswith("Các lệnh bạn dùng được:")
