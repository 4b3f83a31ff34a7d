"""`baocao remind --dry-run` shows what would be sent at a moment and why, writing nothing;
`baocao outbox` shows what waits, is held or failed."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.cli import main
from tests.test_reminders_support import (
    FakeChannel,
    at,
    focal,
    outbox,
    service,
    submit,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def cli(app, monkeypatch):
    """`baocao ...` against the test database (the CLI runs on the real clock)."""
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("BAOCAO_ADMINS", "telegram:9000")
    yield main


def test_dry_run_lists_each_reminder_with_its_reason(app, cli, capsys) -> None:
    focal(app, "Nguyễn Thị Lan", "so-yte", "1001")
    focal(app, "Vắng", "so-tnmt", "1002", away_until=date(2026, 11, 30))
    submit(app, "so-noivu")
    assert cli(["remind", "--dry-run", "--at", "2026-11-25T08:00"]) == 0
    out = capsys.readouterr().out
    assert "Thời điểm: 08:00 thứ Tư, 25/11/2026 (Asia/Ho_Chi_Minh)" in out
    assert "Hạn nộp: thứ Hai, 30/11/2026 (còn 3 ngày làm việc)." in out
    assert "d14 09/11, d7 18/11, d3 25/11, d1 27/11, d0 30/11" in out
    assert "Lần nhắc hiện tại: nhắc trước hạn 3 ngày làm việc." in out
    assert "Lần sau: nhắc trước hạn 1 ngày làm việc, 08:00 27/11/2026." in out
    assert "Sẽ gửi (2):" in out
    assert (
        "- telegram 1001 (Nguyễn Thị Lan) [reminder]: nhắc trước hạn 3 ngày làm việc, "
        "lịch 08:00 25/11/2026; Sở Y tế chưa nộp" in out
    )
    assert "- telegram 9000 (quản trị) [digest]: tổng hợp hằng ngày" in out
    assert "- Sở Nội vụ: đã nộp báo cáo" in out
    assert "- Sở Tài nguyên và Môi trường: Vắng vắng đến 30/11/2026" in out
    assert outbox(app) == []  # a dry run writes nothing


def test_dry_run_in_english(app, cli, capsys, monkeypatch) -> None:
    focal(app, "Vắng", "so-tnmt", "1002", away_until=date(2026, 11, 30))
    monkeypatch.setenv("BAOCAO_LANGUAGE", "en")
    assert cli(["remind", "--dry-run", "--at", "2026-11-25T08:00"]) == 0
    out = capsys.readouterr().out
    assert "At: 08:00 Wednesday, 2026-11-25 (Asia/Ho_Chi_Minh)" in out
    assert "Due: Monday, 2026-11-30 (3 working days left)." in out
    assert "Current reminder: reminder 3 working days before the deadline." in out
    assert "- telegram 9000 (administrator) [digest]: daily digest, scheduled " in out
    assert "- Sở Tài nguyên và Môi trường: Vắng away until 30/11/2026" in out
    assert "Hạn nộp" not in out and "chưa có đầu mối" not in out


def test_dry_run_explains_a_catch_up_and_what_is_already_queued(app, cli, capsys, clock) -> None:
    focal(app, "A", "so-yte", "1001")
    clock.set(at("2026-11-18 08:00"))
    asyncio.run(service(app).plan())
    assert cli(["remind", "--dry-run", "--at", "2026-11-18T09:00"]) == 0
    out = capsys.readouterr().out
    assert "Đã có trong hàng đợi, không gửi lại: 1 tin nhắn." in out  # the reminder
    assert "Sẽ gửi (1):\n    - telegram 9000 (quản trị) [digest]" in out  # a newly added admin
    assert cli(["remind", "--dry-run", "--at", "2026-12-03T10:00"]) == 0
    out = capsys.readouterr().out
    assert "[overdue]: nhắc quá hạn lần 1, lịch 08:00 02/12/2026; đã lỡ quá 12 giờ nên gửi" in out


def test_at_needs_dry_run(cli, capsys) -> None:
    assert cli(["remind", "--at", "2026-11-25T08:00"]) == 2
    assert cli(["remind", "--dry-run", "--at", "hôm qua"]) == 2


def test_outbox_shows_pending_and_failed_rows(app, cli, capsys, clock) -> None:
    from scheduler.delivery import DeliveryError

    focal(app, "A", "so-yte", "1001")
    focal(app, "B", "so-tnmt", "1002")
    clock.set(at("2026-11-09 08:00"))
    telegram = FakeChannel()
    telegram.chat_errors["1001"] = [DeliveryError("Forbidden: chat not found", permanent=True)]
    svc = service(app, telegram)
    asyncio.run(svc.plan())
    assert cli(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "chờ gửi: 2" in out
    assert (
        "#1 chờ gửi telegram 1001 [reminder] lần thử 0, 08:00 09/11/2026: «Nhắc hạn báo cáo»" in out
    )
    asyncio.run(svc.deliver())
    assert cli(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "chờ gửi: 0" in out and "lỗi: 1" in out and "đã gửi: 1" in out
    assert "lỗi telegram 1001 [reminder] lần thử 1" in out
    assert "Forbidden: chat not found" in out
