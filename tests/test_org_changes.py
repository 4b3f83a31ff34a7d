"""Agencies with a history (issue 14): the 2025 reorganisation file applied to a database
with focal points, reports and drafts; a merge in the middle of a period; a split; a
dissolved agency's draft and focal points; a rename that keeps former names; a bad file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.commands.org import apply_file
from bot.commands.plan import plan_text
from scheduler.service import SchedulerService
from storage.agencies import find_agency
from storage.db import transaction
from storage.exports.csv import csv_bytes
from storage.exports.questions import load_view
from storage.exports.report_context import report_context
from storage.exports.report_options import ReportOptions
from storage.exports.table import ConsolidatedTable
from storage.models import (
    Agency,
    AgencyChange,
    Identity,
    Membership,
    OutboxMessage,
    PeriodAgency,
    Person,
    ReportAnswer,
    ReportDraft,
    ReportingPeriod,
    Submission,
    SubmissionVersion,
    Task,
    TaskAssignment,
)
from storage.org_changes import apply_changes, check_changes
from storage.org_file import ChangeSpec, read_org_file
from storage.plan_document import BUNDLED_PLAN, PlanFileError
from storage.plan_import import import_file
from storage.plans import describe_plan, get_plan
from storage.summary import load_period
from tests.conftest import VN
from tests.people import register, say
from tests.secretariat_world import submit

pytestmark = pytest.mark.both_databases

REORG = BUNDLED_PLAN.with_name("reorg-2025-lam-dong.yaml")
COUNTED = (Person, Identity, Membership, Submission, SubmissionVersion, ReportAnswer, ReportDraft)


def counts(session) -> dict[str, int]:
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in COUNTED}


def owing(session, period_key: str = "2026") -> set[str]:
    period = session.exec(select(ReportingPeriod).where(ReportingPeriod.key == period_key)).one()
    return set(
        session.exec(
            select(Agency.code)
            .join(PeriodAgency, PeriodAgency.agency_id == Agency.id)
            .where(PeriodAgency.period_id == period.id)
        ).all()
    )


def member_of(session, user: str) -> tuple[str, str]:
    """(agency code, status) of the user's focal role."""
    row = session.exec(
        select(Agency.code, Membership.status)
        .join(Membership, Membership.agency_id == Agency.id)
        .join(Identity, Identity.person_id == Membership.person_id)
        .where(Identity.external_id == user)
    ).one()
    return row[0], row[1]


def notices(session) -> dict[str, str]:
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "org_change")).all()
    return {row.chat_id: row.text for row in rows}


