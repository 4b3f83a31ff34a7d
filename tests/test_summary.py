"""The secretariat's /summary (with its chart), /missing, /remind and /broadcast (issue 7)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from sqlmodel import col, select

from handlers.events import IncomingEvent
from storage.agencies import find_agency
from storage.db import transaction
from storage.exports.chart import (
    COLOURS,
    LABEL_WIDTH,
    REGULAR,
    STANDING_CATEGORIES,
    TASK_CATEGORIES,
    drawn_texts,
    font,
    status_chart,
    wrap,
)
from storage.models import OutboxMessage, ReportingPeriod
from storage.plans import get_plan
from storage.reports import TaskStatus
from storage.requests import create_adhoc_request
from storage.summary import NOT_REPORTED, REPORTED, Standing, period_summary
from tests.conftest import VN
from tests.people import invite_code, register, say
from tests.secretariat_world import (
    RETURN_COMMENT,
    build_world,
    make_world_app,
    png_size,
    set_reachable,
    submit,
)

DONE = {"status": "completed", "results": "Đã hoàn thành"}
SO_A_DONE = {"lead:1": DONE, "lead:2": DONE, "coordinating:3": {"results": "Có"}}


@pytest.fixture
def world(make_app, tmp_path):
    return build_world(make_app, tmp_path)


def replies(app, text: str, user: str = "operator"):
    return app.dispatcher.handle(IncomingEvent("console", user, user, text=text))


def outbox(app, prefix: str) -> list[OutboxMessage]:
    with app.make_session() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.dedupe_key).startswith(prefix))
                .order_by(col(OutboxMessage.id))
            ).all()
        )


# --- /summary --------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_summary_counts_each_standing(world):
    text = say(world, "operator", "/summary")
    assert "TÌNH HÌNH BÁO CÁO: Báo cáo năm 2026 - Kế hoạch 99/KH-TEST (kỳ 2026)" in text
    assert "Hạn nộp: 30/11/2026 (đã quá hạn 2 ngày)." in text
    assert "Phải báo cáo: 5 cơ quan" in text
    assert "- Đã nộp: 2 (đúng hạn 1, trễ hạn 1)" in text
    assert "- Trả lại, chờ bổ sung: 1" in text
    assert "- Quá hạn, chưa nộp: 2" in text
    assert "- Chưa nộp, chưa đến hạn: 0" in text
    assert "CÒN THIẾU (3): Sở Khoa học và Công nghệ; Sở C; Sở D" in text


@pytest.mark.both_databases
def test_summary_reports_each_task_by_role(world):
    text = say(world, "operator", "/summary 2026")
    assert "1. Nhiệm vụ một\n   Chủ trì 1/1 (1 đang thực hiện, bình quân 70%)" in text
    assert "2. Nhiệm vụ hai\n   Chủ trì 1/1 (1 đã hoàn thành) · Phối hợp không có" in text
    assert "4. Nhiệm vụ bốn\n   Chủ trì 1/1 (1 không áp dụng) · Phối hợp 0/1" in text


def test_summary_offers_the_details_and_attaches_a_chart(world):
    answer = replies(world, "/summary")
    last = answer[-1]
    assert [o.value for o in last.options] == [
        "/missing 2026",
        "/remind 2026",
        "/export 2026",
        "/report 2026",
    ]
    chart = last.file
    assert chart is not None and chart.mime_type == "image/png"
    assert chart.file_name == "bieu-do-2026.png"
    width, height = png_size(chart.data)
    assert 640 <= width <= 2000 and 300 <= height <= 3000
    assert sum(len(r.text) for r in answer) < 3500  # one phone screen or two, not a wall


def test_summary_options_are_chosen_by_number_or_label_on_the_console(world):
    replies(world, "/summary")
    by_number = say(world, "operator", "1")
    assert by_number.startswith("CƠ QUAN CÒN THIẾU BÁO CÁO")  # /missing 2026
    replies(world, "/summary")
    by_label = say(world, "operator", "cơ quan còn thiếu")
    assert by_label == by_number  # the same /missing answer
    assert "Bot chưa hiểu" in say(world, "operator", "1")  # the menu is used up: no stale pick
    replies(world, "/summary")
    say(world, "operator", "/help")  # another command replaces the menu
    assert "Bot chưa hiểu" in say(world, "operator", "2")


def test_the_chart_font_has_every_glyph_it_draws(world):
    with world.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        figures = period_summary(session, period=period, today=date(2026, 12, 2))
    texts = drawn_texts(figures, "Đã nộp 2/5 · đúng hạn 1 · trễ hạn 1 · ngày 02/12/2026")
    assert "Sở Khoa học và Công nghệ" in texts and "Trả lại, chờ bổ sung" in texts
    assert "Đã báo cáo" in texts  # the legend of a task answered without a status
    cmap = TTFont(str(REGULAR)).getBestCmap()
    missing = {ch for text in texts for ch in text if ord(ch) not in cmap}
    assert missing == set()


def test_the_chart_colours_reported_and_out_of_scope_cells(world):
    with world.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        figures = period_summary(session, period=period, today=date(2026, 12, 2))
    cells = {
        (agency.name, line.task.number): figures.cell(agency.id, line.task)
        for agency in figures.facts.agencies.values()
        for line in figures.tasks
    }
    assert cells["Sở C", 1] == REPORTED and COLOURS[REPORTED] != COLOURS[NOT_REPORTED]
    assert cells["Sở D", 4] == NOT_REPORTED
    assert cells["Sở D", 1] is None and cells["Sở C", 2] is None  # not in their scope: white
    image = Image.open(io.BytesIO(status_chart(figures)))
    colours = {colour for _count, colour in image.getcolors(maxcolors=10_000)}
    assert COLOURS[REPORTED] in colours and COLOURS[NOT_REPORTED] in colours


@pytest.mark.both_databases
def test_summary_of_one_task_lists_each_agency(world):
    text = say(world, "operator", "/summary 2026 4")
    assert "NHIỆM VỤ 4: Nhiệm vụ bốn" in text
    assert "- Sở B (chủ trì): Không áp dụng: Chưa được bố trí kinh phí" in text
    assert "- Sở D (phối hợp): chưa báo cáo" in text
    first = say(world, "operator", "/summary 2026 1")
    assert "- Sở A (chủ trì): Đang thực hiện, 70%: Đã tổ chức 2 hội thảo" in first
    assert "- Sở C (phối hợp): «Đang khảo sát nhu cầu»" in first  # answered, no status asked
    assert "Kỳ 2026 không có nhiệm vụ số 9. Các nhiệm vụ: 1, 2, 3, 4." in say(
        world, "operator", "/summary 9"
    )


def test_before_the_deadline_the_unsubmitted_are_not_yet_due(make_app, tmp_path):
    app = make_world_app(make_app, tmp_path)  # 02/11/2026, four weeks before the deadline
    register(app, "u1", "so-a")
    submit(app, "u1", "so-a", SO_A_DONE)
    text = say(app, "operator", "/summary")
    assert "Hạn nộp: 30/11/2026 (còn 28 ngày)." in text
    assert "- Đã nộp: 1 (đúng hạn 1, trễ hạn 0)" in text
    assert "- Quá hạn, chưa nộp: 0\n- Chưa nộp, chưa đến hạn: 4" in text


@pytest.mark.both_databases
def test_late_is_decided_by_the_first_submission(world):
    """Sở C submitted on time and was sent back; completing it after the deadline does not
    make it late."""
    world.clock.set(datetime(2026, 12, 2, 11, 0, tzinfo=VN))
    assert submit(world, "u3", "so-c", {"coordinating:1": {"results": "Đã bổ sung"}}) == 2
    with world.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        figures = period_summary(session, period=period, today=date(2026, 12, 2))
    assert figures.counts[Standing.on_time] == 2 and figures.counts[Standing.late] == 1
    assert figures.counts[Standing.returned] == 0


def test_unknown_period_and_words(world):
    text = say(world, "operator", "/summary 2031")
    assert "Không hiểu «2031»" in text and "Các kỳ báo cáo: 2026." in text
    assert "Cách dùng: /summary [MÃ_KỲ] [SỐ_NHIỆM_VỤ]" in say(world, "operator", "/summary hôm-qua")
    with transaction(world.make_session) as session:
        period = session.exec(select(ReportingPeriod)).one()
        period.status = "closed"
        session.add(period)
    text = say(world, "operator", "/summary")
    assert "Hiện không có kỳ báo cáo nào đang mở. Các kỳ đã có: 2026." in text
    assert "TÌNH HÌNH BÁO CÁO" in say(world, "operator", "/summary 2026")  # closed, still there


# --- /missing --------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_missing_lists_focal_points_and_whether_they_can_be_reached(world):
    set_reachable(world, "u4", False)
    text = say(world, "operator", "/missing")
    assert "CƠ QUAN CÒN THIẾU BÁO CÁO" in text and "3/5 cơ quan:" in text
    assert "1. Sở Khoa học và Công nghệ [quá hạn, chưa nộp]\n   - chưa có đầu mối đăng ký" in text
    assert (
        f"2. Sở C [trả lại, chờ bổ sung]\n   Ý kiến trả lại: {RETURN_COMMENT}\n"
        "   - Lê Thị Cúc: nhắn được (console)"
    ) in text
    assert (
        "3. Sở D [quá hạn, chưa nộp]\n   - Phạm Văn Dũng: bot không nhắn được (có thể đã chặn bot)"
    ) in text
    assert "Sở A" not in text and "Sở B" not in text
    assert "/remind 2026" in text


@pytest.mark.both_databases
def test_missing_shows_who_is_away(world):
    assert "Đã ghi nhận" in say(world, "u4", "/away 15/12/2026")
    assert "Phạm Văn Dũng: vắng đến hết 15/12/2026" in say(world, "operator", "/missing")


@pytest.mark.both_databases
def test_nothing_missing_in_an_adhoc_request_everyone_answered(make_app, tmp_path):
    app = make_world_app(make_app, tmp_path)
    with transaction(app.make_session) as session:
        create_adhoc_request(
            session,
            plan=get_plan(session),
            title="Tình hình ứng dụng chế phẩm sinh học",
            due_on=date(2026, 11, 20),
            agency_ids=[find_agency(session, "so-a").id],
            clock=app.clock,
        )
    register(app, "u1", "so-a")
    submit(
        app, "u1", "so-a", {"agency": {"answer": "Có", "difficulties": "Có"}}, period_key="adhoc-1"
    )
    text = say(app, "operator", "/missing adhoc-1")
    assert "Tất cả 1 cơ quan đã nộp báo cáo kỳ adhoc-1." in text
    assert "Tất cả các cơ quan đã nộp báo cáo kỳ adhoc-1; không cần nhắc." in say(
        app, "operator", "/remind adhoc-1"
    )
    assert "(kỳ 2026)" in say(app, "operator", "/summary")  # the yearly period stays current


# --- /remind ---------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_remind_queues_one_message_per_reachable_focal_point_once_a_day(world):
    text = say(world, "operator", "/remind")
    assert "Đã xếp 2 tin nhắc tới 2 cơ quan còn thiếu báo cáo kỳ 2026" in text
    assert "Không nhắc được 1 cơ quan" in text and "Sở Khoa học và Công nghệ" in text
    rows = outbox(world, "remind:")
    assert [r.chat_id for r in rows] == ["u3", "u4"]
    assert all(":20261202:" in r.dedupe_key for r in rows)
    returned, overdue = rows
    assert returned.kind == "reminder" and RETURN_COMMENT in returned.text
    assert overdue.kind == "overdue" and "Sở D chưa nộp báo cáo" in overdue.text
    assert overdue.payload["period_id"] and overdue.payload["options"] == [
        ["Báo cáo ngay", "/report"]
    ]

    again = say(world, "operator", "/remind 2026")
    assert "Hôm nay đã nhắc các cơ quan này rồi: 2 tin đã có trong hàng đợi" in again
    assert len(outbox(world, "remind:")) == 2

    world.clock.advance(timedelta(days=1))
    assert "Đã xếp 2 tin nhắc" in say(world, "operator", "/remind")
    assert len(outbox(world, "remind:")) == 4


@pytest.mark.both_databases
def test_remind_skips_focal_points_who_are_away_or_unreachable(world):
    say(world, "u4", "/away 15/12/2026")
    set_reachable(world, "u3", False)
    text = say(world, "operator", "/remind")
    assert "Đã xếp 0 tin nhắc" in text
    assert "Không nhắc được 3 cơ quan" in text
    assert outbox(world, "remind:") == []


@pytest.mark.both_databases
def test_remind_after_everyone_submitted_and_on_a_closed_period(make_app, tmp_path):
    app = make_world_app(make_app, tmp_path)
    with transaction(app.make_session) as session:
        period = session.exec(select(ReportingPeriod)).one()
        period.status = "closed"
        session.add(period)
    assert "Kỳ 2026 đã đóng; không nhắc nữa." in say(app, "operator", "/remind 2026")


# --- /broadcast ------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_broadcast_to_everyone_goes_through_the_outbox_once(world):
    set_reachable(world, "u4", False)
    confirm = say(world, "operator", "/broadcast Họp trực tuyến lúc 9 giờ ngày 05/12/2026")
    assert "Gửi thông báo này tới mọi đầu mối" in confirm and "Họp trực tuyến" in confirm
    assert outbox(world, "broadcast:") == []  # nothing until confirmed
    text = say(world, "operator", "1")
    assert "Đã xếp 3 tin vào hàng đợi, tới 3 đầu mối của 3 cơ quan" in text
    assert "Không có đầu mối nhận được thông báo ở 2 cơ quan" in text
    rows = outbox(world, "broadcast:")
    assert sorted(r.chat_id for r in rows) == ["u1", "u2", "u3"]
    assert {r.kind for r in rows} == {"broadcast"}
    assert rows[0].text == (
        "THÔNG BÁO TỪ SỞ KHOA HỌC VÀ CÔNG NGHỆ\nHọp trực tuyến lúc 9 giờ ngày 05/12/2026"
    )
    assert len({r.payload["broadcast_id"] for r in rows}) == 1
    say(world, "operator", "/broadcast Họp trực tuyến lúc 9 giờ ngày 05/12/2026")
    again = say(world, "operator", "Gửi")
    assert "đã được gửi hôm nay" in again
    assert len(outbox(world, "broadcast:")) == 3


def test_broadcast_conversation_to_chosen_agencies(world):
    assert "Nhập nội dung thông báo" in say(world, "operator", "/broadcast")
    audience = say(world, "operator", "Đề nghị gửi bản ký số trước ngày 10/12")
    assert "Gửi thông báo này tới ai?" in audience
    assert "Tất cả đầu mối (4 người, 4 cơ quan)" in audience
    assert "Nhập mã hoặc tên các cơ quan" in say(world, "operator", "2")
    assert "Không tìm thấy cơ quan: Sở Z" in say(world, "operator", "so-a, Sở Z")
    confirm = say(world, "operator", "so-a, Sở B")
    assert "Gửi thông báo tới 2 đầu mối của 2 cơ quan: Sở A; Sở B?" in confirm
    assert outbox(world, "broadcast:") == []  # nothing until confirmed
    assert "Đã xếp 2 tin" in say(world, "operator", "Gửi")
    assert sorted(r.chat_id for r in outbox(world, "broadcast:")) == ["u1", "u2"]


def test_broadcast_with_text_can_be_cancelled_at_the_confirmation(world):
    say(world, "operator", "/broadcast Nhầm nội dung")
    assert "Đã hủy, không gửi gì." in say(world, "operator", "Hủy")
    assert outbox(world, "broadcast:") == []


def test_broadcast_not_reached_list_says_how_many_it_leaves_out(app):
    register(app, "u1", "so-yte")
    say(app, "operator", "/broadcast Thông báo họp")
    text = say(app, "operator", "Gửi")
    uncovered = next(line for line in text.splitlines() if "Không có đầu mối" in line)
    count = int(uncovered.split(" ở ")[1].split(" cơ quan")[0])
    assert count > 20
    assert uncovered.endswith(f"… và {count - 20} khác.")
    assert uncovered.count(";") == 19


def test_broadcast_can_be_cancelled_and_checks_the_text(world):
    say(world, "operator", "/broadcast")
    say(world, "operator", "Thông báo")
    assert "Đã hủy, không gửi gì." in say(world, "operator", "3")
    assert "biểu tượng cảm xúc" in say(world, "operator", "/broadcast Chúc mừng 🎉")
    assert "Quá dài" in say(world, "operator", "/broadcast " + "x" * 1501)
    assert outbox(world, "broadcast:") == []


# --- who may ---------------------------------------------------------------------------------

SECRETARIAT_COMMANDS = (
    "/summary",
    "/summary 2026 1",
    "/missing",
    "/remind",
    "/export",
    "/export 2026 csv",
    "/broadcast Xin chào",
)


@pytest.mark.parametrize("command", SECRETARIAT_COMMANDS)
def test_a_focal_point_is_refused(world, command):
    answer = replies(world, command, user="u1")
    assert "Lệnh này chỉ dành cho thư ký kế hoạch" in answer[0].text
    assert all(r.file is None for r in answer)


@pytest.mark.parametrize("command", (*SECRETARIAT_COMMANDS, "/report", "/report 2026 docx"))
def test_a_stranger_is_refused(world, command):
    answer = replies(world, command, user="stranger")
    assert "Bạn chưa đăng ký" in answer[0].text
    assert all(r.file is None for r in answer)


def test_refusals_queue_nothing(world):
    replies(world, "/remind", user="u1")
    replies(world, "/broadcast Xin chào", user="stranger")
    assert outbox(world, "remind:") == [] and outbox(world, "broadcast:") == []


def test_a_registered_secretariat_member_can(world):
    register(world, "s1", code=invite_code(world, "thuky"), name="Võ Thị Thư")
    assert "Phải báo cáo: 5 cơ quan" in say(world, "s1", "/summary")


def test_help_lists_the_new_commands_for_the_secretariat(world):
    text = say(world, "operator", "/help")
    for command in ("/summary", "/missing", "/remind", "/export", "/broadcast", "/report"):
        assert command in text
    focal = say(world, "u1", "/help")
    assert "/summary" not in focal and "/export" not in focal


@pytest.mark.both_databases
def test_summary_is_the_same_after_a_restart(world, make_app):
    """Figures come from the database, not from memory."""
    before = say(world, "operator", "/summary")
    again = make_app()
    again.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=VN))
    assert say(again, "operator", "/summary") == before


def test_the_chart_in_english_with_a_not_in_scope_legend(world):
    with world.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        figures = period_summary(session, period=period, today=date(2026, 12, 2))
    vietnamese = drawn_texts(figures)
    assert "Không thuộc phạm vi" in vietnamese  # white cells have a legend entry
    english = drawn_texts(figures, language="en")
    assert {"Not in scope", "Sent late", "Not started", "Sent"} <= set(english)
    assert "Tasks (numbered as in the plan's appendix)" in english
    assert not {"Nộp trễ hạn", "Chưa thực hiện", "Nộp"} & set(english)
    image = Image.open(io.BytesIO(status_chart(figures, language="en")))
    assert image.width >= 640


def test_long_agency_names_wrap_instead_of_being_cut():
    name = "Ủy ban nhân dân huyện Đắk Glong, tỉnh Đắk Nông (cơ quan phối hợp thực hiện)"
    lines = wrap(name, font(16))
    assert len(lines) >= 2 and " ".join(lines) == name  # every word kept, no "…"
    assert all(font(16).getlength(line) <= LABEL_WIDTH for line in lines)


def test_chart_colours_are_distinct_for_colour_blind_readers():
    def distance(a, b):
        return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5

    def deuteranope(rgb):
        # Viénot, Brettel & Mollon (1999): what a deuteranope sees, in linear RGB.
        r, g, b = ((c / 255) ** 2.2 for c in rgb)
        red_green = 0.29275 * r + 0.70725 * g
        seen = (red_green, red_green, -0.02234 * r + 0.02234 * g + b)
        return tuple(255 * max(c, 0) ** (1 / 2.2) for c in seen)

    # Task cells, with white for "not in scope"; the submission column on its own.
    for colours in (
        [c.colour for c in TASK_CATEGORIES] + [(255, 255, 255)],
        [c.colour for c in STANDING_CATEGORIES],
    ):
        for i, a in enumerate(colours):
            for b in colours[i + 1 :]:
                assert distance(deuteranope(a), deuteranope(b)) > 40, (a, b)
    # The two the issue found hard to tell apart.
    not_started = COLOURS[TaskStatus.not_started]
    late = COLOURS[Standing.late]
    assert distance(deuteranope(not_started), deuteranope(late)) > 80
