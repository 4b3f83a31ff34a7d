"""Several plans in one deployment (issue 14): agencies are shared, periods, scope and
obligations belong to each plan, and importing a second plan never changes the first."""

from __future__ import annotations

import io
from datetime import datetime

import docx
import pytest
from sqlmodel import select

from bot.cli import main
from storage.bootstrap import open_current_periods
from storage.db import transaction
from storage.models import Agency, GroupMember, PeriodAgency, PlanAgency, ReportingPeriod
from storage.plan_document import PlanFileError
from storage.plan_import import import_file
from storage.plans import describe_plan, get_plan, list_plans
from storage.scope import scope_rows
from storage.summary import load_period
from tests.conftest import VN, ChatUser
from tests.people import register, say
from tests.plan_files import small_form, write_yaml
from tests.secretariat_world import submit

SECOND = "15/KH-SKHCN"
PLAN_452 = "452/KH-UBND"


def second_plan() -> dict:
    """A plan of the Department's own, due on 30 June, sharing so-yte (named otherwise here),
    so-khcn and ubmttq-tinh (which this plan obliges to report) with Plan 452."""
    return {
        "plan": {
            "code": SECOND,
            "title": "Chuyển đổi số trong quản lý khoa học",
            "issuer": "Sở Khoa học và Công nghệ",
            "secretariat": "so-khcn",
        },
        "reporting": {"periodic": {"agencies_due": "06-30", "consolidation_due": "07-15"}},
        "agencies": [
            {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ", "kind": "department"},
            {"code": "so-yte", "name": "Sở Y tế tỉnh Đắk Nông", "kind": "department"},
            {
                "code": "ubmttq-tinh",
                "name": "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                "kind": "front",
            },
            {"code": "tt-chuyen-doi-so", "name": "Trung tâm Chuyển đổi số", "kind": "other"},
        ],
        "tasks": [
            {
                "number": 1,
                "title": "Số hóa hồ sơ",
                "lead": ["so-yte"],
                "coordinating": ["tt-chuyen-doi-so"],
            },
            {
                "number": 2,
                "title": "Cổng dữ liệu",
                "lead": ["so-khcn"],
                "coordinating": ["ubmttq-tinh"],
            },
        ],
        "questionnaires": [small_form()],
    }


def first_plan_as_it_is(session) -> dict:
    plan = get_plan(session, code="452/KH-UBND")
    period = session.exec(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)).one()
    return {
        "plan": describe_plan(session, plan=plan),
        "scope": scope_rows(session, plan_id=plan.id),
        "owing": sorted(
            session.exec(
                select(PeriodAgency.agency_id).where(PeriodAgency.period_id == period.id)
            ).all()
        ),
        "obliged": sorted(
            (r.agency_id, r.obliged)
            for r in session.exec(select(PlanAgency).where(PlanAgency.plan_id == plan.id))
        ),
        "names": sorted(session.exec(select(Agency.code, Agency.name)).all()),
        "groups": sorted(session.exec(select(GroupMember.group_id, GroupMember.member_id)).all()),
        "chased": sorted(load_period(session, period=period, today=period.due_on).agencies),
    }


def import_second(app, tmp_path, plan: dict | None = None):
    path = write_yaml(tmp_path / "second.yaml", plan or second_plan())
    with transaction(app.make_session) as session:
        result = import_file(session, path=path, clock=app.clock)
    open_current_periods(app.make_session, clock=app.clock, zone=VN)
    return result


@pytest.mark.both_databases
def test_importing_a_second_plan_never_changes_the_first(app, tmp_path):
    with app.make_session() as session:
        before = first_plan_as_it_is(session)
    # A group of Plan 452 given other members by the new plan would change 452's scope.
    borrowing = second_plan()
    borrowing["groups"] = [
        {"code": "cac-so-nganh-dia-phuong", "name": "Các sở", "members": ["so-yte"]}
    ]
    borrowing["tasks"][0]["coordinating"] = ["cac-so-nganh-dia-phuong"]
    with pytest.raises(PlanFileError) as refused:
        import_second(app, tmp_path, borrowing)
    assert "nhóm 'cac-so-nganh-dia-phuong' đã được kế hoạch khác dùng" in str(refused.value)

    result = import_second(app, tmp_path)
    assert result.kept_agencies == ["so-yte"]  # shared: its name is the deployment's
    assert import_second(app, tmp_path).created == {}  # and again: nothing new
    with app.make_session() as session:
        after = first_plan_as_it_is(session)
        after["names"].remove(("tt-chuyen-doi-so", "Trung tâm Chuyển đổi số"))  # the one new
        assert after == before
        assert [p.code for p in list_plans(session)] == ["452/KH-UBND", SECOND]
        second = get_plan(session, code=SECOND)
        period = session.exec(
            select(ReportingPeriod).where(ReportingPeriod.plan_id == second.id)
        ).one()
        assert (period.key, period.due_on.isoformat()) == ("2026", "2026-06-30")
        facts = load_period(session, period=period, today=period.due_on)
        # This plan's own agencies, and the Front, which this plan obliges (452 only asks).
        assert sorted(a.code for a in facts.agencies.values()) == [
            "so-khcn",
            "so-yte",
            "tt-chuyen-doi-so",
            "ubmttq-tinh",
        ]
        assert [t["lead"] for t in describe_plan(session, plan=second)["tasks"]] == [
            ["Sở Y tế"],
            ["Sở Khoa học và Công nghệ"],
        ]


