"""The reporting conversation, driven by the questionnaire: typed answers, review, receipt,
edits and versions, returns (issues 5 and 11)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import col, select

from handlers.events import IncomingAttachment
from scheduler.review_digest import plan_review_digest
from scheduler.service import SchedulerService
from storage.models import (
    ConversationState,
    OutboxMessage,
    ReportAnswer,
    ReportDraft,
    ReportingPeriod,
    Submission,
    SubmissionVersion,
    Task,
)
from tests.conftest import VN
from tests.people import register, say
from tests.plan_files import small_plan, write_yaml

PDF = IncomingAttachment("file-123", "bao-cao-da-ky.pdf", "application/pdf", 120_000)


def reporting_plan() -> dict:
    """The small plan, with task 1 bounded in time (so a percentage is asked) and a broad
    group through which so-a may have contributed to task 4."""
    plan = small_plan()
    plan["tasks"][0]["timeframe"] = "2026-2027"
    plan["groups"] = [
        {"code": "cac-so", "name": "Các sở", "members": ["so-a", "so-b"], "broad": True}
    ]
    plan["tasks"][3]["coordinating"] = ["cac-so"]
    return plan


@pytest.fixture
def app(make_app, tmp_path):
    """Plan 99/KH-TEST; u1 is a focal point of Sở A; the console operator is secretariat."""
    app = make_app(
        plan_file=str(write_yaml(tmp_path / "small.yaml", reporting_plan())),
        admins="telegram:1001",
    )
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    return app


def step(app, user: str = "u1") -> str | None:
    """The question id being asked (or the flow's step when it is not a question)."""
    with app.make_session() as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.chat_id == user)
        ).first()
        if state is None:
            return None
        return str(state.data.get("q")) if state.step == "answer" else state.step


def answer_task_one(app) -> None:
    assert "[1/6] Nhiệm vụ 1 (chủ trì): Nhiệm vụ một" in say(app, "u1", "/report")
    assert "Đã hoàn thành bao nhiêu phần trăm" in say(app, "u1", "2")
    assert "Kết quả trong năm" in say(app, "u1", "70%")
    assert "Nhiệm vụ 2" in say(app, "u1", "Đã tổ chức 2 hội thảo, 150 người dự")


def walk_full_report(app) -> str:
    answer_task_one(app)
    say(app, "u1", "Đã hoàn thành")  # by label
    third = say(app, "u1", "Hoàn thành mô hình trình diễn")
    assert "[3/6] Nhiệm vụ 3 (phối hợp)" in third and "Đơn vị đã phối hợp những gì" in third
    offered = say(app, "u1", "Cung cấp số liệu cho Sở B")
    assert "Năm nay đơn vị có tham gia nhiệm vụ nào" in offered and "4. Nhiệm vụ bốn" in offered
    assert "Nhiệm vụ 4 (phối hợp)" in say(app, "u1", "4")
    duties = say(app, "u1", "Cử cán bộ dự hội thảo")
    assert "Nhiệm vụ mục IV" in duties and "lĩnh vực A" in duties
    funding = say(app, "u1", "Đã ban hành kế hoạch riêng của Sở")
    assert "Kinh phí năm nay từ nguồn nào" in funding
    assert "Số tiền từ ngân sách nhà nước" in say(app, "u1", "1, 3")
    say(app, "u1", "250 triệu")
    assert "Kết quả đo đếm được" in say(app, "u1", "1,5 tỷ")
    assert "Số nhiệm vụ KH&CN" in say(app, "u1", "2")
    say(app, "u1", "4")
    say(app, "u1", "Thiếu kinh phí")
    say(app, "u1", "/skip")
    review = say(app, "u1", "Nhân rộng mô hình")
    assert "XEM LẠI TRƯỚC KHI NỘP" in review
    assert "Nhiệm vụ 1 (chủ trì): Đang triển khai" in review
    assert "Số tiền từ ngân sách nhà nước: 250.000.000 đ" in review
    return review


def stored_answers(app, version: int = 1) -> dict[tuple[int | None, str, str], object]:
    """(task number, section, question) -> value of the stored version."""
    with app.make_session() as session:
        rows = session.exec(
            select(ReportAnswer, Task.number)
            .join(SubmissionVersion, SubmissionVersion.id == ReportAnswer.version_id)
            .join(Task, Task.id == ReportAnswer.task_id, isouter=True)
            .where(SubmissionVersion.version == version)
        ).all()
        return {(number, a.section, a.question): a.value for a, number in rows}


