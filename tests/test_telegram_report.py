"""Registration and a whole report through the real Telegram channel and the fake Bot API
server: buttons for options, a document as the attachment (issues 4 and 5)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from storage.models import Attachment, Submission, SubmissionVersion, Task, TaskReport
from tests.plan_files import small_plan, write_yaml
from tests.test_telegram_channel import fake, loop, start_bot, tg  # noqa: F401  (fixtures)

LINK = re.compile(r"https://t\.me/baocao_test_bot\?start=([A-Z2-7]{26})")


class Chat:
    """One Telegram user and the bot's messages to them, read in order."""

    def __init__(self, user) -> None:
        self.user, self.seen = user, 0

    def say(self, text: str, replies: int = 1):
        self.user.send_text(text)
        return self._next(replies)

    def press(self, label: str):
        self.user.press(self.user.messages[-1], label)
        return self._next(1)

    def upload(self, data: bytes, name: str):
        self.user.send_document(data, name)
        return self._next(2)  # "got it", then the question again

    def _next(self, replies: int):
        """The last of the bot's `replies` answers to what the user just did."""
        messages = self.user.wait_for_messages(self.seen + replies)
        self.seen = len(messages)
        return messages[-1]


@pytest.mark.both_databases
def test_invite_register_and_report_on_telegram(start_bot, tg, tmp_path):  # noqa: F811
    bot = start_bot(
        plan_file=str(write_yaml(tmp_path / "p.yaml", small_plan())), admins="telegram:9001"
    )
    admin = Chat(tg.user(9001, "Thư ký"))
    invite = admin.say("/invite so-a").text
    code = LINK.search(invite).group(1)  # the deep link to this very bot

    lan = Chat(tg.user(4201, "Lan"))
    assert "Sở A" in lan.say(f"/start {code}").text  # what opening the deep link sends
    lan.say("Nguyễn Thị Lan")
    assert "Họ và tên: Nguyễn Thị Lan" in lan.say("Chuyên viên").text
    assert "Đăng ký thành công" in lan.press("Đúng, đăng ký").text

    status = lan.say("/report", replies=2)
    assert "Nhiệm vụ 1 (1/4), vai trò: chủ trì" in status.text
    assert [label for label, _ in status.buttons] == [
        "Chưa thực hiện",
        "Đang thực hiện",
        "Đã hoàn thành",
        "Không áp dụng",
    ]
    assert "phần trăm" in lan.press("Đang thực hiện").text
    lan.say("65%")
    lan.say("Tập huấn cho 120 nông dân <Cư Jút>")  # a lone < is text, shown as typed
    lan.say("/skip")
    attach = lan.say("/skip")
    assert [label for label, _ in attach.buttons] == ["Xong"]
    pdf = b"%PDF-1.4 van ban bao cao da ky"
    lan.upload(pdf, "bc-so-a.pdf")
    assert "Đã nhận tệp bc-so-a.pdf (1 tệp)" in lan.user.messages[-2].text
    lan.press("Xong")
    lan.press("Đã hoàn thành")
    lan.say("Hoàn thành")
    lan.say("/skip")
    lan.say("/skip")
    assert "Nhiệm vụ 3 (3/4), vai trò: phối hợp" in lan.press("Xong").text
    lan.press("Không áp dụng")
    lan.say("Chưa được mời phối hợp")
    lan.say("/skip")
    lan.say("/skip")
    lan.say("/skip")
    review = lan.press("Xong")
    assert "Đang thực hiện, 65%" in review.text
    assert "Tập huấn cho 120 nông dân <Cư Jút>" in review.text
    receipt = lan.press("Nộp báo cáo")
    assert "Mã báo cáo: 2026-SO-A (phiên bản 1)" in receipt.text and "đúng hạn" in receipt.text

    with bot.app.make_session() as session:
        submission = session.exec(select(Submission)).one()
        assert (submission.state, submission.current_version) == ("submitted", 1)
        version = session.exec(select(SubmissionVersion)).one()
        rows = session.exec(
            select(TaskReport, Task.number)
            .join(Task, Task.id == TaskReport.task_id, isouter=True)
            .where(TaskReport.version_id == version.id)
        ).all()
        by_task = {number: report for report, number in rows}
        assert (by_task[1].status, by_task[1].percent, by_task[1].results) == (
            "in_progress",
            65,
            "Tập huấn cho 120 nông dân <Cư Jút>",
        )
        assert (by_task[2].status, by_task[2].percent) == ("completed", 100)
        assert (by_task[3].role, by_task[3].not_applicable_reason) == (
            "coordinating",
            "Chưa được mời phối hợp",
        )
        attachment = session.exec(select(Attachment)).one()
        assert (attachment.channel, attachment.file_name, attachment.task_report_id) == (
            "telegram",
            "bc-so-a.pdf",
            by_task[1].id,
        )
    # the stored file reference fetches the very document from Telegram
    assert bot.loop.run(bot.channel.fetch_file(attachment.file_ref)) == pdf
