"""Questionnaires and scope as plan data (issue 11): validation, conditions, typed answers,
who is asked what, and a question added in a plan file asked, stored and reviewed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.cli import main
from handlers.answer_input import parse_money, vietnamese_number
from storage.conditions import ConditionError, parse_condition
from storage.models import QuestionnaireVersion, ReportAnswer, ScopeOverride
from storage.plan_document import BUNDLED_PLAN, PlanFileError, parse_yaml
from storage.questionnaire import is_bounded
from tests.people import register, say
from tests.plan_files import bundled, small_plan_with_form, write_yaml
from tests.test_reminders_support import FakeChannel, at, focal, service, tick

# --- the form as data ---------------------------------------------------------------------------


def problems_of(tmp_path, mutate) -> list[tuple[str, str]]:
    data = bundled()
    mutate(data["questionnaires"][0])
    with pytest.raises(PlanFileError) as caught:
        parse_yaml(write_yaml(tmp_path / "q.yaml", data))
    return [(p.code, p.where) for p in caught.value.problems]


def agency_question(form: dict, question_id: str) -> dict:
    section = next(s for s in form["sections"] if s["id"] == "agency")
    return next(q for q in section["questions"] if q["id"] == question_id)


def test_the_bundled_questionnaire_is_valid_and_has_the_report_sections():
    form = parse_yaml(BUNDLED_PLAN).questionnaires[0]
    assert [(s.id, s.kind) for s in form.sections] == [
        ("lead", "task"),
        ("coordinating", "task"),
        ("contributed", "optional_tasks"),
        ("duties", "duties"),
        ("agency", "agency"),
    ]
    agency = form.section("agency")
    assert agency is not None
    ids = [q.id for q in agency.questions]
    assert {"funding_state", "difficulties", "proposals", "next_year"} <= set(ids)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda f: agency_question(f, "difficulties").update(type="essay"),
            ("unknown_type", "q.yaml: questionnaires[1].sections[5].questions[9].type"),
        ),
        (
            lambda f: agency_question(f, "funding_sources").update(show_if="${next_year} = 'x'"),
            ("bad_condition", "q.yaml: questionnaires[1].sections[5].questions[1].show_if"),
        ),
        (
            lambda f: agency_question(f, "funding_sources").update(show_if="${nobody} > 2"),
            ("bad_condition", "q.yaml: questionnaires[1].sections[5].questions[1].show_if"),
        ),
        (
            lambda f: agency_question(f, "funding_sources").update(show_if="today() > 2"),
            ("bad_condition", "q.yaml: questionnaires[1].sections[5].questions[1].show_if"),
        ),
        (
            lambda f: agency_question(f, "proposals").update(id="difficulties"),
            ("duplicate_question", "q.yaml: questionnaires[1].sections[5].questions[10]"),
        ),
        (
            lambda f: agency_question(f, "proposals").update(label={"en": "Proposals?"}),
            ("missing_label", "q.yaml: questionnaires[1].sections[5].questions[10].label"),
        ),
        (
            lambda f: agency_question(f, "outputs").update(choices="no_such_list"),
            ("unknown_choices", "q.yaml: questionnaires[1].sections[5].questions[5]"),
        ),
    ],
)
def test_a_bad_questionnaire_is_refused_with_one_line_per_problem(tmp_path, mutate, expected):
    assert problems_of(tmp_path, mutate) == [expected]


@pytest.mark.both_databases
def test_plan_validate_lists_every_questionnaire_problem_and_writes_nothing(
    app, tmp_path, capsys, monkeypatch
):
    def breaks(form: dict) -> None:
        agency_question(form, "difficulties").update(type="essay")
        agency_question(form, "outputs").update(choices="no_such_list")

    data = bundled()
    breaks(data["questionnaires"][0])
    data["plan"]["code"] = "999/KH"
    path = write_yaml(tmp_path / "bad.yaml", data)
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(hide_password=False))
    with app.make_session() as session:
        before = len(session.exec(select(QuestionnaireVersion)).all())
    assert main(["plan", "validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any("type: giá trị không hợp lệ 'essay'" in line for line in err)
    assert err[-1] == "Không ghi gì vào cơ sở dữ liệu (1 lỗi)."
    monkeypatch.setenv("BAOCAO_LANGUAGE", "en")  # the operator reads the same in English
    assert main(["plan", "validate", str(path)]) == 1
    english = capsys.readouterr().err.splitlines()
    assert any("type: not a valid value 'essay'; accepted: " in line for line in english)
    assert english[-1] == "Nothing was written to the database (1 problem)."
    assert main(["plan", "import", str(path)]) == 1
    capsys.readouterr()
    with app.make_session() as session:
        assert len(session.exec(select(QuestionnaireVersion)).all()) == before


def test_conditions_of_the_supported_subset():
    condition = parse_condition("${a} = 'x' and (${b} > 2 or not(selected(${c}, 'k')))")
    assert condition.references == {"a", "b", "c"}
    assert condition.holds({"a": "x", "b": 3, "c": ["k"]})
    assert condition.holds({"a": "x", "b": 1, "c": []})
    assert not condition.holds({"a": "x", "b": 1, "c": ["k"]})
    assert not condition.holds({"a": "y", "b": 9})
    assert parse_condition("${n} != ''").holds({}) is False
    for bad in ("${a} = ", "${a} ~ 'x'", "count(${a}) > 1", "${a} = 'x' and", "'x'"):
        with pytest.raises(ConditionError):
            parse_condition(bad)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("250 triệu", 250_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("250.000.000", 250_000_000),
        ("250000000 đồng", 250_000_000),
        ("2 tr", 2_000_000),
        ("0,5 tỷ", 500_000_000),
        ("nhiều tiền", None),
        ("١٢ triệu", None),  # Arabic-Indic digits are refused, not guessed
        ("-5 triệu", None),
    ],
)
def test_money_in_vietnamese(text, amount):
    assert parse_money(text) == amount


def test_numbers_in_vietnamese():
    assert vietnamese_number("1.200") == 1200
    assert vietnamese_number("2,5") == 2.5
    assert vietnamese_number("abc") is None


@pytest.mark.parametrize(
    ("timeframe", "bounded"),
    [
        ("Hàng năm", False),
        ("Năm 2023 và các năm tiếp theo", False),
        ("Giai đoạn 2023-2025", True),
        ("Năm 2026", True),
        ("", False),
    ],
)
def test_percent_is_asked_only_of_tasks_that_end(timeframe, bounded):
    assert is_bounded(timeframe) is bounded


# --- a question added in the plan file, no Python change ---------------------------------------


def plan_with_extra_question() -> dict:
    plan = small_plan_with_form()
    agency = plan["questionnaires"][0]["sections"][1]
    agency["questions"].insert(
        0,
        {
            "id": "labs",
            "type": "integer",
            "min": 0,
            "unit": "phòng",
            "label": {"vi": "Số phòng thí nghiệm sinh học?", "en": "Biology labs?"},
        },
    )
    agency["questions"].insert(
        1,
        {
            "id": "labs_opened",
            "type": "date",
            "label": "Ngày khai trương phòng mới nhất?",
            "show_if": "${labs} > 0",
        },
    )
    return plan


@pytest.mark.both_databases
def test_a_question_added_to_the_plan_file_is_asked_stored_and_reviewed(make_app, tmp_path):
    app = make_app(plan_file=str(write_yaml(tmp_path / "p.yaml", plan_with_extra_question())))
    register(app, "u1", "so-a")
    say(app, "u1", "/report")
    for text in ("3", "Xong", "3", "Xong", "3", "Xong"):  # three tasks completed
        say(app, "u1", text)
    asked = say(app, "u1", "Xong")
    assert "Số phòng thí nghiệm sinh học?" in asked
    assert "Nhập một số nguyên" in say(app, "u1", "hai")
    assert "Ngày khai trương phòng mới nhất?" in say(app, "u1", "2")
    assert "dd/mm/yyyy" in say(app, "u1", "31/02/2026")
    say(app, "u1", "15/10/2026")
    review = say(app, "u1", "Xong")
    assert "Số phòng thí nghiệm sinh học: 2 phòng" in review
    assert "Ngày khai trương phòng mới nhất: 15/10/2026" in review
    assert "ĐÃ NỘP" in say(app, "u1", "1")
    with app.make_session() as session:
        stored = {
            a.question: a.value
            for a in session.exec(select(ReportAnswer).where(ReportAnswer.section == "agency"))
        }
    assert stored == {"labs": 2, "labs_opened": "2026-10-15"}


def test_a_zero_hides_the_follow_up_question(make_app, tmp_path):
    app = make_app(plan_file=str(write_yaml(tmp_path / "p.yaml", plan_with_extra_question())))
    register(app, "u1", "so-a")
    say(app, "u1", "/report")
    for text in ("3", "Xong", "3", "Xong", "3", "Xong"):
        say(app, "u1", text)
    say(app, "u1", "Xong")
    assert "Tệp kèm theo" in say(app, "u1", "0")  # no lab: no opening date asked


def test_a_new_form_version_is_stored_only_when_the_form_changes(make_app, tmp_path):
    app = make_app(plan_file=str(write_yaml(tmp_path / "p.yaml", small_plan_with_form())))
    from storage.db import transaction
    from storage.plan_import import import_file

    for name, plan in (("a", small_plan_with_form()), ("b", plan_with_extra_question())):
        with transaction(app.make_session) as session:
            import_file(session, path=write_yaml(tmp_path / f"{name}.yaml", plan), clock=app.clock)
    with app.make_session() as session:
        versions = session.exec(
            select(QuestionnaireVersion.version).where(QuestionnaireVersion.key == "periodic")
        ).all()
    assert sorted(versions) == [1, 2]


# --- scope ---------------------------------------------------------------------------------------


def test_sở_y_tế_is_asked_its_lead_tasks_and_one_question_for_the_rest(app):
    register(app, "yte", "so-yte")
    first = say(app, "yte", "/report")
    assert "[1/7] Nhiệm vụ 1 (chủ trì)" in first
    headers = [first]
    for _ in range(4):
        say(app, "yte", "2")
        headers.append(say(app, "yte", "Có kết quả"))
    offered = headers[-1]
    assert "Năm nay đơn vị có tham gia nhiệm vụ nào dưới đây?" in offered
    numbers = [line.split(".")[0] for line in offered.splitlines() if line[:1].isdigit()]
    assert numbers == ["2", "3", "5", "7", "8", "9"]  # coordinating through "các sở, ngành"
    assert all(f"Nhiệm vụ {n} (chủ trì)" in "".join(headers) for n in (1, 4, 6, 10))


@pytest.mark.both_databases
def test_the_secretariat_changes_scope_in_chat(app):
    register(app, "yte", "so-yte")
    assert "Cách dùng" in say(app, "operator", "/scope")
    listed = say(app, "operator", "/scope 3")
    assert "Sở Y tế (so-yte): phối hợp, tùy chọn" in listed
    assert "Sở Khoa học và Công nghệ (so-khcn): chủ trì, bắt buộc" in listed
    assert "không hợp lệ" in say(app, "operator", "/scope 3 so-yte có lẽ")
    assert "Không tìm thấy cơ quan" in say(app, "operator", "/scope 3 so-khong-co bắt buộc")
    assert "Không có nhiệm vụ 42" in say(app, "operator", "/scope 42 so-yte bắt buộc")
    changed = say(app, "operator", "/scope 3 so-yte bắt buộc")
    assert "Đã đặt: nhiệm vụ 3 - Sở Y tế: bắt buộc" in changed
    assert "phối hợp, bắt buộc (thư ký đặt)" in say(app, "operator", "/scope 3")
    assert "chỉ dành cho thư ký" in say(app, "yte", "/scope 3")
    say(app, "yte", "/report")
    headers = ""
    for _ in range(5):
        headers += say(app, "yte", "2")
        headers += say(app, "yte", "Có kết quả")
    assert "Nhiệm vụ 3 (phối hợp)" in headers  # now asked in detail, before the optional list
    assert "mặc định" in say(app, "operator", "/scope 3 so-yte mặc định")
    with app.make_session() as session:
        assert session.exec(select(ScopeOverride)).first() is None


@pytest.mark.both_databases
def test_scope_from_the_command_line_and_a_table(app, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.engine.url.render_as_string(hide_password=False))
    table = tmp_path / "scope.csv"
    table.write_text(
        "Nhiệm vụ;Cơ quan;Phạm vi\n7;so-yte;bắt buộc\n8;Sở Y tế;không\n", encoding="utf-8"
    )
    assert main(["scope", "import", str(table)]) == 0
    assert "2 dòng" in capsys.readouterr().out
    assert main(["scope", "show", "--task", "7"]) == 0
    assert "so-yte\tphối hợp\tbắt buộc (thư ký đặt)" in capsys.readouterr().out
    assert main(["scope", "show", "--task", "8"]) == 0
    assert "so-yte" not in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("Nhiệm vụ;Cơ quan;Phạm vi\n99;so-yte;bắt buộc\n5;Sở Mặt Trăng;hơi\n", "utf-8")
    assert main(["scope", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv: dòng 2: không có nhiệm vụ '99'" in err
    assert "bad.csv: dòng 3: cơ quan không xác định: 'Sở Mặt Trăng'" in err
    assert "bad.csv: dòng 3: phạm vi 'hơi' không hợp lệ" in err
    with app.make_session() as session:
        assert len(session.exec(select(ScopeOverride)).all()) == 2  # nothing more written
    assert main(["scope", "set", "9", "so-yte", "optional"]) == 0
    assert main(["scope", "set", "9", "so-yte", "maybe"]) == 2
    capsys.readouterr()


@pytest.mark.both_databases
def test_requested_bodies_are_not_chased_unless_the_secretariat_says_so(app, clock):
    focal(app, "Mặt trận", "ubmttq-tinh", "3001")
    focal(app, "Y tế", "so-yte", "3002")
    telegram = FakeChannel()
    clock.set(at("2026-11-09 08:00"))
    tick(service(app, telegram))
    assert sorted(c for c, _ in telegram.sent) == ["3002"]
    assert "Phải báo cáo: 26 cơ quan" in say(app, "operator", "/summary")
    assert "được nhắc" in say(app, "operator", "/scope nhắc ubmttq-tinh có")
    clock.set(at("2026-11-18 08:00"))
    tick(service(app, telegram))
    assert "3001" in [c for c, _ in telegram.sent]
    assert "Phải báo cáo: 27 cơ quan" in say(app, "operator", "/summary")


def test_reminders_name_only_the_tasks_an_agency_must_report(app, clock):
    focal(app, "Y tế", "so-yte", "3002")
    telegram = FakeChannel()
    clock.set(at("2026-11-09 08:00"))
    tick(service(app, telegram))
    (reply,) = [r for c, r in telegram.sent if c == "3002"]
    lines = reply.text.splitlines()
    listed = [line.split(".")[0].lstrip("• ") for line in lines if line.startswith("•")]
    assert listed == ["1", "4", "6", "10"]  # its lead tasks; not the 6 it may have helped with
