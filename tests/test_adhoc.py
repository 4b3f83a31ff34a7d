"""Ad-hoc report requests: the secretariat names agencies, a topic and a deadline; their focal
points are told at once and then reminded like for any deadline. Closing a period stops it."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.cli import main
from storage.db import transaction
from storage.models import PeriodAgency, ReportingPeriod
from storage.plans import get_plan
from storage.requests import RequestError, close_period, create_adhoc_request, find_period
from tests.test_reminders_support import (
    FakeChannel,
    agency_id,
    at,
    focal,
    outbox,
    service,
    submit,
    tick,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


def request(app, codes: list[str], *, due: date, title: str = "Tình hình ứng dụng CNSH quý IV"):
    with transaction(app.make_session) as session:
        plan = get_plan(session)
        assert plan is not None
        return create_adhoc_request(
            session,
            plan=plan,
            title=title,
            due_on=due,
            agency_ids=[agency_id(session, c) for c in codes],
            clock=app.clock,
            today=app.clock.now().astimezone(app.settings.zone).date(),
        )


def owing(app, period: ReportingPeriod) -> set[int]:
    with app.make_session() as session:
        return set(
            session.exec(
                select(PeriodAgency.agency_id).where(PeriodAgency.period_id == period.id)
            ).all()
        )


def test_requests_are_numbered_and_groups_become_their_members(app) -> None:
    first = request(app, ["so-yte"], due=date(2026, 11, 20))
    second = request(app, ["ubnd-cac-huyen-thanh-pho", "ubnd-cu-jut"], due=date(2026, 11, 20))
    assert (first.key, first.kind, second.key) == ("adhoc-1", "adhoc", "adhoc-2")
    assert len(owing(app, second)) == 8  # the eight district committees, Cư Jút once


def test_a_request_needs_a_topic_and_a_future_deadline(app) -> None:
    with pytest.raises(RequestError, match="passed"):
        request(app, ["so-yte"], due=date(2026, 11, 1))
    with pytest.raises(RequestError, match="topic"):
        request(app, ["so-yte"], due=date(2026, 11, 20), title="   ")


def test_focal_points_are_notified_at_once_then_reminded(app, clock) -> None:
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    focal(app, "Phạm Văn Nam", "so-tnmt", "1002")
    focal(app, "Không liên quan", "so-noivu", "1003")
    clock.set(at("2026-11-03 14:00"))
    request(app, ["so-yte", "so-tnmt"], due=date(2026, 11, 6))  # a Friday
    telegram = FakeChannel()
    svc = service(app, telegram)
    tick(svc)
    [notice] = telegram.texts("1001")
    assert notice.startswith("Yêu cầu báo cáo đột xuất")
    assert "Sở Khoa học và Công nghệ đề nghị Sở Y tế báo cáo" in notice
    assert "Tình hình ứng dụng CNSH quý IV" in notice
    assert "thứ Sáu, 06/11/2026 (còn 3 ngày làm việc)" in notice
    assert telegram.sent[0][1].options[0].value == "/report"
    assert telegram.texts("1003") == []

    submit(app, "so-tnmt", period_key="adhoc-1")
    clock.set(at("2026-11-05 08:00"))  # one working day before
    tick(svc)
    assert "còn 1 ngày làm việc" in telegram.texts("1001")[-1]
    assert len(telegram.texts("1002")) == 1  # submitted: no reminder


def test_no_reminder_on_the_day_a_request_is_issued(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-11-05 07:00"))
    request(app, ["so-yte"], due=date(2026, 11, 6))
    telegram = FakeChannel()
    svc = service(app, telegram)
    tick(svc)
    clock.set(at("2026-11-05 08:00"))  # the 1-day step, same day as the notice
    tick(svc)
    assert len(telegram.texts("1001")) == 1


def test_closing_a_period_cancels_what_is_pending_and_stops_reminders(app, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-11-09 08:00"))
    asyncio.run(service(app).plan())
    with transaction(app.make_session) as session:
        plan = get_plan(session)
        period = find_period(session, plan=plan, key="2026")
        assert close_period(session, period=period, clock=app.clock)
        assert not close_period(session, period=period, clock=app.clock)
    telegram = FakeChannel()
    svc = service(app, telegram)
    tick(svc)
    clock.advance(timedelta(days=10))
    tick(svc)
    assert telegram.sent == []
    assert {r.status for r in outbox(app)} == {"cancelled"}


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def cli(app, monkeypatch):
    """`baocao ...` against the test database (the CLI runs on the real clock)."""
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.settings.database_url)
    yield main


def test_baocao_request_creates_the_request_and_queues_the_notices(app, cli, capsys) -> None:
    focal(app, "A", "so-yte", "1001")
    due = date.today() + timedelta(days=20)
    code = cli(
        [
            "request",
            "--agencies",
            "so-yte, Sở Tài nguyên và Môi trường, Các Hội, Hiệp hội của tỉnh",
            "--topic",
            "Kết quả chuyển giao công nghệ",
            "--due",
            f"{due:%d/%m/%Y}",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Đã tạo yêu cầu adhoc-1: «Kết quả chuyển giao công nghệ»" in out
    assert "gửi 3 cơ quan. Đã xếp 1 thông báo vào hàng đợi." in out
    assert "Chưa báo được cho 2 cơ quan:" in out
    assert "Sở Tài nguyên và Môi trường: chưa có đầu mối" in out
    [row] = [r for r in outbox(app) if r.kind == "request"]
    assert row.chat_id == "1001" and row.status == "pending"


def test_baocao_request_to_all_agencies(app, cli, capsys) -> None:
    due = date.today() + timedelta(days=5)
    assert cli(["request", "--agencies", "all", "--topic", "Rà soát", "--due", str(due)]) == 0
    assert "gửi 29 cơ quan" in capsys.readouterr().out


def test_baocao_request_refuses_unknown_agencies_and_writes_nothing(app, cli, capsys) -> None:
    due = date.today() + timedelta(days=5)
    code = cli(["request", "--agencies", "so-yte, Sở Không Có", "--topic", "X", "--due", str(due)])
    assert code == 1
    assert "Sở Không Có" in capsys.readouterr().err
    with app.make_session() as session:
        assert (
            session.exec(select(ReportingPeriod).where(ReportingPeriod.kind == "adhoc")).all() == []
        )


def test_baocao_period_list_and_close(app, cli, capsys) -> None:
    assert cli(["period", "list"]) == 0
    assert "2026\tđang mở\thạn 30/11/2026" in capsys.readouterr().out
    assert cli(["period", "close", "2026"]) == 0
    assert "Đã đóng kỳ 2026" in capsys.readouterr().out
    assert cli(["period", "close", "2026"]) == 0
    assert "đã đóng từ trước" in capsys.readouterr().out
    assert cli(["period", "close", "adhoc-9"]) == 1


def test_baocao_request_takes_the_readmes_semicolon_list(app, cli, capsys) -> None:
    due = date.today() + timedelta(days=20)
    agencies = "so-yte; Sở Tài chính"  # the README's own example
    assert cli(["request", "--agencies", agencies, "--topic", "X", "--due", str(due)]) == 0
    assert "gửi 2 cơ quan" in capsys.readouterr().out