def test_the_2025_reorganisation_moves_what_it_must_and_loses_nothing(app, capsys):
    register(app, "u1", "so-tttt", name="Lê Văn Tín")
    register(app, "u2", "so-nnptnt", name="Trần Thị Nông")
    register(app, "u3", "ubnd-cu-jut", name="Y Bhin Niê")
    register(app, "u4", "so-yte", name="Nguyễn Thị Lan")
    submit(app, "u1", "so-tttt", {"coordinating:2": {"results": "Đã đăng 12 tin bài"}})
    submit(app, "u4", "so-yte", {"agency": {"difficulties": "Thiếu nhân lực"}})
    say(app, "u2", "/report")  # drafts begun, not submitted
    say(app, "u3", "/report")
    say(app, "u3", "1")
    with app.make_session() as session:
        before = counts(session)
        filers = set(session.exec(select(Submission.id, Submission.agency_id)).all())

    assert apply_file(app, read_org_file(REORG), dry_run=True) == 0
    shown = capsys.readouterr().out
    assert "sáp nhập Sở Thông tin và Truyền thông [so-tttt] vào Sở Khoa học và Công nghệ" in shown
    assert "đầu mối: Lê Văn Tín (so-tttt → so-khcn)" in shown
    assert "bản nháp: 2026 (so-nnptnt → so-nnmt)" in shown
    assert "đầu mối thôi vai trò (được báo tin): Y Bhin Niê (ubnd-cu-jut)" in shown
    assert "báo cáo đã nộp giữ với cơ quan nộp: 452/KH-UBND 2026 so-tttt" in shown
    with app.make_session() as session:
        assert session.exec(select(func.count()).select_from(AgencyChange)).one() == 0
        assert member_of(session, "u1") == ("so-tttt", "active")

    assert apply_file(app, read_org_file(REORG), dry_run=False) == 0
    assert "Đã xếp 3 tin báo cho các đầu mối" in capsys.readouterr().out
    with app.make_session() as session:
        assert counts(session) == before  # nothing lost
        assert set(session.exec(select(Submission.id, Submission.agency_id)).all()) == filers
        assert member_of(session, "u1") == ("so-khcn", "active")
        assert member_of(session, "u2") == ("so-nnmt", "active")
        assert member_of(session, "u3") == ("ubnd-cu-jut", "ended")
        drafts = dict(
            session.exec(
                select(Identity.external_id, Agency.code)
                .join(ReportDraft, ReportDraft.person_id == Identity.person_id)
                .join(Agency, Agency.id == ReportDraft.agency_id)
            ).all()
        )
        assert drafts == {"u2": "so-nnmt", "u3": "ubnd-cu-jut"}
        owed = owing(session)
        assert {"so-khcn", "so-nnmt", "bao-ptth-lam-dong", "so-taichinh"} <= owed
        assert not owed & {"so-tttt", "so-nnptnt", "so-tnmt", "bao-dak-nong", "ubnd-cu-jut"}
        told = notices(session)
        assert "Sở Thông tin và Truyền thông sáp nhập vào Sở Khoa học và Công nghệ" in told["u1"]
        assert "Ủy ban nhân dân huyện Cư Jút giải thể từ thứ Ba, 01/07/2025" in told["u3"]
        assert "bản nháp chưa nộp vẫn được lưu" in told["u3"]

        plan = get_plan(session)
        shown = plan_text(describe_plan(session, plan=plan), app.settings)
        task4 = shown.split("\n4. ")[1].split("\n5. ")[0]
        assert "Chủ trì: Sở Khoa học và Công nghệ; Sở Nông nghiệp và Môi trường; Sở Y tế" in task4
        assert "- 01/07/2025: Ủy ban nhân dân huyện Cư Jút giải thể" in shown
        assert "- 01/03/2025: Sở Kế hoạch và Đầu tư sáp nhập vào Sở Tài chính" in shown

        period = session.exec(select(ReportingPeriod)).one()
        facts = load_period(session, period=period, today=app.clock.now().date(), with_text=True)
        names = {a.code: a.name for a in facts.agencies.values()}
        assert names["so-tttt"] == "Sở Thông tin và Truyền thông"  # its report, its name
        assert "ubnd-cu-jut" not in names and names["so-nnmt"] == "Sở Nông nghiệp và Môi trường"
        table = csv_bytes(
            ConsolidatedTable(
                session, periods=[period], today=facts.today, zone=VN, made_at=app.clock.now()
            )
        )[0].decode("utf-8-sig")
        filed = next(line for line in table.splitlines() if "Đã đăng 12 tin bài" in line)
        assert "Sở Thông tin và Truyền thông,Phối hợp,Đã báo cáo" in filed
        assert "Báo và Phát thanh, Truyền hình Lâm Đồng" in table
        assert "Cư Jút" not in table
        lam_dong = ReportOptions(
            superior="UBND TỈNH LÂM ĐỒNG",
            place="Lâm Đồng",
            recipient="Ủy ban nhân dân tỉnh Lâm Đồng",
        )
        draft = report_context(facts, load_view(session, periods=[period]), lam_dong)
        assert (draft["superior"], draft["recipient"]) == (
            "UBND TỈNH LÂM ĐỒNG",
            "Ủy ban nhân dân tỉnh Lâm Đồng",
        )
        assert draft["place_date"].startswith("Lâm Đồng, ngày")
        assert "của Ủy ban nhân dân tỉnh Đắk Nông" in draft["title"]  # who issued the plan
        assert "kính báo cáo Ủy ban nhân dân tỉnh Lâm Đồng" in draft["closing"]

    with transaction(app.make_session) as session:  # the plan file as it was: nothing to do
        again = import_file(session, path=BUNDLED_PLAN, clock=app.clock)
        assert (again.created, again.updated) == ({}, {})

    summary = say(app, "operator", "/summary")
    # 13 agencies exist on the deadline, and Sở TT&TT's report still counts.
    assert "Phải báo cáo: 14 cơ quan\n- Đã nộp: 2 " in summary
    assert "Cư Jút" not in summary
    assert "Đã đăng 12 tin bài" in say(app, "operator", "/view so-tttt")
    assert "Chưa nộp. Bản nháp của Y Bhin Niê" in say(app, "operator", "/view ubnd-cu-jut")
    assert "Bạn chưa đăng ký" in say(app, "u3", "/report")  # the role ended with the district
    app.clock.set(datetime(2026, 11, 10, 8, 30, tzinfo=VN))
    with app.make_session() as session:
        planned = app.reminders.preview(session, now=app.clock.now()).new_messages
    reminded = {m.recipient.chat_id: m.text for m in planned if m.agency_id is not None}
    assert set(reminded) == {"u1", "u2"}  # so-yte filed; the district is gone
    assert "Sở Khoa học và Công nghệ: Báo cáo năm 2026" in reminded["u1"]
    assert "Sở Nông nghiệp và Môi trường: Báo cáo năm 2026" in reminded["u2"]


