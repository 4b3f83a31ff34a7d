"""Registration and a whole report through the real Telegram channel and the fake Bot API
server: buttons for options, a document as the attachment (issues 4 and 5)."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlmodel import select

from storage.models import ReportAnswer, Submission, SubmissionVersion, Task
from tests.plan_files import small_plan_with_form, write_yaml
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
        plan_file=str(write_yaml(tmp_path / "p.yaml", small_plan_with_form())),
        admins="telegram:9001",
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
    assert "[1/4] Nhiệm vụ 1 (chủ trì)" in status.text
    assert [label for label, _ in status.buttons] == [
        "Chưa triển khai",
        "Đang triển khai",
        "Đã hoàn thành",
        "Không áp dụng",
    ]
    assert "phần trăm" in lan.press("Đang triển khai").text
    lan.say("65%")
    assert "Nhiệm vụ 2" in lan.say("Tập huấn cho 120 nông dân <Cư Jút>").text  # < is text
    lan.press("Đã hoàn thành")
    assert "Nhiệm vụ 3 (phối hợp)" in lan.say("Hoàn thành").text
    lan.press("Không áp dụng")
    attach = lan.say("Chưa được mời phối hợp")
    assert "Tệp kèm theo" in attach.text
    assert [label for label, _ in attach.buttons] == ["Xong"]
    annex = b"%PDF-1.4 phu luc so lieu"
    lan.upload(annex, "phu-luc.pdf")
    assert "Đã lưu tệp phu-luc.pdf (1 tệp)" in lan.user.messages[-2].text
    review = lan.press("Xong")
    assert "Nhiệm vụ 1 (chủ trì): Đang triển khai" in review.text and "65%" in review.text
    assert "Tập huấn cho 120 nông dân <Cư Jút>" in review.text
    assert "Gửi văn bản đã ký" in review.text

    # The signed letter with its facts as the caption: kept, and the report is submitted.
    signed = b"%PDF-1.4 van ban bao cao da ky, co dau do"
    lan.user.send_document(
        signed, "BC 12.pdf", caption="Số 12/BC-SA, ngày 30/10/2026, người ký Nguyễn Văn Bình"
    )
    receipt = lan._next(1)
    assert "2026-SO-A (phiên bản 1)" in receipt.text and "đúng hạn" in receipt.text
    assert "Văn bản 12/BC-SA, 30/10/2026, Nguyễn Văn Bình ký." in receipt.text

    with bot.app.make_session() as session:
        submission = session.exec(select(Submission)).one()
        assert (submission.state, submission.current_version) == ("submitted", 1)
        version = session.exec(select(SubmissionVersion)).one()
        rows = session.exec(
            select(ReportAnswer, Task.number)
            .join(Task, Task.id == ReportAnswer.task_id, isouter=True)
            .where(ReportAnswer.version_id == version.id)
        ).all()
        answers = {(number, a.question): a.value for a, number in rows}
        assert answers[(1, "status")] == "in_progress" and answers[(1, "percent")] == 65
        assert answers[(1, "results")] == "Tập huấn cho 120 nông dân <Cư Jút>"
        assert answers[(2, "status")] == "completed"
        assert answers[(3, "na_reason")] == "Chưa được mời phối hợp"
        (listed,) = answers[(None, "documents")]
        assert listed["file_name"] == "phu-luc.pdf"
        assert listed["sha256"] == hashlib.sha256(annex).hexdigest()

    # The secretariat gets both files back on Telegram: the very bytes Lan sent.
    admin.say("/view so-a", replies=3)
    sent = [m for m in admin.user.messages if m.document is not None]
    assert [m.document["file_name"] for m in sent] == ["so-a_12-BC-SA.pdf", "phu-luc.pdf"]
    assert [tg.files[m.document["file_id"]].data for m in sent] == [signed, annex]
    assert "Số 12/BC-SA" in sent[0].text
