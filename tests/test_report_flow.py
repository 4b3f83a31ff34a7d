"""The reporting conversation: answers, receipt, edits and versions, returns (issue 5)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import col, select

from handlers.events import IncomingAttachment
from scheduler.review_digest import plan_review_digest
from scheduler.service import SchedulerService
from storage.models import (
    Attachment,
    ConversationState,
    OutboxMessage,
    ReportDraft,
    ReportingPeriod,
    Submission,
    SubmissionVersion,
    Task,
    TaskReport,
)
from tests.conftest import VN
from tests.people import register, say
from tests.plan_files import small_plan, write_yaml

PDF = IncomingAttachment("file-123", "bao-cao-da-ky.pdf", "application/pdf", 120_000)


@pytest.fixture
def app(make_app, tmp_path):
    """Plan 99/KH-TEST; u1 is a focal point of Sở A; the console operator is secretariat."""
    app = make_app(
        plan_file=str(write_yaml(tmp_path / "small.yaml", small_plan())), admins="telegram:1001"
    )
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    return app


def step(app, user: str = "u1") -> str | None:
    with app.make_session() as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.chat_id == user)
        ).first()
        return state.step if state else None


def answer_task_one(app) -> None:
    assert "Nhiệm vụ 1 (1/4), vai trò: chủ trì" in say(app, "u1", "/report")
    assert "bao nhiêu phần trăm" in say(app, "u1", "2")
    assert "Kết quả đạt được" in say(app, "u1", "70%")
    assert "Khó khăn" in say(app, "u1", "Đã tổ chức 2 hội thảo, 150 người dự")
    assert "Đề xuất" in say(app, "u1", "Thiếu kinh phí")
    assert "Tệp đính kèm" in say(app, "u1", "Bổ sung kinh phí năm 2027")
    assert "Đã nhận tệp bao-cao-da-ky.pdf (1 tệp)" in say(app, "u1", attachment=PDF)


def walk_full_report(app) -> str:
    answer_task_one(app)
    assert "Nhiệm vụ 2 (2/4)" in say(app, "u1", "1")  # «Xong»
    say(app, "u1", "Đã hoàn thành")  # by label
    say(app, "u1", "Hoàn thành mô hình trình diễn")
    say(app, "u1", "/skip")
    say(app, "u1", "/skip")
    third = say(app, "u1", "/skip")
    assert "Nhiệm vụ 3 (3/4), vai trò: phối hợp" in third
    assert "Lý do không áp dụng" in say(app, "u1", "4")
    general = say(app, "u1", "Sở B chưa đề nghị phối hợp")
    assert "Phần chung (4/4)" in general and "lĩnh vực A" in general
    say(app, "u1", "Đã ban hành kế hoạch riêng của Sở")
    say(app, "u1", "/skip")
    say(app, "u1", "/skip")
    review = say(app, "u1", "1")
    assert "XEM LẠI BÁO CÁO" in review and "Nhiệm vụ 1 (chủ trì): Đang thực hiện, 70%" in review
    return review


def stored_reports(app, version: int = 1) -> dict[int | None, TaskReport]:
    with app.make_session() as session:
        rows = session.exec(
            select(TaskReport, Task.number)
            .join(SubmissionVersion, SubmissionVersion.id == TaskReport.version_id)
            .join(Task, Task.id == TaskReport.task_id, isouter=True)
            .where(SubmissionVersion.version == version)
        ).all()
        return {number: report for report, number in rows}


@pytest.mark.both_databases
def test_full_report_is_stored_field_by_field(app):
    review = walk_full_report(app)
    assert "Nộp báo cáo" in review
    receipt = say(app, "u1", "1")
    assert "ĐÃ NỘP BÁO CÁO" in receipt
    assert "Mã báo cáo: 2026-SO-A (phiên bản 1)" in receipt
    assert "Thời điểm nộp: 09:00 02/11/2026" in receipt
    assert "Tình trạng: đúng hạn (hạn 30/11/2026)" in receipt
    assert "trước ngày 20/12/2026" in receipt
    reports = stored_reports(app)
    assert sorted(reports, key=str) == [1, 2, 3, None]
    one = reports[1]
    assert (one.role, one.status, one.percent) == ("lead", "in_progress", 70)
    assert one.results == "Đã tổ chức 2 hội thảo, 150 người dự"
    assert (one.difficulties, one.proposals) == ("Thiếu kinh phí", "Bổ sung kinh phí năm 2027")
    two = reports[2]
    assert (two.status, two.percent, two.results, two.difficulties) == (
        "completed",
        100,
        "Hoàn thành mô hình trình diễn",
        "",
    )
    three = reports[3]
    assert (three.role, three.status, three.percent) == ("coordinating", "not_applicable", None)
    assert three.not_applicable_reason == "Sở B chưa đề nghị phối hợp"
    assert reports[None].results == "Đã ban hành kế hoạch riêng của Sở"
    with app.make_session() as session:
        attachment = session.exec(select(Attachment)).one()
        assert (attachment.task_report_id, attachment.file_ref, attachment.file_name) == (
            one.id,
            "file-123",
            "bao-cao-da-ky.pdf",
        )
        submission = session.exec(select(Submission)).one()
        assert (submission.state, submission.current_version) == ("submitted", 1)
        assert session.exec(select(ReportDraft)).first() is None
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "submission")).one()
        assert notice.chat_id == "1001" and "Sở A" in notice.text and "/view so-a" in notice.text
    assert step(app) is None


def test_back_skip_cancel_and_resume(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    assert "Câu này bắt buộc" in say(app, "u1", "/skip")
    say(app, "u1", "40")
    back = say(app, "u1", "/back")
    assert "bao nhiêu phần trăm" in back and "Hiện tại: 40" in back
    say(app, "u1", "55")
    assert step(app) == "results"
    assert "Đã dừng" in say(app, "u1", "/cancel")
    assert step(app) is None
    resumed = say(app, "u1", "/report")
    assert "Tiếp tục bản nháp" in resumed and "Kết quả đạt được" in resumed
    assert "Hiện tại: 55" in say(app, "u1", "/back")
    assert "Hiện tại: Đang thực hiện" in say(app, "u1", "/back")
    assert step(app) == "status"
    assert "Hiện tại: 55" in say(app, "u1", "2")
    assert "Kết quả đạt được" in say(app, "u1", "/skip")  # an answer already given is kept
    assert step(app) == "results"


def test_first_question_back(app):
    say(app, "u1", "/report")
    assert "Đây là câu hỏi đầu tiên" in say(app, "u1", "/back")
    assert step(app) == "status"


@pytest.mark.parametrize(
    ("answers", "bad", "expected", "same_step"),
    [
        ([], "xyz", "chọn một trong các tình trạng", "status"),
        (["2"], "bảy mươi", "chưa nhận số viết bằng chữ", "percent"),
        (["2"], "150", "từ 0 đến 100 (bạn gõ 150)", "percent"),
        (["2"], "-5", "Gõ một số từ 0 đến 100", "percent"),
        (["2", "70"], "   ", "không được để trống", "results"),
        (["2", "70"], "x" * 2001, "Quá dài: 2001 ký tự, tối đa 2000", "results"),
        (["2", "70"], "Tốt lắm 👍", "biểu tượng cảm xúc", "results"),
        (["2", "70"], "<b>đậm</b>", "thẻ định dạng", "results"),
        (["2", "70", "Kết quả"], "y" * 1001, "tối đa 1000", "difficulties"),
        (["2", "70", "Kết quả", "/skip", "/skip"], "chữ", "hãy gửi tệp hoặc ảnh", "attachments"),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_same_question(
    app, answers, bad, expected, same_step
):
    say(app, "u1", "/report")
    for text in answers:
        say(app, "u1", text)
    assert expected in say(app, "u1", bad)
    assert step(app) == same_step


def test_document_where_text_was_asked(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    assert "không phải gửi tệp" in say(app, "u1", attachment=PDF)
    assert step(app) == "percent"


def test_too_big_attachment(app):
    answer_task_one(app)
    huge = IncomingAttachment("f9", "video.mp4", "video/mp4", 50 * 1024 * 1024)
    assert "quá lớn (50.0 MB, tối đa 20 MB)" in say(app, "u1", attachment=huge)


def test_lesser_than_sign_is_fine_in_free_text(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    say(app, "u1", "70")
    assert "Khó khăn" in say(app, "u1", "Tỷ lệ hỏng < 5% & chi phí > dự kiến")


def submit_full(app) -> str:
    walk_full_report(app)
    return say(app, "u1", "1")


@pytest.mark.both_databases
def test_late_submission_is_accepted_and_marked_late(app):
    app.clock.set(datetime(2026, 12, 1, 8, 30, tzinfo=VN))
    receipt = submit_full(app)
    assert "Tình trạng: nộp trễ hạn (hạn 30/11/2026)" in receipt
    with app.make_session() as session:
        assert session.exec(select(SubmissionVersion.is_late)).one() is True


@pytest.mark.both_databases
def test_submission_on_the_deadline_day_is_on_time(app):
    app.clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=VN))
    assert "đúng hạn" in submit_full(app)


@pytest.mark.both_databases
def test_edit_creates_version_two_and_keeps_version_one(app):
    submit_full(app)
    app.clock.advance(timedelta(days=1))
    existing = say(app, "u1", "/report")
    assert "đã nộp phiên bản 1" in existing
    review = say(app, "u1", "1")  # «Sửa báo cáo»
    assert "Sửa nhiệm vụ 1" in review
    edit = say(app, "u1", "Sửa nhiệm vụ 1")
    assert "Hiện tại: Đang thực hiện" in edit
    say(app, "u1", "2")
    say(app, "u1", "90")
    say(app, "u1", "Đã tổ chức 4 hội thảo")
    say(app, "u1", "/skip")
    say(app, "u1", "/skip")
    back_to_review = say(app, "u1", "1")
    assert "XEM LẠI" in back_to_review and "Đang thực hiện, 90%" in back_to_review
    receipt = say(app, "u1", "Nộp báo cáo")
    assert "(phiên bản 2)" in receipt
    first, second = stored_reports(app, 1), stored_reports(app, 2)
    assert (first[1].percent, first[1].results) == (70, "Đã tổ chức 2 hội thảo, 150 người dự")
    assert (second[1].percent, second[1].results) == (90, "Đã tổ chức 4 hội thảo")
    assert second[2].results == first[2].results  # untouched parts carried over
    with app.make_session() as session:
        attachments = session.exec(select(Attachment.file_ref)).all()
        assert attachments == ["file-123", "file-123"]  # the file stays with version 2 too
        notice = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "submission")
            .order_by(col(OutboxMessage.id).desc())
        ).first()
        assert "phiên bản 2" in notice.text and "/history so-a" in notice.text
    history = say(app, "operator", "/history so-a")
    assert "Phiên bản 1: 09:00 02/11/2026, Nguyễn Thị Lan, đúng hạn" in history
    assert "Phiên bản 2: 09:00 03/11/2026" in history
    old = say(app, "operator", "/view so-a 1")
    assert "phiên bản 1/2" in old and "70%" in old
    assert "phiên bản 2/2" in say(app, "operator", "/view Sở A")


@pytest.mark.both_databases
def test_return_by_the_secretariat_and_resubmission(app):
    submit_full(app)
    answer = say(app, "operator", "/return so-a Cần bổ sung số liệu nhiệm vụ 1")
    assert "Đã trả lại báo cáo của Sở A" in answer and "1 đầu mối" in answer
    with app.make_session() as session:
        submission = session.exec(select(Submission)).one()
        assert submission.state == "returned"
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "returned")).one()
        assert notice.chat_id == "u1" and "Cần bổ sung số liệu nhiệm vụ 1" in notice.text
    opened = say(app, "u1", "/report")
    assert "Thư ký đề nghị bổ sung" in opened and "Cần bổ sung số liệu nhiệm vụ 1" in opened
    say(app, "u1", "1")
    assert "(phiên bản 2)" in say(app, "u1", "Nộp báo cáo")
    with app.make_session() as session:
        submission = session.exec(select(Submission)).one()
        assert (submission.state, submission.current_version, submission.return_comment) == (
            "submitted",
            2,
            "",
        )
    history = say(app, "operator", "/history so-a")
    assert "trả lại: Cần bổ sung số liệu nhiệm vụ 1" in history
    assert "chưa được nộp" in say(app, "operator", "/return so-b Thiếu")


@pytest.mark.both_databases
def test_two_focal_points_editing_at_once(app):
    register(app, "u2", "so-a", name="Hoàng Văn Nam")
    submit_full(app)
    say(app, "u1", "/report")
    say(app, "u1", "1")  # u1 opens an edit from version 1
    say(app, "u2", "/report")
    say(app, "u2", "1")  # u2 too
    say(app, "u2", "Sửa nhiệm vụ 2")
    say(app, "u2", "3")
    say(app, "u2", "Mô hình đã nhân rộng ra 3 huyện")
    say(app, "u2", "/skip")
    say(app, "u2", "/skip")
    say(app, "u2", "1")
    assert "(phiên bản 2)" in say(app, "u2", "Nộp báo cáo")
    conflict = say(app, "u1", "Nộp báo cáo")
    assert "Chưa nộp được" in conflict and "Hoàng Văn Nam đã nộp phiên bản 2" in conflict
    assert "Bản của bạn vẫn được giữ nguyên" in conflict
    with app.make_session() as session:
        assert session.exec(select(Submission.current_version)).one() == 2
        assert session.exec(select(ReportDraft.person_id)).one() is not None
    theirs = say(app, "u1", "1")  # see the version just submitted
    assert "Mô hình đã nhân rộng ra 3 huyện" in theirs
    assert "(phiên bản 3)" in say(app, "u1", "Nộp bản của tôi thành phiên bản mới")
    assert stored_reports(app, 2)[2].results == "Mô hình đã nhân rộng ra 3 huyện"


def test_second_drafter_is_warned_up_front(app):
    register(app, "u2", "so-a", name="Hoàng Văn Nam")
    say(app, "u1", "/report")
    assert "Nguyễn Thị Lan cũng đang soạn báo cáo này" in say(app, "u2", "/report")


def test_incomplete_report_cannot_be_submitted(app):
    say(app, "u1", "/report")
    say(app, "u1", "/cancel")
    with app.make_session() as session:
        draft = session.exec(select(ReportDraft)).one()
        draft.answers = {"_cursor": None}
        session.add(draft)
        session.commit()
    text = say(app, "u1", "/report")
    assert "Tiếp tục bản nháp" in text and "Còn 3 phần chưa trả lời đủ: 1, 2, 3" in text
    assert "Nộp báo cáo" not in text


def test_closed_period_cannot_be_reported(app):
    with app.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        period.status = "closed"
        session.add(period)
        session.commit()
    assert "không có kỳ báo cáo nào đang mở cho Sở A" in say(app, "u1", "/report")


def test_review_commands_are_for_the_secretariat_only(app):
    submit_full(app)
    for command in ("/view so-a", "/history so-a", "/return so-a x"):
        assert "chỉ dành cho thư ký" in say(app, "u1", command)
    assert "Cách dùng" in say(app, "operator", "/view")
    assert "Không tìm thấy cơ quan" in say(app, "operator", "/view so-z")
    assert "chưa nộp báo cáo nào" in say(app, "operator", "/view so-b")


def test_digest_mode_sends_no_instant_notice(make_app, tmp_path):
    app = make_app(
        plan_file=str(write_yaml(tmp_path / "s.yaml", small_plan())),
        admins="telegram:1001",
        review_notify="digest",
    )
    register(app, "u1", "so-a")
    submit_full(app)
    with app.make_session() as session:
        assert (
            session.exec(select(OutboxMessage).where(OutboxMessage.kind == "submission")).first()
            is None
        )
    app.clock.advance(timedelta(hours=23))  # the next morning's job, run twice
    service = SchedulerService(
        make_session=app.make_session,
        clock=app.clock,
        zone=VN,
        admins=[("telegram", "1001")],
        review_digest_at=time(8, 0),
    )
    assert len(asyncio.run(service.review_digest())) == 1
    assert asyncio.run(service.review_digest()) == []
    next_morning = app.clock.now()
    with app.make_session() as session:
        digest = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "review_digest")
        ).one()
        assert digest.chat_id == "1001" and "Sở A" in digest.text and "/view so-a" in digest.text
        assert plan_review_digest(session, now=next_morning + timedelta(days=2), zone=VN) == []