def test_a_bad_org_file_is_refused_line_by_line_and_nothing_is_written(app, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "changes:\n"
        "  - merge: [so-khong-co]\n    into: so-khcn\n    effective: 2025-03-01\n"
        "  - dissolve: [ubnd-cu-jut]\n    effective: 2025/07/01\n"
        "  - merge: [so-yte]\n    into: so-congthuong\n    effective: 2025-03-01\n"
        "  - merge: [so-congthuong]\n    into: so-yte\n    effective: 2025-03-01\n",
        encoding="utf-8",
    )
    with app.make_session() as session:
        agencies = session.exec(select(func.count()).select_from(Agency)).one()
    assert apply_file(app, read_org_file(path), dry_run=False) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "bad.yaml: changes[2].effective: ngày hiệu lực không hợp lệ: '2025/07/01' "
        "(dùng YYYY-MM-DD hoặc DD/MM/YYYY)",
        "bad.yaml: changes[1].merge: cơ quan không xác định: 'so-khong-co'",
        "bad.yaml: changes[4]: vòng sáp nhập: so-congthuong → so-yte → so-congthuong",
        "Không ghi gì vào cơ sở dữ liệu (3 lỗi).",
    ]
    with app.make_session() as session:
        assert session.exec(select(func.count()).select_from(AgencyChange)).one() == 0
        assert session.exec(select(func.count()).select_from(Agency)).one() == agencies


def test_a_merge_in_the_middle_of_a_period_takes_effect_on_its_day(app):
    register(app, "u1", "so-tttt", name="Lê Văn Tín")
    submit(app, "u1", "so-tttt", {"agency": {"difficulties": "Thiếu kinh phí"}})
    merge = ChangeSpec("test", "merge", datetime(2026, 11, 16).date(), ["so-tttt"], ["so-khcn"])
    with transaction(app.make_session) as session:
        applied = apply_changes(
            session, [merge], source="test", clock=app.clock, zone=VN, today=app.clock.now().date()
        )
        assert applied.carried == [] and len(applied.scheduled) == 1
    with app.make_session() as session:  # until the 16th nothing moves
        assert member_of(session, "u1") == ("so-tttt", "active")
        assert "so-tttt" in owing(session)

    app.clock.set(datetime(2026, 11, 16, 0, 1, tzinfo=VN))
    SchedulerService(
        make_session=app.make_session, clock=app.clock, zone=VN, planner=app.reminders
    )._plan()
    with app.make_session() as session:
        assert member_of(session, "u1") == ("so-khcn", "active")
        assert "so-tttt" not in owing(session) and "so-khcn" in owing(session)
        submission = session.exec(select(Submission)).one()
        assert session.get(Agency, submission.agency_id).code == "so-tttt"  # stays with it
        assert "từ thứ Hai, 16/11/2026" in notices(session)["u1"]
        period = session.exec(select(ReportingPeriod)).one()
        facts = load_period(session, period=period, today=app.clock.now().date())
        filed = [a for a in facts.agencies.values() if a.code == "so-tttt"]
        assert filed and filed[0].has_report  # still counted as filed, under its name


