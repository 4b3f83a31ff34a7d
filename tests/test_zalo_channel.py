"""The Zalo channel end to end: the real adapter long-polling the fake Zalo Bot API server over
HTTP, and the real handlers and database behind it (issue 8).

Tests wait on conditions with deadlines (`settle`, `wait_for_messages`, `wait_until`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest
from sqlmodel import select

from bot.app import admin_chats, policy_from_settings
from bot.channels import start_channels
from bot.zalo import ZaloStartError
from scheduler.service import SchedulerService
from storage.files.documents import version_documents
from storage.models import (
    Identity,
    InboundUpdate,
    OutboxMessage,
    ReportAnswer,
    Submission,
    SubmissionVersion,
)
from tests import test_zalo_support as support
from tests.documents import jpeg, page_images
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZaloBot
from tests.people import invite_code
from tests.plan_files import small_plan_with_form, write_yaml
from tests.test_downloads import free_port
from tests.test_reminders_support import at

# The shared fixtures (pytest finds them by name in this module).
fake, zalo, loop, start_zalo = support.fake, support.zalo, support.loop, support.start_zalo


def register_on_zalo(bot, user, agency: str = "so-yte", name: str = "Nguyễn Thị Lan") -> str:
    assert "Bước 1/3" in bot.say(user, f"/start {invite_code(bot.app, agency)}")
    bot.say(user, name)
    bot.say(user, "Chuyên viên Phòng Nghiệp vụ")
    return bot.say(user, "1")


def test_a_focal_point_registers_on_zalo_with_an_invite_code(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo()
    lan = zalo.user("Lan")

    welcome = bot.say(lan, f"/start {invite_code(bot.app, 'so-yte')}")
    assert "Sở Y tế" in welcome
    assert bot.channel.mode == "polling" and bot.channel.last_activity is not None  # health
    bot.say(lan, "Nguyễn Thị Lan")
    confirm = bot.say(lan, "Chuyên viên Phòng Nghiệp vụ")
    # No buttons on Zalo: the options are numbered lines, answered with a number.
    assert "Họ và tên: Nguyễn Thị Lan" in confirm
    assert "1. Đúng, đăng ký\n2. Nhập lại" in confirm
    assert "Trả lời bằng số thứ tự" in confirm
    assert "Đăng ký thành công" in bot.say(lan, "1")

    with bot.app.make_session() as session:
        identity = session.exec(select(Identity)).one()
        assert (identity.channel, identity.external_id, identity.chat_id) == (
            "zalo",
            lan.user_id,
            lan.user_id,
        )
        updates = session.exec(select(InboundUpdate)).all()
        assert len(updates) == 4 and all(u.handled_at is not None for u in updates)
        assert {u.update_key.split(":")[0] for u in updates} == {"message.text.received"}
    assert zalo.calls_to("deleteWebhook")  # polling mode clears any webhook first


@pytest.fixture
def small(tmp_path):
    return {"plan_file": str(write_yaml(tmp_path / "small.yaml", small_plan_with_form()))}


@pytest.mark.both_databases
def test_a_full_report_on_zalo_with_numbered_options_and_a_photo(
    start_zalo, zalo: FakeZaloBot, small
):
    port = free_port()
    thu = zalo.user("Thu", user_id="5a10c0ffee5a10c0ffee")  # the secretariat, on Zalo too
    bot = start_zalo(
        **small,
        options=replace(support.QUICK, web_port=None),
        public_url=f"http://127.0.0.1:{port}",
        http_port=port,
        admins=f"zalo:{thu.user_id}",
    )
    lan = zalo.user("Lan")
    assert "Đăng ký thành công" in register_on_zalo(bot, lan, "so-a")

    first = bot.say(lan, "/report")
    assert "[1/4] Nhiệm vụ 1 (chủ trì)" in first
    assert "\n1. " in first and "\n2. " in first  # the statuses, numbered
    assert "bao nhiêu phần trăm" in bot.say(lan, "2")
    assert "Kết quả đạt được" in bot.say(lan, "70%")
    assert "Nhiệm vụ 2" in bot.say(lan, "Đã tổ chức 2 hội thảo, 150 người dự")
    bot.say(lan, "Đã hoàn thành")  # an option by its label, as typed
    assert "Nhiệm vụ 3 (phối hợp)" in bot.say(lan, "Hoàn thành mô hình trình diễn")
    assert "Lý do không áp dụng" in bot.say(lan, "4")
    assert "Tệp kèm theo" in bot.say(lan, "Sở B chưa đề nghị phối hợp")
    annex = jpeg("green")
    received = bot.send_photo(lan, zalo.host_photo(annex))
    assert "Đã lưu tệp zalo_photo_" in received and "(1 tệp)" in received
    review = bot.say(lan, "1")  # «Xong»
    assert "XEM LẠI TRƯỚC KHI NỘP" in review and "Gửi văn bản đã ký" in review

    # Zalo sends no documents: the signed letter comes as photos of its pages, in order.
    pages = [jpeg("white", (60, 84)), jpeg("black", (84, 60))]
    caption = "Số 7/BC-SA, ngày 30/10/2026, người ký Nguyễn Văn Bình"
    assert "Đã lưu trang 1" in bot.send_photo(lan, zalo.host_photo(pages[0]), caption)
    assert "Đã lưu trang 2" in bot.send_photo(lan, zalo.host_photo(pages[1]))
    receipt = bot.say(lan, "1")  # «Nộp báo cáo»
    assert "ĐÃ NỘP BÁO CÁO 2026-SO-A (phiên bản 1)" in receipt
    assert "Văn bản 7/BC-SA, 30/10/2026, Nguyễn Văn Bình ký." in receipt

    with bot.app.make_session() as session:
        assert session.exec(select(Submission)).one().state == "submitted"
        answer = session.exec(
            select(ReportAnswer).where(ReportAnswer.question == "documents")
        ).one()
        (listed,) = answer.value
        assert listed["file_name"].endswith(".jpg") and listed["size"] == len(annex)
        version_id = session.exec(select(SubmissionVersion.id)).one()
        files = version_documents(session, version_id=version_id)
    assert [f.purpose for f in files] == ["signed", "attachment"]
    # The very photo, kept; and one PDF of the pages in the order they were sent.
    assert bot.app.files.get(files[1].key) == annex
    assert page_images(bot.app.files.get(files[0].key)) == pages
    assert all(len(m.text) <= 2000 for m in lan.messages)

    # The secretariat gets them back on Zalo as personal download links: the very bytes.
    viewed = bot.say(thu, "/view so-a")
    links = dict(re.findall(r"Tải tệp “([^”]+)” tại: (http://\S+)", viewed))
    assert set(links) == {"so-a_7-BC-SA.pdf", files[1].file_name}, viewed
    for name, url in links.items():
        with httpx.Client() as browser:
            answer = browser.get(url)
        kept = files[0] if name.endswith(".pdf") else files[1]
        assert answer.status_code == 200 and answer.content == bot.app.files.get(kept.key)
    assert "Tải tệp" not in bot.say(lan, "/view so-b")  # a focal point: no other agency's file


def test_baocao_run_starts_zalo_beside_telegram(make_app, fake, zalo: FakeZaloBot, loop):
    with FakeTelegram() as telegram_server:
        telegram = telegram_server.add_bot()
        app = make_app(
            zalo_token=zalo.token,
            zalo_api_url=fake.url,
            telegram_token=telegram.token,
            telegram_api_url=telegram_server.url,
        )
        channels = loop.run(start_channels(app), timeout=15)
        try:
            assert [c.name for c in channels] == ["telegram", "zalo"]
            lan = zalo.user("Lan")
            lan.send_text("/help")
            assert "Các lệnh bạn dùng được" in lan.wait_for_messages(1)[0].text
        finally:
            for channel in channels:
                loop.run(channel.stop(), timeout=15)


def test_a_wrong_token_stops_start_up_with_a_clear_message(make_app, fake, loop):
    app = make_app(zalo_token="999:not-the-right-secret-token", zalo_api_url=fake.url)
    with pytest.raises(ZaloStartError) as raised:
        loop.run(start_channels(app))
    assert "BAOCAO_ZALO_TOKEN" in str(raised.value)
    assert "not-the-right-secret-token" not in str(raised.value)


def test_a_reminder_from_the_outbox_reaches_a_focal_point_on_zalo(
    start_zalo, zalo: FakeZaloBot, clock
):
    bot = start_zalo(admins="telegram:1001")
    lan = zalo.user("Lan")
    register_on_zalo(bot, lan, "so-yte")
    clock.set(at("2026-11-09 08:00"))  # 14 working days before the 30 November deadline
    service = SchedulerService(
        make_session=bot.app.make_session,
        clock=clock,
        zone=bot.app.settings.zone,
        channels=[bot.channel],
        policy=policy_from_settings(bot.app.settings),
        admins=admin_chats(bot.app.settings),
    )
    planned = bot.loop.run(service.plan())
    assert any(p.recipient.chat_id == lan.user_id for p in planned)
    before = len(lan.messages)
    report = bot.loop.run(service.deliver(), timeout=15)
    assert report.sent >= 1
    reminder = lan.messages[before:]
    assert reminder and "Sở Y tế" in reminder[0].text and "30/11/2026" in reminder[0].text
    with bot.app.make_session() as session:
        row = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.channel == "zalo", OutboxMessage.chat_id == lan.user_id
            )
        ).one()
        assert row.status == "sent"


def test_the_secretariat_works_from_zalo(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo()
    lan, ha = zalo.user("Lan"), zalo.user("Hà")
    assert "thư ký kế hoạch" in bot.say(ha, f"/start {invite_code(bot.app, 'thuky')}")
    bot.say(ha, "Lê Thu Hà")
    bot.say(ha, "Phó Giám đốc")
    assert "Đăng ký thành công" in bot.say(ha, "1")
    register_on_zalo(bot, lan, "so-yte")

    agencies = bot.say(ha, "/agencies")
    assert "Sở Y tế [so-yte]: Nguyễn Thị Lan (zalo)" in agencies
    assert "chưa nộp báo cáo" in bot.say(ha, "/view so-yte")
    summary = bot.say(ha, "/summary")
    # The 3 bodies the plan only requests are not chased.
    assert "CÒN THIẾU (26)" in summary and "Sở Y tế" in summary
    # The chart is a file: Zalo cannot send files, and without a public URL there is no link.
    assert "Zalo không cho bot gửi tệp, nên tệp “bieu-do-2026.png”" in summary
    assert "1. Cơ quan còn thiếu" in summary  # its options, numbered
    assert all(len(m.text) <= 2000 for m in ha.messages)
    # A focal point is refused the secretariat's commands, on Zalo as anywhere.
    assert "Sở Y tế [so-yte]: Nguyễn Thị Lan" not in bot.say(lan, "/agencies")
