"""The secretariat's /request and /close in chat (issue 6, periods and requests)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models import PeriodAgency, ReportingPeriod
from tests.people import register, say
from tests.test_reminders_support import FakeChannel, service, tick

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


def test_an_adhoc_request_reaches_the_chosen_agencies_focal_points(app):
    register(app, "2001", "so-yte", channel="telegram", name="Nguyễn Thị Lan")
    register(app, "2002", "so-tnmt", channel="telegram", name="Hoàng Văn Nam")
    assert "Bước 1/4" in say(app, "operator", "/request")
    assert "Quá dài" in say(app, "operator", "x" * 301)
    assert "Bước 2/4" in say(app, "operator", "Tình hình ứng dụng công nghệ sinh học trong y tế")
    assert "Quá dài" in say(app, "operator", "y" * 501)
    question = "Có bao nhiêu cơ sở y tế đã ứng dụng xét nghiệm sinh học phân tử?"
    assert "Bước 3/4" in say(app, "operator", question)
    assert "Không hiểu ngày" in say(app, "operator", "mai")
    assert "từ hôm nay (02/11/2026)" in say(app, "operator", "01/11/2026")
    assert "Bước 4/4" in say(app, "operator", "20/11/2026")
    assert "Không tìm thấy: Sở Vũ Trụ" in say(app, "operator", "so-yte; Sở Vũ Trụ")
    confirm = say(app, "operator", "so-yte; Sở Tài chính")
    assert "Gửi tới 2 cơ quan: Sở Y tế, Sở Tài chính" in confirm
    assert f"Câu hỏi: {question}" in confirm
    created = say(app, "operator", "1")
    assert "Đã tạo yêu cầu adhoc-1" in created and "hạn 20/11/2026" in created
    with app.make_session() as session:
        period = session.exec(select(ReportingPeriod).where(ReportingPeriod.key == "adhoc-1")).one()
        assert (period.kind, period.title) == (
            "adhoc",
            "Tình hình ứng dụng công nghệ sinh học trong y tế",
        )
        owing = session.exec(
            select(PeriodAgency.agency_id).where(PeriodAgency.period_id == period.id)
        ).all()
        assert len(owing) == 2
    telegram = FakeChannel()
    tick(service(app, telegram))  # the next planning tick tells the focal points
    assert any(
        "Tình hình ứng dụng công nghệ sinh học trong y tế" in t for t in telegram.texts("2001")
    )
    assert not any("y tế" in t for t in telegram.texts("2002"))
    assert "chọn kỳ báo cáo" in say(app, "2001", "/report", channel="telegram").casefold()
    asked = say(app, "2001", "1", channel="telegram")  # the request is due first
    assert question in asked and "Nhiệm vụ" not in asked  # its own question, not the yearly form
    say(app, "2001", "12 bệnh viện và 3 trung tâm y tế", channel="telegram")
    review = say(app, "2001", "Xong", channel="telegram")  # no files
    assert "12 bệnh viện và 3 trung tâm y tế" in review
    assert "ĐÃ NỘP BÁO CÁO ADHOC-1-SO-YTE" in say(app, "2001", "1", channel="telegram")


def test_request_to_all_and_cancel(app):
    say(app, "operator", "/request")
    say(app, "operator", "Số liệu đầu tư")
    say(app, "operator", "1")  # «Hỏi chung về nội dung trên»
    say(app, "operator", "30/11/2026")
    assert "Gửi tới 29 cơ quan" in say(app, "operator", "Tất cả cơ quan")
    assert "không gửi gì" in say(app, "operator", "2")
    with app.make_session() as session:
        assert (
            session.exec(select(ReportingPeriod).where(ReportingPeriod.kind == "adhoc")).first()
            is None
        )


def test_close_a_period_stops_reporting(app):
    register(app, "u1")
    assert "Đóng Báo cáo năm 2026" in say(app, "operator", "/close 2026")
    assert "Đã đóng" in say(app, "operator", "1")
    assert "không có kỳ báo cáo nào đang mở" in say(app, "u1", "/report")
    assert "Không có kỳ báo cáo nào đang mở" in say(app, "operator", "/close")
    assert "chỉ dành cho thư ký" in say(app, "u1", "/request")


def test_closing_an_unknown_period(app):
    assert "Không có kỳ báo cáo đang mở '2031'" in say(app, "operator", "/close 2031")


def test_request_in_chat_takes_commas_too_and_agencies_shows_codes(app):
    listing = say(app, "operator", "/agencies")
    assert "Sở Y tế [so-yte]" in listing and "[so-taichinh]" in listing
    say(app, "operator", "/request")
    say(app, "operator", "Tình hình ứng dụng công nghệ sinh học")
    assert "Bước 3/4" in say(app, "operator", "1")  # the generic question
    assert "Bước 4/4" in say(app, "operator", "20/11/2026")
    confirm = say(app, "operator", "so-yte, Sở Tài chính")
    assert "Gửi tới 2 cơ quan: Sở Y tế, Sở Tài chính" in confirm