def test_a_report_returned_before_its_agency_merged_does_not_wait_for_ever(app):
    """Returned for more, then merged away: its focal point now reports for the successor, so
    the return cannot be answered. The report counts by its last version and leaves /missing;
    what was asked stays readable."""
    register(app, "u1", "so-tttt", name="Lê Văn Tín")
    submit(app, "u1", "so-tttt", {"agency": {"difficulties": "Thiếu kinh phí"}})
    assert "Đã trả lại báo cáo" in say(app, "operator", "/return so-tttt Bổ sung số liệu")
    assert "Sở Thông tin và Truyền thông [trả lại" in say(app, "operator", "/missing")
    merge = ChangeSpec("test", "merge", datetime(2026, 11, 16).date(), ["so-tttt"], ["so-khcn"])
    app.clock.set(datetime(2026, 11, 16, 9, 0, tzinfo=VN))
    with transaction(app.make_session) as session:
        apply_changes(
            session, [merge], source="test", clock=app.clock, zone=VN, today=app.clock.now().date()
        )
    missing = say(app, "operator", "/missing")
    assert "Sở Thông tin và Truyền thông" not in missing and "Sở Khoa học và Công nghệ" in missing
    assert "Trả lại, chờ bổ sung: 0" in say(app, "operator", "/summary 452/KH-UBND")
    assert "Bổ sung số liệu" in say(app, "operator", "/history so-tttt")


def test_a_split_gives_tasks_owed_reports_and_focal_points_to_its_successors(app, tmp_path):
    register(app, "u1", "so-congthuong", name="Phạm Văn Công")
    path = tmp_path / "split.yaml"
    path.write_text(
        "changes:\n"
        "  - split: Sở Công Thương\n"
        "    into:\n"
        "      - {code: so-cong-nghiep, name: Sở Công nghiệp, kind: department}\n"
        "      - {code: so-thuong-mai, name: Sở Thương mại, kind: department}\n"
        "    tasks: {so-thuong-mai: {452/KH-UBND: [8]}}\n"
        "    focal_points: so-thuong-mai\n"
        "    effective: 2026-11-02\n",
        encoding="utf-8",
    )
    assert apply_file(app, read_org_file(path), dry_run=False) == 0
    with app.make_session() as session:
        leads = {}
        for number, code in session.exec(
            select(Task.number, Agency.code)
            .join(TaskAssignment, TaskAssignment.task_id == Task.id)
            .join(Agency, Agency.id == TaskAssignment.agency_id)
            .where(TaskAssignment.role == "lead", Task.number.in_([4, 8]))
        ).all():
            leads.setdefault(number, set()).add(code)
        assert leads[8] == {"so-thuong-mai"}
        assert {"so-cong-nghiep", "so-thuong-mai"} <= leads[4] and "so-congthuong" not in leads[4]
        assert {"so-cong-nghiep", "so-thuong-mai"} <= owing(session)
        assert "so-congthuong" not in owing(session)
        assert member_of(session, "u1") == ("so-thuong-mai", "active")
        # The old name is a former name of neither: looking it up finds the record itself.
        assert find_agency(session, "Sở Công Thương").ended_on is not None
    assert "không còn hoạt động từ 02/11/2026" in say(app, "operator", "/invite so-congthuong")


def test_a_rename_keeps_the_former_name_and_what_was_filed_reads_under_it(app, tmp_path):
    register(app, "u1", "so-khcn", name="Hoàng Minh")
    submit(app, "u1", "so-khcn", {"agency": {"difficulties": "Thiếu thiết bị"}})
    app.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=VN))
    path = tmp_path / "rename.yaml"
    path.write_text(
        "changes:\n"
        "  - rename: so-khcn\n    to: Sở Khoa học và Công nghệ tỉnh Lâm Đồng\n"
        "    effective: 01/12/2026\n",
        encoding="utf-8",
    )
    assert apply_file(app, read_org_file(path), dry_run=False) == 0
    with app.make_session() as session:
        for former in ("Sở Khoa học và Công nghệ", "Sở KH&CN"):
            assert find_agency(session, former).code == "so-khcn"
        assert find_agency(session, "so-khcn").name == "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"
        period = session.exec(select(ReportingPeriod)).one()  # due 30/11, before the rename
        facts = load_period(session, period=period, today=app.clock.now().date())
        assert {a.name for a in facts.agencies.values() if a.code == "so-khcn"} == {
            "Sở Khoa học và Công nghệ"
        }
    viewed = say(app, "operator", "/view Sở Khoa học và Công nghệ")
    assert viewed.startswith("Sở Khoa học và Công nghệ - Báo cáo năm 2026")
    assert "đầu mối của Sở Khoa học và Công nghệ tỉnh Lâm Đồng" in say(app, "u1", "/whoami")