@pytest.mark.both_databases
def test_an_agency_is_reminded_and_reports_per_plan(app, tmp_path, monkeypatch, capsys):
    import_second(app, tmp_path)
    register(app, "u1", "so-yte")
    app.clock.set(datetime(2026, 11, 10, 8, 30, tzinfo=VN))  # 14 working days before 30/11

    with app.make_session() as session:
        planned = app.reminders.preview(session, now=app.clock.now()).new_messages
    to_u1 = [m.text for m in planned if m.recipient.chat_id == "u1"]
    assert len(to_u1) == 2
    assert any("Nhắc hạn báo cáo" in t and "452/KH-UBND" in t for t in to_u1)
    assert any("Báo cáo quá hạn" in t and SECOND in t for t in to_u1)

    asked = say(app, "u1", "/report")
    assert "Sở Y tế đang có báo cáo của nhiều kế hoạch" in asked
    assert f"1. Kế hoạch {SECOND}: Báo cáo năm 2026" in asked and "hạn 30/06/2026" in asked
    assert "Kế hoạch 452/KH-UBND: Báo cáo năm 2026" in asked
    assert "Nhiệm vụ 1 (chủ trì): Số hóa hồ sơ" in say(app, "u1", "1")
    say(app, "u1", "Đã hoàn thành")
    say(app, "u1", "Đã số hóa 1.200 hồ sơ")
    review = say(app, "u1", "/skip")  # the signed report is optional here
    assert "XEM LẠI TRƯỚC KHI NỘP" in review
    receipt = say(app, "u1", "1")
    assert "ĐÃ NỘP BÁO CÁO 2026-SO-YTE-15-KH-SKHCN" in receipt

    # The secretariat is asked which plan; each plan's summary counts its own reports.
    choice = say(app, "operator", "/summary")
    assert "Có 2 kế hoạch. Chọn kế hoạch cho /summary" in choice
    ours = say(app, "operator", "2")
    assert f"Kế hoạch {SECOND}" in ours and "Phải báo cáo: 4 cơ quan\n- Đã nộp: 1 " in ours
    assert "- Đã nộp: 0 " in say(app, "operator", "/summary 452/KH-UBND")
    # /missing, the chart and the draft are per plan too, and their files are told apart.
    missing = say(app, "operator", f"/missing {SECOND}")
    assert "Sở Y tế" not in missing and "Trung tâm Chuyển đổi số" in missing
    secretariat = ChatUser(app, "console", "operator")
    charted = [r.file for r in secretariat.send(f"/summary {SECOND}") if r.file]
    assert [f.file_name for f in charted] == ["bieu-do-2026-15-kh-skhcn.png"]
    [drafted] = [r.file for r in secretariat.send(f"/report {SECOND}") if r.file]
    assert drafted.file_name.startswith("du-thao-bao-cao-2026-15-kh-skhcn-")
    document = docx.Document(io.BytesIO(drafted.data))
    draft = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    assert "Đã số hóa 1.200 hồ sơ" in draft and "Phổ biến, quán triệt" not in draft

    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(False))
    assert main(["export", "-o", str(tmp_path / "t.csv")]) == 1
    assert "Có nhiều kế hoạch: chọn bằng --plan (452/KH-UBND, 15/KH-SKHCN)" in (
        capsys.readouterr().err
    )
    assert main(["export", "--plan", SECOND.lower(), "-o", str(tmp_path / "t.csv")]) == 0
    table = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "Đã số hóa 1.200 hồ sơ" in table and "Phổ biến, quán triệt" not in table


def test_view_names_each_plan_when_an_agency_reported_under_several(app, tmp_path):
    import_second(app, tmp_path)
    register(app, "u1", "so-yte")
    submit(
        app,
        "u1",
        "so-yte",
        {"task:1": {"status": "completed", "results": "Đã số hóa 1.200 hồ sơ"}},
        plan_code=SECOND,
    )
    only = say(app, "operator", "/view so-yte")  # one plan's report: shown as before
    assert "Báo cáo năm 2026" in only and "Đã số hóa 1.200 hồ sơ" in only

    submit(app, "u1", "so-yte", {"agency": {"difficulties": "Thiếu nhân lực"}}, plan_code=PLAN_452)
    asked = say(app, "operator", "/view so-yte")
    assert "có báo cáo ở 2 kế hoạch" in asked and "Đã số hóa" not in asked
    assert f"/view {PLAN_452} so-yte" in asked and f"/view {SECOND} so-yte" in asked
    assert "Đã số hóa 1.200 hồ sơ" in say(app, "operator", f"/view {SECOND} so-yte")
    assert "Thiếu nhân lực" in say(app, "operator", f"/view {PLAN_452} so-yte")
