"""The bundled Plan 452, import from YAML/XLSX/CSV, idempotence, and clear errors."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from bot.cli import main
from storage.db import transaction
from storage.models import (
    Agency,
    GroupMember,
    Plan,
    ReportAnswer,
    Submission,
    SubmissionVersion,
    Task,
    TaskAssignment,
)
from storage.periods import open_periods
from storage.plan_document import PlanFileError
from storage.plan_import import import_file
from storage.plans import describe_plan, get_plan
from tests.plan_files import APPENDIX_HEADER, bundled, write_yaml

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases

DISTRICTS = [
    "Ủy ban nhân dân thành phố Gia Nghĩa",
    "Ủy ban nhân dân huyện Cư Jút",
    "Ủy ban nhân dân huyện Đắk Glong",
    "Ủy ban nhân dân huyện Đắk Mil",
    "Ủy ban nhân dân huyện Đắk R'lấp",
    "Ủy ban nhân dân huyện Đắk Song",
    "Ủy ban nhân dân huyện Krông Nô",
    "Ủy ban nhân dân huyện Tuy Đức",
]
FIVE_LEADS = [
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Y tế",
    "Sở Tài nguyên và Môi trường",
    "Sở Công Thương",
]


def counts(session) -> dict[str, int]:
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Plan, Agency, Task, TaskAssignment, GroupMember)
    }


def test_first_start_imports_plan_452_and_opens_this_years_period(app):
    with app.make_session() as session:
        plan = get_plan(session)
        assert plan is not None and plan.code == "452/KH-UBND"
        periods = open_periods(session)
        assert [
            (p.key, p.due_on.isoformat(), p.consolidation_due_on.isoformat()) for p in periods
        ] == [("2026", "2026-11-30", "2026-12-20")]
        names = set(session.exec(select(Agency.name)).all())
        assert set(DISTRICTS) <= names


def test_plan_show_json_lists_the_ten_tasks_and_deadlines(app, capsys, monkeypatch):
    monkeypatch.setenv(
        "BAOCAO_DATABASE_URL", str(app.engine.url.render_as_string(hide_password=False))
    )
    assert main(["plan", "show", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    tasks = {t["number"]: t for t in plan["tasks"]}
    assert sorted(tasks) == list(range(1, 11))
    assert plan["deadlines"]["agencies_report"] == "30/11"
    assert plan["deadlines"]["consolidation"] == "20/12"
    assert tasks[1]["lead"] == ["Các sở, ngành, địa phương"]
    assert tasks[2]["lead"] == ["Sở Khoa học và Công nghệ"]
    assert tasks[4]["lead"] == FIVE_LEADS
    assert tasks[5]["lead"] == ["Sở Tài chính"]
    assert tasks[7]["lead"] == ["Sở Kế hoạch và Đầu tư"]
    assert tasks[8]["lead"] == ["Sở Công Thương"]
    assert tasks[9]["lead"] == ["Sở Nông nghiệp và Phát triển nông thôn"]
    assert tasks[6]["timeframe"] == "Giai đoạn 2023-2025 và các năm tiếp theo"
    assert tasks[8]["timeframe"] == "Năm 2023 và các năm tiếp theo"
    assert tasks[3]["timeframe"] == "Hàng năm"
    assert tasks[6]["coordinating"] == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]
    assert tasks[2]["title"].startswith("Tuyên truyền, phổ biến các kết quả")


def test_group_resolves_to_its_members(app):
    with app.make_session() as session:
        group = session.exec(select(Agency).where(Agency.name == "Các sở, ngành, địa phương")).one()
        assert group.is_group
        members = session.exec(
            select(Agency.name)
            .join(GroupMember, GroupMember.member_id == Agency.id)
            .where(GroupMember.group_id == group.id)
        ).all()
        assert "Sở Y tế" in members and "Ủy ban nhân dân huyện Tuy Đức" in members


def test_reimporting_the_same_plan_changes_nothing(app, tmp_path):
    path = write_yaml(tmp_path / "plan.yaml", bundled())
    with app.make_session() as session:
        before = counts(session)
    for _ in range(2):
        with transaction(app.make_session) as session:
            result = import_file(session, path=path, clock=app.clock)
        assert (result.created, result.updated) == ({}, {})  # and says so
    with app.make_session() as session:
        assert counts(session) == before


def test_reimport_updates_in_place(app, tmp_path):
    data = bundled()
    data["tasks"][2]["title"] = "Nhiệm vụ 3 đã sửa tên"
    data["tasks"][2]["lead"] = ["so-yte"]
    data["agencies"][2]["name"] = "Sở Y tế tỉnh"
    path = write_yaml(tmp_path / "plan.yaml", data)
    with transaction(app.make_session) as session:
        result = import_file(session, path=path, clock=app.clock)
    assert (result.created, result.updated) == ({}, {"agency": 1, "task": 1})
    data["agencies"][2]["name"] = "Sở Y tế"
    path = write_yaml(tmp_path / "plan.yaml", data)
    with transaction(app.make_session) as session:
        import_file(session, path=path, clock=app.clock)
    with app.make_session() as session:
        task = session.exec(select(Task).where(Task.number == 3)).one()
        assert task.title == "Nhiệm vụ 3 đã sửa tên"
        plan = describe_plan(session, plan=get_plan(session))
        assert next(t for t in plan["tasks"] if t["number"] == 3)["lead"] == ["Sở Y tế"]
        assert session.exec(select(func.count()).select_from(Task)).one() == 10


def _submit_report_on_task(app, number: int) -> int:
    with transaction(app.make_session) as session:
        agency = session.exec(select(Agency).where(Agency.code == "so-khcn")).one()
        period = open_periods(session)[0]
        task = session.exec(select(Task).where(Task.number == number)).one()
        submission = Submission(
            period_id=period.id,
            agency_id=agency.id,
            state="submitted",
            current_version=1,
            updated_at=app.clock.now(),
        )
        session.add(submission)
        session.flush()
        version = SubmissionVersion(
            submission_id=submission.id, version=1, submitted_at=app.clock.now()
        )
        session.add(version)
        session.flush()
        for question, value in (("status", "in_progress"), ("results", "Đã tổ chức 3 hội thảo")):
            session.add(
                ReportAnswer(
                    version_id=version.id,
                    section="lead",
                    task_id=task.id,
                    role="lead",
                    question=question,
                    value=value,
                )
            )
        session.flush()
        return version.id


def test_submission_survives_a_reimport_that_drops_and_restores_its_task(app, tmp_path):
    version_id = _submit_report_on_task(app, 3)
    data = bundled()
    data["tasks"] = [t for t in data["tasks"] if t["number"] != 3]
    with transaction(app.make_session) as session:
        result = import_file(session, path=write_yaml(tmp_path / "p.yaml", data), clock=app.clock)
    assert result.retired_tasks == [3]

    def answers(session):
        rows = session.exec(select(ReportAnswer).where(ReportAnswer.version_id == version_id))
        return {row.question: row for row in rows}

    with app.make_session() as session:
        stored = answers(session)
        assert stored["results"].value == "Đã tổ chức 3 hội thảo"
        assert session.get(Task, stored["results"].task_id).retired
        shown = describe_plan(session, plan=get_plan(session))
        assert 3 not in [t["number"] for t in shown["tasks"]]
    with transaction(app.make_session) as session:
        import_file(session, path=write_yaml(tmp_path / "q.yaml", bundled()), clock=app.clock)
    with app.make_session() as session:
        stored = answers(session)
        assert not session.get(Task, stored["status"].task_id).retired
        assert stored["status"].value == "in_progress"


def _broken(tmp_path, mutate) -> list:
    data = bundled()
    mutate(data)
    path = write_yaml(tmp_path / "broken.yaml", data)
    with pytest.raises(PlanFileError) as caught:
        from storage.plan_document import parse_yaml

        parse_yaml(path)
    return caught.value.problems


def test_unknown_agency_is_named_with_its_place(tmp_path):
    problems = _broken(tmp_path, lambda d: d["tasks"][1]["lead"].append("so-khong-co"))
    assert [(p.code, p.where) for p in problems] == [
        ("unknown_agency", "broken.yaml: tasks[2].lead[2]")
    ]
    assert "so-khong-co" in problems[0].message


def test_duplicate_task_number(tmp_path):
    def dup(d):
        d["tasks"][4]["number"] = 2

    problems = _broken(tmp_path, dup)
    assert [(p.code, p.where) for p in problems] == [("duplicate_task", "broken.yaml: tasks[5]")]


def test_missing_title(tmp_path):
    problems = _broken(tmp_path, lambda d: d["tasks"][0].pop("title"))
    assert [(p.code, p.where) for p in problems] == [
        ("missing_title", "broken.yaml: tasks[1].title")
    ]
    assert "thiếu tên nhiệm vụ" in problems[0].message


def test_bad_dates(tmp_path):
    def bad(d):
        d["plan"]["issued_on"] = "2023-13-45"
        d["reporting"]["periodic"]["agencies_due"] = "11-31"

    problems = _broken(tmp_path, bad)
    assert {(p.code, p.where) for p in problems} == {
        ("bad_date", "broken.yaml: plan.issued_on"),
        ("bad_date", "broken.yaml: reporting.periodic.agencies_due"),
    }


def test_every_problem_is_reported_at_once(tmp_path):
    def many(d):
        d["tasks"][0]["lead"] = ["khong-ton-tai"]
        d["tasks"][1]["number"] = 1
        d["tasks"][2]["title"] = "  "

    problems = _broken(tmp_path, many)
    # A malformed task and the cross-checks of the well-formed ones, in one run.
    assert sorted((p.code, p.where) for p in problems) == [
        ("duplicate_task", "broken.yaml: tasks[2]"),
        ("missing_title", "broken.yaml: tasks[3].title"),
        ("unknown_agency", "broken.yaml: tasks[1].lead[1]"),
    ]
    data = bundled()
    data["tasks"][0]["lead"] = ["khong-ton-tai"]
    data["tasks"][1]["number"] = 1
    problems = _broken(tmp_path, lambda d: d.update(data))
    assert sorted(p.code for p in problems) == ["duplicate_task", "unknown_agency"]


def test_malformed_yaml_writes_nothing(app, tmp_path, capsys, monkeypatch):
    path = tmp_path / "bad.yaml"
    path.write_text("plan: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(hide_password=False))
    with app.make_session() as session:
        before = counts(session)
    assert main(["plan", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml: dòng" in err and "Không ghi gì" in err
    data = bundled()
    data["plan"]["code"] = "999/KH"
    data["tasks"][0]["lead"] = ["ma-sai"]
    bad_agency = write_yaml(tmp_path / "x.yaml", data)
    assert main(["plan", "import", str(bad_agency)]) == 1
    with app.make_session() as session:
        assert counts(session) == before


def _table_rows() -> list[list[str]]:
    return [
        ["PHỤ LỤC"],
        APPENDIX_HEADER,
        [
            "1",
            "Nhiệm vụ thử một",
            "Hàng năm",
            "Sở Khoa học và Công nghệ; Sở Y tế",
            "Các sở, ngành, địa phương có liên quan",
        ],
        APPENDIX_HEADER,  # the appendix repeats its header on each page
        [
            "2",
            "Nhiệm vụ thử hai",
            "Năm 2027",
            "Sở Nông nghiệp và PTNT",
            "Sở Kế hoạch và Đầu tư, Sở Tài chính",
        ],
    ]


def test_xlsx_table_updates_tasks(app, tmp_path):
    workbook = Workbook()
    for row in _table_rows():
        workbook.active.append(row)
    path = tmp_path / "phu-luc.xlsx"
    workbook.save(path)
    with transaction(app.make_session) as session:
        result = import_file(session, path=path, clock=app.clock)
    assert sorted(result.retired_tasks) == list(range(3, 11))
    with app.make_session() as session:
        tasks = {t["number"]: t for t in describe_plan(session, plan=get_plan(session))["tasks"]}
    assert sorted(tasks) == [1, 2]
    assert tasks[1]["lead"] == ["Sở Khoa học và Công nghệ", "Sở Y tế"]
    assert tasks[1]["coordinating"] == ["Các sở, ngành, địa phương"]
    assert tasks[2]["lead"] == ["Sở Nông nghiệp và Phát triển nông thôn"]
    assert tasks[2]["coordinating"] == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]
    assert tasks[2]["timeframe"] == "Năm 2027"


def test_csv_with_an_unknown_agency_and_a_duplicate_is_refused_whole(app, tmp_path):
    rows = _table_rows()
    rows[2][3] = "Sở Khoa học và Công nghệ; Sở Vũ trụ"
    rows.append(["2", "Trùng số", "Hàng năm", "Sở Y tế", ""])
    path = tmp_path / "phu-luc.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(PlanFileError) as caught, transaction(app.make_session) as session:
        import_file(session, path=path, clock=app.clock)
    problems = caught.value.problems
    assert [(p.code, p.where) for p in problems] == [("duplicate_task", "phu-luc.csv: dòng 6")]
    rows.pop()
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(PlanFileError) as caught, transaction(app.make_session) as session:
        import_file(session, path=path, clock=app.clock)
    problems = caught.value.problems
    assert [(p.code, p.where) for p in problems] == [("unknown_agency", "phu-luc.csv: dòng 3")]
    assert "Sở Vũ trụ" in problems[0].message
    with app.make_session() as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 10
        assert session.exec(select(Task).where(Task.number == 1)).one().title.startswith("Phổ biến")


def test_table_without_header_or_numbers(tmp_path, app):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(PlanFileError) as caught, app.make_session() as session:
        import_file(session, path=path, clock=app.clock)
    assert caught.value.problems[0].code == "missing_header"
    path.write_text(",".join(APPENDIX_HEADER) + "\nmột,Việc,Hàng năm,Sở Y tế,\n", encoding="utf-8")
    with pytest.raises(PlanFileError) as caught, app.make_session() as session:
        import_file(session, path=path, clock=app.clock)
    assert [(p.code, p.where) for p in caught.value.problems] == [("bad_number", "x.csv: dòng 2")]


def test_validate_command_checks_without_writing(app, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(hide_password=False))
    good = write_yaml(tmp_path / "good.yaml", bundled())
    assert main(["plan", "validate", str(good)]) == 0
    assert "hợp lệ" in capsys.readouterr().out
    data = bundled()
    data["tasks"][0]["title"] = ""
    bad = write_yaml(tmp_path / "bad.yaml", data)
    assert main(["plan", "validate", str(bad)]) == 1
    assert "bad.yaml: tasks[1].title: thiếu tên nhiệm vụ" in capsys.readouterr().err