def create_quang_khe(app, tmp_path, *, effective: str) -> None:
    """On 2 December 2026, apply an org file that creates a commune's People's Committee."""
    app.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=VN))
    path = tmp_path / "create.yaml"
    path.write_text(
        "changes:\n"
        "  - create: {code: ubnd-xa-quang-khe, name: Ủy ban nhân dân xã Quảng Khê,"
        " kind: district}\n"
        f"    effective: {effective}\n",
        encoding="utf-8",
    )
    assert apply_file(app, read_org_file(path), dry_run=False) == 0


def test_a_created_agency_is_known_from_its_day_and_owes_nothing_it_was_not_given(app, tmp_path):
    create_quang_khe(app, tmp_path, effective="2026-12-01")
    with app.make_session() as session:
        created = find_agency(session, "Ủy ban nhân dân xã Quảng Khê")
        assert created is not None and created.code == "ubnd-xa-quang-khe"
        assert "ubnd-xa-quang-khe" not in owing(session)  # no task given to it yet
    assert "Ủy ban nhân dân xã Quảng Khê [ubnd-xa-quang-khe]: " in say(app, "operator", "/agencies")


def test_an_agency_created_from_a_later_day_is_listed_with_that_day(app, tmp_path):
    create_quang_khe(app, tmp_path, effective="2027-01-01")
    listed = say(app, "operator", "/agencies")
    assert "Ủy ban nhân dân xã Quảng Khê [ubnd-xa-quang-khe] (hoạt động từ 01/01/2027): " in listed
    app.clock.set(datetime(2027, 1, 1, 9, 0, tzinfo=VN))
    assert "hoạt động từ" not in say(app, "operator", "/agencies")


def test_the_example_file_is_well_formed():
    read = read_org_file(REORG)
    assert read.problems == [] and len(read.changes) == 6
    with pytest.raises(PlanFileError):
        read_org_file(Path("no-such-file.yaml"))


def test_an_agency_the_file_creates_can_be_changed_by_a_later_entry(app, tmp_path):
    app.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=VN))
    register(app, "u1", "so-nnptnt", name="Trần Thị Nông")
    path = tmp_path / "steps.yaml"
    path.write_text(
        "changes:\n"
        "  - merge: [so-nnptnt, so-tnmt]\n"
        "    into: {code: so-nnmt, name: Sở Nông nghiệp và Môi trường, kind: department}\n"
        "    effective: 2026-03-01\n"
        "  - rename: so-nnmt\n"
        "    to: Sở Nông nghiệp, Môi trường và Khí hậu\n"
        "    effective: 2026-09-01\n",
        encoding="utf-8",
    )
    read = read_org_file(path)
    assert read.problems == []
    assert apply_file(app, read, dry_run=False) == 0
    with app.make_session() as session:
        renamed = find_agency(session, "so-nnmt")
        assert renamed is not None and renamed.name == "Sở Nông nghiệp, Môi trường và Khí hậu"
        assert find_agency(session, "Sở Nông nghiệp và Môi trường") == renamed  # former name
    assert "đầu mối của Sở Nông nghiệp, Môi trường và Khí hậu" in say(app, "u1", "/whoami")


def test_a_later_entry_cannot_change_an_agency_before_the_file_creates_it(app, tmp_path):
    path = tmp_path / "steps.yaml"
    path.write_text(
        "changes:\n"
        "  - merge: [so-nnptnt, so-tnmt]\n"
        "    into: {code: so-nnmt, name: Sở Nông nghiệp và Môi trường, kind: department}\n"
        "    effective: 2026-03-01\n"
        "  - merge: [so-nnmt]\n"
        "    into: so-khcn\n"
        "    effective: 2026-02-01\n",
        encoding="utf-8",
    )
    with app.make_session() as session, pytest.raises(PlanFileError) as refused:
        check_changes(session, read_org_file(path).changes)
    assert [p.code for p in refused.value.problems] == ["not_yet"]
    assert "01/03/2026" in refused.value.problems[0].render("vi")