@pytest.mark.both_databases
def test_full_report_is_stored_question_by_question(app):
    review = walk_full_report(app)
    assert "Nộp báo cáo" in review
    receipt = say(app, "u1", "1")
    assert "ĐÃ NỘP BÁO CÁO 2026-SO-A (phiên bản 1) lúc 09:00 02/11/2026" in receipt
    assert "đúng hạn (hạn 30/11/2026)" in receipt and "trước ngày 20/12/2026" in receipt
    answers = stored_answers(app)
    assert answers == {
        (1, "lead", "status"): "in_progress",
        (1, "lead", "percent"): 70,
        (1, "lead", "results"): "Đã tổ chức 2 hội thảo, 150 người dự",
        (2, "lead", "status"): "completed",
        (2, "lead", "results"): "Hoàn thành mô hình trình diễn",
        (3, "coordinating", "results"): "Cung cấp số liệu cho Sở B",
        (None, "contributed", "tasks"): [4],
        (4, "coordinating", "results"): "Cử cán bộ dự hội thảo",
        (None, "duties", "results"): "Đã ban hành kế hoạch riêng của Sở",
        (None, "agency", "funding_sources"): ["state_budget", "mobilised"],
        (None, "agency", "funding_state"): 250_000_000,
        (None, "agency", "funding_mobilised"): 1_500_000_000,
        (None, "agency", "outputs"): ["research"],
        (None, "agency", "research"): 4,
        (None, "agency", "difficulties"): "Thiếu kinh phí",
        (None, "agency", "next_year"): "Nhân rộng mô hình",
    }
    with app.make_session() as session:
        submission = session.exec(select(Submission)).one()
        assert (submission.state, submission.current_version) == ("submitted", 1)
        assert session.exec(select(SubmissionVersion.questionnaire_id)).one() is not None
        assert session.exec(select(ReportDraft)).first() is None
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "submission")).one()
        assert notice.chat_id == "1001" and "Sở A" in notice.text and "/view so-a" in notice.text
    assert step(app) is None


@pytest.mark.both_databases
def test_a_changed_answer_hides_and_drops_what_no_longer_applies(app):
    answer_task_one(app)
    say(app, "u1", "/back")
    assert "Đang ghi: 70%" in say(app, "u1", "/back")
    assert "Đang ghi: Đang triển khai" in say(app, "u1", "/back")
    assert "Vì sao không áp dụng" in say(app, "u1", "4")  # not applicable after all
    say(app, "u1", "Sở B chủ trì thay")
    with app.make_session() as session:
        draft = session.exec(select(ReportDraft)).one()
        first = next(v for k, v in draft.answers.items() if k.startswith("lead:"))
        assert first["percent"] == 70  # kept in the draft, in case they change back
    for text in ("3", "Xong", "Không", "0", "Kết quả", "0", "0", "/skip", "/skip", "/skip"):
        say(app, "u1", text)
    assert "ĐÃ NỘP" in say(app, "u1", "1")
    answers = stored_answers(app)
    assert answers[(1, "lead", "status")] == "not_applicable"
    assert answers[(1, "lead", "na_reason")] == "Sở B chủ trì thay"
    assert (1, "lead", "percent") not in answers and (1, "lead", "results") not in answers
    assert (4, "coordinating", "results") not in answers  # not picked: not asked


def test_back_skip_cancel_and_resume(app):
    say(app, "u1", "/report")
    assert "Câu này bắt buộc" in say(app, "u1", "/skip")
    say(app, "u1", "2")
    say(app, "u1", "40")
    back = say(app, "u1", "/back")
    assert "phần trăm" in back and "Đang ghi: 40%" in back
    say(app, "u1", "55")
    assert step(app) == "results"
    assert "Đã dừng" in say(app, "u1", "/cancel")
    assert step(app) is None
    resumed = say(app, "u1", "/report")
    assert "Tiếp tục bản nháp" in resumed and "Kết quả trong năm" in resumed
    assert "Đang ghi: 55%" in say(app, "u1", "/back")
    assert "Đang ghi: Đang triển khai" in say(app, "u1", "/back")
    assert step(app) == "status"
    assert "Đang ghi: 55%" in say(app, "u1", "2")
    assert "Kết quả trong năm" in say(app, "u1", "/skip")  # an answer already given is kept
    assert step(app) == "results"


