"""Reminders reach the right people on the right days, once: frozen clock, real database
(SQLite and PostgreSQL), the scheduler's own plan and deliver steps, a fake channel."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select

from handlers.events import IncomingEvent, Option
from scheduler.delivery import DeliveryError
from storage.db import transaction
from storage.models import Identity
from tests.test_reminders_support import (
    FakeChannel,
    add_person,
    at,
    focal,
    outbox,
    service,
    submit,
    tick,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


def test_focal_point_is_reminded_14_working_days_before_the_deadline(app, clock) -> None:
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    telegram = FakeChannel()
    svc = service(app, telegram)

    clock.set(at("2026-11-09 07:59"))
    tick(svc)
    assert telegram.sent == []

    clock.set(at("2026-11-09 08:00"))
    tick(svc)
    [(chat, reply)] = telegram.sent
    assert chat == "1001"
    assert "Sở Y tế" in reply.text
    assert "thứ Hai, 30/11/2026" in reply.text
    assert "còn 14 ngày làm việc" in reply.text
    assert reply.options == (Option("Báo cáo ngay", "/report"),)

    clock.set(at("2026-11-09 08:01"))
    tick(svc)
    assert len(telegram.sent) == 1  # planning again changes nothing


def test_reminder_names_the_tasks_concerned_directly_or_through_a_group(app, clock) -> None:
    focal(app, "Trần Văn Minh", "ubnd-cu-jut", "2002")
    focal(app, "Lê Thu Hà", "so-yte", "2003")
    telegram = FakeChannel()
    clock.set(at("2026-11-09 08:00"))
    tick(service(app, telegram))
    [district] = telegram.texts("2002")
    # A district leads task 1 through "Các sở, ngành, địa phương"; the tasks it may only have
    # helped with through that broad group are asked in the report, not listed as owed.
    assert "Nhiệm vụ liên quan:" in district
    assert "• 1. Phổ biến, quán triệt" in district and "(chủ trì)" in district
    assert "• 2." not in district
    [health] = telegram.texts("2003")
    assert "• 4. " in health and "(chủ trì)" in health  # lead on task 4 in its own name
    assert len(health) < 2000  # fits a Zalo message


def test_reminder_days_follow_the_policy(app, clock) -> None:
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    telegram = FakeChannel()
    svc = service(app, telegram)
    day = date(2026, 11, 3)
    reminded = []
    while day <= date(2026, 12, 9):
        clock.set(at(f"{day} 08:30"))
        before = len(telegram.sent)
        tick(svc)
        if len(telegram.sent) > before:
            reminded.append(day)
        day = day.fromordinal(day.toordinal() + 1)
    assert reminded == [
        date(2026, 11, 9),  # 14 working days before
        date(2026, 11, 18),  # 7
        date(2026, 11, 25),  # 3 (24/11, Vietnam Cultural Day, is not counted)
        date(2026, 11, 27),  # 1: the Friday, not over the weekend
        date(2026, 11, 30),  # the day
        date(2026, 12, 2),  # overdue, every 2 working days
        date(2026, 12, 4),
        date(2026, 12, 8),  # the weekend skipped
    ]
    assert "hôm nay là hạn cuối" in telegram.sent[4][1].text
    assert "đã quá hạn 2 ngày làm việc" in telegram.sent[5][1].text


def test_agencies_that_submitted_are_not_reminded(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    focal(app, "B", "so-tnmt", "1002")
    focal(app, "C", "so-congthuong", "1003")
    focal(app, "D", "so-noivu", "1004")
    submit(app, "so-yte")
    submit(app, "so-tnmt", state="returned")  # sent back for changes: still owed
    submit(app, "so-congthuong", state="draft")  # started, not submitted
    telegram = FakeChannel()
    clock.set(at("2026-11-09 08:00"))
    tick(service(app, telegram))
    assert sorted(c for c, _ in telegram.sent) == ["1002", "1003", "1004"]


def test_an_away_focal_point_is_not_reminded_but_a_colleague_is(app, clock) -> None:
    focal(app, "Chị Mai (đi công tác)", "so-yte", "1001", away_until=date(2026, 11, 18))
    focal(app, "Anh Tuấn (cấp phó)", "so-yte", "1002")
    telegram = FakeChannel()
    svc = service(app, telegram)
    clock.set(at("2026-11-18 08:00"))  # the 7-day reminder, on her last day away
    tick(svc)
    assert [c for c, _ in telegram.sent] == ["1002"]
    clock.set(at("2026-11-25 08:00"))  # back at work for the 3-day reminder
    tick(svc)
    assert sorted(c for c, _ in telegram.sent[1:]) == ["1001", "1002"]


def test_every_reachable_identity_of_a_focal_point_gets_the_reminder(app, clock) -> None:
    add_person(app, "Hai kênh", agency="so-yte", chats=(("telegram", "1001"), ("zalo", "z-1")))
    add_person(app, "Đã chặn bot", agency="so-yte", chats=(("telegram", "1009"),), reachable=False)
    telegram, zalo = FakeChannel("telegram"), FakeChannel("zalo")
    clock.set(at("2026-11-09 08:00"))
    tick(service(app, telegram, zalo))
    assert [c for c, _ in telegram.sent] == ["1001"]
    assert [c for c, _ in zalo.sent] == ["z-1"]


def test_agencies_nobody_can_be_reminded_for_go_into_the_secretariat_digest(
    make_app, clock
) -> None:
    app = make_app(admins="telegram:9000")
    add_person(app, "Thư ký", role="secretariat", chats=(("telegram", "9001"),))
    focal(app, "Vắng", "so-yte", "1001", away_until=date(2026, 12, 31))
    focal(app, "Chặn bot", "so-tnmt", "1002", reachable=False)
    focal(app, "Có mặt", "so-congthuong", "1003")
    submit(app, "so-noivu")
    telegram = FakeChannel()
    clock.set(at("2026-11-25 08:00"))  # 3 working days before: a digest day
    tick(service(app, telegram))
    assert [c for c, _ in telegram.sent if c == "1003"] == ["1003"]
    for chat in ("9000", "9001"):  # a BAOCAO_ADMINS chat and a secretariat member
        [digest] = telegram.texts(chat)
        assert "Tình hình nộp báo cáo ngày 25/11/2026" in digest
        assert "còn 3 ngày làm việc" in digest
        # 26 agencies owe the yearly report: the 3 bodies the plan only requests are not chased.
        assert "Đã nộp: 1/26 cơ quan; chưa nộp: 25." in digest
        assert "Đã nhắc, chưa nộp (1): Sở Công Thương." in digest
        assert "Bot không nhắc được (24): " in digest
        assert "Sở Y tế (Vắng vắng đến 31/12/2026)" in digest
        assert "Sở Tài nguyên và Môi trường (1 đầu mối không liên lạc được)" in digest
        assert "Sở Khoa học và Công nghệ (chưa có đầu mối)" in digest
        assert "Sở Công Thương (" not in digest  # reminded: not listed as unreachable
        assert len(digest) < 2000


def test_secretariat_gets_a_daily_list_in_the_last_week_then_the_overdue_list(
    make_app, clock
) -> None:
    app = make_app(admins="telegram:9000")
    telegram = FakeChannel()
    svc = service(app, telegram)
    digest_days = []
    for day in [date(2026, 11, d) for d in range(18, 31)] + [date(2026, 12, 1), date(2026, 12, 2)]:
        clock.set(at(f"{day} 09:00"))
        before = len(telegram.texts("9000"))
        tick(svc)
        if len(telegram.texts("9000")) > before:
            digest_days.append(day)
    # On the 7-day reminder day, every working day of the last week (24/11 is a holiday),
    # then the overdue list once.
    assert digest_days == [
        date(2026, 11, 18),
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]
    digests = telegram.texts("9000")
    assert digests[-1].startswith("Danh sách quá hạn ngày 01/12/2026")
    assert "quá hạn chưa nộp: 26." in digests[-1]


def test_secretariat_is_reminded_of_its_own_consolidation_deadline(make_app, clock) -> None:
    app = make_app(admins="telegram:9000")
    submit(app, "so-yte")
    telegram = FakeChannel()
    clock.set(at("2026-12-17 08:00"))  # 1 working day before 20/12 (a Sunday)
    tick(service(app, telegram))
    [text] = [t for t in telegram.texts("9000") if t.startswith("Nhắc hạn tổng hợp")]
    assert "Chủ nhật, 20/12/2026 (còn 1 ngày làm việc)" in text
    assert "Đã nhận báo cáo của 1/26 cơ quan." in text


def test_a_reminder_missed_within_the_grace_period_is_sent_once(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    telegram = FakeChannel()
    svc = service(app, telegram)
    clock.set(at("2026-11-09 19:00"))  # the bot was down from 07:00 to 19:00
    tick(svc)
    tick(svc)
    [text] = telegram.texts("1001")
    assert "còn 14 ngày làm việc" in text


def test_after_long_downtime_missed_steps_collapse_into_one_overdue_message(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    telegram = FakeChannel()
    svc = service(app, telegram)
    clock.set(at("2026-11-18 08:00"))
    tick(svc)
    # Down from 19/11 to 3/12: the 3-day, 1-day, deadline-day and first overdue steps are missed.
    clock.set(at("2026-12-03 10:00"))
    tick(svc)
    tick(svc)
    texts = telegram.texts("1001")
    assert len(texts) == 2
    assert texts[1].startswith("Báo cáo quá hạn")
    assert "đã quá hạn 3 ngày làm việc" in texts[1]
    clock.set(at("2026-12-04 08:00"))  # the schedule resumes
    tick(svc)
    assert len(telegram.texts("1001")) == 3


def test_a_report_submitted_before_delivery_cancels_the_pending_reminder(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    telegram = FakeChannel()
    svc = service(app, telegram)
    clock.set(at("2026-11-09 08:00"))
    asyncio.run(svc.plan())  # planned, not yet delivered (e.g. waiting out a 429)
    submit(app, "so-yte")
    tick(svc)
    assert telegram.sent == []
    [row] = outbox(app)
    assert row.status == "cancelled"


def test_a_blocked_chat_is_marked_unreachable_and_reported(make_app, clock) -> None:
    app = make_app(admins="telegram:9000")
    focal(app, "A", "so-yte", "1001")
    telegram = FakeChannel()
    telegram.chat_errors["1001"] = [
        DeliveryError("Forbidden: bot was blocked by the user", permanent=True)
    ]
    svc = service(app, telegram)
    clock.set(at("2026-11-18 08:00"))
    tick(svc)
    failed = [r for r in outbox(app) if r.chat_id == "1001"]
    assert [r.status for r in failed] == ["failed"]
    with app.make_session() as session:
        identity = session.exec(select(Identity).where(Identity.chat_id == "1001")).one()
        assert identity.reachable is False
    clock.set(at("2026-11-25 08:00"))
    tick(svc)
    assert telegram.texts("1001") == []
    [digest] = telegram.texts("9000")[-1:]
    assert "Sở Y tế (1 đầu mối không liên lạc được)" in digest


def test_no_focal_points_and_no_secretariat_sends_nothing(app, clock) -> None:
    telegram = FakeChannel()
    clock.set(at("2026-11-25 08:00"))
    tick(service(app, telegram))
    assert telegram.sent == []
    assert outbox(app) == []


def reminder_days(
    app, clock, telegram: FakeChannel, first: date, last: date, *, about: str = ""
) -> list[date]:
    """The days a message (mentioning `about`) reached chat 1001, ticking each morning."""
    svc = service(app, telegram)
    days = []
    day = first
    while day <= last:
        clock.set(at(f"{day} 08:30"))
        before = len([t for t in telegram.texts("1001") if about in t])
        tick(svc)
        if len([t for t in telegram.texts("1001") if about in t]) > before:
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


def test_a_configured_makeup_saturday_is_a_reminder_day(make_app, clock) -> None:
    app = make_app(makeup_working_days="2026-11-28", extra_days_off="2026-11-26")
    focal(app, "A", "so-yte", "1001")
    days = reminder_days(app, clock, FakeChannel(), date(2026, 11, 18), date(2026, 11, 30))
    # Saturday 28/11 is worked, Thursday 26/11 is off: 1 day before is the Saturday, 3 days
    # before is Wednesday 25/11 (27, 28, 30 left).
    assert days == [date(2026, 11, 18), date(2026, 11, 25), date(2026, 11, 28), date(2026, 11, 30)]


def test_reminders_for_a_deadline_after_tet(app, clock) -> None:
    from storage.plans import get_plan
    from storage.requests import create_adhoc_request
    from tests.test_reminders_support import agency_id

    focal(app, "A", "so-yte", "1001")
    clock.set(at("2027-01-04 09:00"))
    with transaction(app.make_session) as session:
        create_adhoc_request(
            session,
            plan=get_plan(session),
            title="Kết quả năm 2026",
            due_on=date(2027, 2, 15),
            agency_ids=[agency_id(session, "so-yte")],
            clock=app.clock,
        )
    telegram = FakeChannel()
    days = reminder_days(
        app, clock, telegram, date(2027, 1, 5), date(2027, 2, 15), about="Kết quả năm 2026"
    )
    # Tết closes offices from Thursday 4/2 to Wednesday 10/2 2027.
    assert days == [
        date(2027, 1, 5),  # the request itself, at the first tick after it was issued
        date(2027, 1, 19),  # 14 working days before
        date(2027, 1, 28),  # 7
        date(2027, 2, 3),  # 3: 11/2, 12/2 and 15/2 are left after the holiday
        date(2027, 2, 12),  # 1
        date(2027, 2, 15),  # the day
    ]
    adhoc = [t for t in telegram.texts("1001") if "Kết quả năm 2026" in t]
    assert "thứ Hai, 15/02/2027 (còn 3 ngày làm việc)" in adhoc[3]


def test_remind_uses_the_configured_calendar_and_stands_for_that_days_reminder(
    make_app, clock
) -> None:
    """/remind worded the days overdue with the default calendar (a configured day off
    ignored), and the scheduler sent its own overdue reminder a minute later (issue 15)."""
    app = make_app(extra_days_off="2026-12-02")
    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-12-03 07:59"))  # deadline Monday 30/11; 1/12 worked, 2/12 off
    asked = app.dispatcher.handle(IncomingEvent("console", "operator", "operator", "/remind"))
    assert "Đã xếp 1 tin nhắc" in asked[0].text, asked[0].text

    telegram = FakeChannel()
    clock.set(at("2026-12-03 08:01"))  # the overdue step of the day came at 08:00
    tick(service(app, telegram))
    sent = telegram.texts("1001")
    assert len(sent) == 1, sent
    assert "đã quá hạn 2 ngày làm việc" in sent[0]  # 1/12 and 3/12, not 2/12
    tick(service(app, telegram))  # and not as a catch-up later either
    clock.set(at("2026-12-04 08:30"))
    tick(service(app, telegram))
    assert len(telegram.texts("1001")) == 1


def test_in_english_mode_reminders_and_digests_are_in_english(make_app, clock) -> None:
    # Issue 15: with BAOCAO_LANGUAGE=en the scheduler's messages stayed Vietnamese.
    app = make_app(admins="telegram:9000", language="en")
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    telegram = FakeChannel()
    clock.set(at("2026-11-25 08:00"))  # 3 working days before: a reminder and a digest day
    tick(service(app, telegram))
    [reminder] = telegram.texts("1001")
    assert reminder.startswith("Report deadline reminder\nSở Y tế: ")
    assert "Due: Monday, 2026-11-30 (3 working days left)." in reminder
    assert "(lead)" in reminder and "chủ trì" not in reminder
    [(_, reply)] = [(c, r) for c, r in telegram.sent if c == "1001"]
    assert reply.options == (Option("Report now", "/report"),)
    [digest] = telegram.texts("9000")
    assert digest.startswith("Submissions as of 2026-11-25")
    assert "Submitted: 0/26 agencies; not submitted: 26." in digest
    assert "The bot cannot remind (25): " in digest
    assert "Sở Khoa học và Công nghệ (no focal point yet)" in digest
    assert "chưa có đầu mối" not in digest
    assert "Reminded, not submitted (1): Sở Y tế." in digest