def test_first_question_back(app):
    say(app, "u1", "/report")
    assert "Đây là câu hỏi đầu tiên" in say(app, "u1", "/back")
    assert step(app) == "status"


AGENCY_SECTION = ["2", "70", "Kết quả", "3", "Kết quả 2", "Phối hợp", "0", "Nhiệm vụ IV"]


@pytest.mark.parametrize(
    ("answers", "bad", "expected", "same_step"),
    [
        ([], "xyz", "Vui lòng chọn một mục bên dưới", "status"),
        (["2"], "bảy mươi", "chưa nhận số viết bằng chữ", "percent"),
        (["2"], "150", "từ 0 đến 100 (bạn gõ 150)", "percent"),
        (["2"], "-5", "Gõ một số từ 0 đến 100", "percent"),
        (["2", "70"], "   ", "không được để trống", "results"),
        (["2", "70"], "x" * 2001, "Quá dài: 2001 ký tự, tối đa 2000", "results"),
        (["2", "70"], "Tốt lắm 👍", "biểu tượng cảm xúc", "results"),
        (["2", "70"], "<b>đậm</b>", "thẻ định dạng", "results"),
        (AGENCY_SECTION[:6], "9", "Gõ số của các nhiệm vụ trong danh sách (4)", "tasks"),
        (AGENCY_SECTION, "1, 7", "Gõ các số từ 1 đến 3", "funding_sources"),
        ([*AGENCY_SECTION, "1"], "nhiều tiền", "ví dụ 250 triệu hoặc 1,5 tỷ", "funding_state"),
        ([*AGENCY_SECTION, "0", "1"], "2,5", "Nhập một số nguyên", "trainings"),
        ([*AGENCY_SECTION, "0", "1"], "-3", "từ 0 trở lên", "trainings"),
        ([*AGENCY_SECTION, "0", "0"], "y" * 1001, "tối đa 1000", "difficulties"),
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


def test_lesser_than_sign_is_fine_in_free_text(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    say(app, "u1", "70")
    assert "Nhiệm vụ 2" in say(app, "u1", "Tỷ lệ hỏng < 5% & chi phí > dự kiến")


def submit_full(app) -> str:
    walk_full_report(app)
    return say(app, "u1", "1")


@pytest.mark.both_databases
def test_late_submission_is_accepted_and_marked_late(app):
    app.clock.set(datetime(2026, 12, 1, 8, 30, tzinfo=VN))
    receipt = submit_full(app)
    assert "nộp trễ hạn (hạn 30/11/2026)" in receipt
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
    assert "Sửa NV 1" in review
    edit = say(app, "u1", "Sửa NV 1")
    assert "Đang ghi: Đang triển khai" in edit
    say(app, "u1", "2")
    say(app, "u1", "90")
    back_to_review = say(app, "u1", "Đã tổ chức 4 hội thảo")
    assert "XEM LẠI" in back_to_review and "Tỷ lệ hoàn thành" not in back_to_review
    receipt = say(app, "u1", "Nộp báo cáo")
    assert "(phiên bản 2)" in receipt
    first, second = stored_answers(app, 1), stored_answers(app, 2)
    assert first[(1, "lead", "percent")] == 70 and second[(1, "lead", "percent")] == 90
    assert second[(1, "lead", "results")] == "Đã tổ chức 4 hội thảo"
    assert second[(2, "lead", "results")] == first[(2, "lead", "results")]  # carried over
    with app.make_session() as session:
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
    assert "phiên bản 1/2" in old and "70%" in old and "250.000.000 đ" in old
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
    say(app, "u2", "Sửa NV 2")
    say(app, "u2", "3")
    say(app, "u2", "Mô hình đã nhân rộng ra 3 huyện")
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
    assert stored_answers(app, 2)[(2, "lead", "results")] == "Mô hình đã nhân rộng ra 3 huyện"


def a_year_later(app) -> None:
    """2026's report submitted, its period closed; the 2027 period opened by the daily job."""
    submit_full(app)
    with app.make_session() as session:
        period = session.exec(select(ReportingPeriod)).one()
        period.status = "closed"
        session.add(period)
        session.commit()
    app.clock.set(datetime(2027, 11, 2, 9, 0, tzinfo=VN))
    app.prepare()


def answers_by_period(app) -> dict[str, dict[tuple[int | None, str, str], object]]:
    with app.make_session() as session:
        rows = session.exec(
            select(ReportAnswer, Task.number, ReportingPeriod.key)
            .join(SubmissionVersion, SubmissionVersion.id == ReportAnswer.version_id)
            .join(Submission, Submission.id == SubmissionVersion.submission_id)
            .join(ReportingPeriod, ReportingPeriod.id == Submission.period_id)
            .join(Task, Task.id == ReportAnswer.task_id, isouter=True)
        ).all()
    out: dict[str, dict[tuple[int | None, str, str], object]] = {}
    for answer, number, key in rows:
        out.setdefault(key, {})[(number, answer.section, answer.question)] = answer.value
    return out


@pytest.mark.both_databases
def test_next_year_starts_from_last_years_answers(app):
    a_year_later(app)
    offer = say(app, "u1", "/report")
    assert "Đơn vị đã nộp Báo cáo năm 2026" in offer and "Dùng lại" in offer
    review = say(app, "u1", "1")
    assert "XEM LẠI" in review and "Cung cấp số liệu cho Sở B" in review
    assert "ĐÃ NỘP BÁO CÁO 2027-SO-A" in say(app, "u1", "1")
    by_period = answers_by_period(app)
    assert len(by_period["2026"]) == 16
    assert by_period["2027"] == by_period["2026"]  # kept as they were, nothing retyped


def test_from_scratch_when_last_year_is_not_wanted(app):
    a_year_later(app)
    say(app, "u1", "/report")
    fresh = say(app, "u1", "2")
    assert "[1/6] Nhiệm vụ 1" in fresh and "Đang ghi" not in fresh


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
    assert "Tiếp tục bản nháp" in text and "Còn 4 phần chưa đủ" in text
    parts = "Nhiệm vụ 1 (chủ trì), Nhiệm vụ 2 (chủ trì), Nhiệm vụ 3 (phối hợp), Nhiệm vụ mục IV"
    assert parts in text
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
        plan_file=str(write_yaml(tmp_path / "s.yaml", reporting_plan())),
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


def test_an_answer_over_its_limit_is_kept_and_can_be_cut_at_a_word(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    say(app, "u1", "70")
    long_text = ("Đã tổ chức hội thảo chuyên đề công nghệ sinh học " * 45).strip()
    assert len(long_text) > 2000
    kept = say(app, "u1", long_text)
    assert f"Quá dài: {len(long_text)} ký tự, tối đa 2000" in kept and "vẫn được giữ" in kept
    assert "Cắt còn 2000 ký tự" in kept
    assert "Nhiệm vụ 2" in say(app, "u1", "Cắt còn 2000 ký tự")
    with app.make_session() as session:
        draft = session.exec(select(ReportDraft)).one()
        results = next(v for k, v in draft.answers.items() if k.startswith("lead:"))["results"]
        assert "_pending" not in draft.answers
    assert len(results) <= 2000 and long_text.startswith(results)
    assert long_text[len(results)] == " "  # cut between two words


def test_a_shorter_answer_replaces_a_kept_one(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    say(app, "u1", "70")
    say(app, "u1", "x" * 2500)
    assert "Nhiệm vụ 2" in say(app, "u1", "Bản ngắn")
    with app.make_session() as session:
        draft = session.exec(select(ReportDraft)).one()
        assert "_pending" not in draft.answers


def test_an_optional_answer_once_given_can_be_cleared(app):
    walk_full_report(app)
    say(app, "u1", "Sửa Thông tin chung")
    for _ in range(8):  # to «Khó khăn, vướng mắc?» through the answers already given
        text = say(app, "u1", "/skip")
        if "Khó khăn" in text:
            break
    assert "Đang ghi: Thiếu kinh phí" in text and "/xoa" in text
    assert "Đã xóa câu trả lời" in say(app, "u1", "/xoa")
    say(app, "u1", "/skip")
    review = say(app, "u1", "/skip")
    assert "XEM LẠI" in review and "Thiếu kinh phí" not in review
    say(app, "u1", "1")
    assert (None, "agency", "difficulties") not in stored_answers(app)


def test_a_required_answer_cannot_be_cleared(app):
    say(app, "u1", "/report")
    say(app, "u1", "2")
    assert "Câu này bắt buộc" in say(app, "u1", "/xoa")


def test_an_adhoc_request_does_not_offer_last_years_report(app):
    a_year_later(app)
    say(app, "operator", "/close 2027")
    say(app, "operator", "1")  # «Đóng kỳ»
    say(app, "operator", "/request")
    say(app, "operator", "Số liệu đầu tư")
    say(app, "operator", "Tổng vốn đầu tư cho công nghệ sinh học?")
    say(app, "operator", "30/11/2027")
    say(app, "operator", "so-a")
    assert "Đã tạo yêu cầu" in say(app, "operator", "1")
    asked = say(app, "u1", "/report")
    assert "Dùng lại" not in asked and "Tổng vốn đầu tư cho công nghệ sinh học?" in asked


def test_last_years_report_of_another_form_is_not_offered(app):
    a_year_later(app)
    with app.make_session() as session:  # as if answered with a questionnaire since replaced
        for answer in session.exec(select(ReportAnswer)).all():
            answer.section = f"old_{answer.section}"
            session.add(answer)
        session.commit()
    first = say(app, "u1", "/report")
    assert "Dùng lại" not in first and "[1/6] Nhiệm vụ 1" in first


@pytest.mark.both_databases
def test_an_edit_begins_on_the_current_questionnaire(make_app, tmp_path):
    """Editing a submitted report starts a draft on the period's questionnaire, not on the id
    of the submitted version (found by mypy: one variable held both)."""
    from storage.agencies import find_agency
    from storage.db import transaction
    from storage.forms import current_form
    from storage.models import Identity, ReportingPeriod
    from storage.reports import start_draft
    from tests.secretariat_world import build_world

    app = build_world(make_app, tmp_path)
    with transaction(app.make_session) as session:
        period = session.exec(select(ReportingPeriod).where(ReportingPeriod.key == "2026")).one()
        agency = find_agency(session, "so-b")  # its version is the third submitted
        assert agency is not None
        person_id = session.exec(
            select(Identity.person_id).where(Identity.external_id == "u2")
        ).one()
        draft = start_draft(
            session, period_id=period.id, agency_id=agency.id, person_id=person_id, clock=app.clock
        )
        form, _ = current_form(session, plan_id=period.plan_id, key=period.questionnaire_key)
        assert draft.questionnaire_id == form.id
        assert draft.base_version == 1


def test_a_choice_and_the_answer_after_it_go_in_one_message(app):
    """'3 Đã hoàn thành…' answers the status and the results at once: one message, not two.
    The first question where it helps says so."""
    first = say(app, "u1", "/report")
    assert "Mẹo: gửi chung số và câu trả lời kế tiếp" in first
    second = say(app, "u1", "3 Đã hoàn thành mô hình trình diễn")
    assert "Nhiệm vụ 2" in second and "Mẹo" not in second  # the results were not asked
    # "Không áp dụng" leads to its reason: the text answers that question instead.
    third = say(app, "u1", "4 Chưa được bố trí kinh phí")
    assert "[3/6] Nhiệm vụ 3 (phối hợp)" in third
    review = walk_to_review(app)
    assert "Nhiệm vụ 1 (chủ trì): Đã hoàn thành" in review
    assert "Đã hoàn thành mô hình trình diễn" in review
    assert "Nhiệm vụ 2 (chủ trì): Không áp dụng" in review
    assert "Chưa được bố trí kinh phí" in review


def test_a_choice_whose_next_question_takes_no_text_keeps_neither(app):
    """Task 1 ends in 2027: 'Đang triển khai' asks a percentage next, which words cannot
    answer. Nothing is kept, the person is told, and the same question comes again."""
    say(app, "u1", "/report")
    again = say(app, "u1", "2 Đang làm")
    assert "Câu sau lựa chọn này không nhận chữ" in again and "Tình hình thực hiện" in again
    assert step(app) == "status"
    assert "Đã hoàn thành bao nhiêu phần trăm" in say(app, "u1", "2")  # the usual way works


def walk_to_review(app) -> str:
    """From task 3 on, the rest of the small plan's report, to the review screen."""
    say(app, "u1", "Cung cấp số liệu cho Sở B")
    say(app, "u1", "0")  # no other task taken part in
    reply = ""
    for _ in range(20):
        if "XEM LẠI TRƯỚC KHI NỘP" in reply:
            return reply
        reply = say(app, "u1", "/skip") if "/skip" in reply else say(app, "u1", "1")
    raise AssertionError(reply)
