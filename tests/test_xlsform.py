"""Questionnaires written as XLSForm workbooks: the mapping, the refusals, and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from storage.bootstrap import prepare_database
from storage.clock import FrozenClock
from storage.db import SessionFactory, create_db_engine, session_factory, transaction
from storage.forms import bundled_forms, current_form
from storage.models import QuestionnaireVersion
from storage.plan_document import PlanFileError
from storage.plan_import import import_file
from storage.plans import get_plan
from storage.questionnaire import QuestionType, SectionKind
from storage.xlsform import read_xlsform
from storage.xlsform_sheets import is_xlsform

UNIT_EN = "baocao::unit::English (en)"
HEADER = [
    "type",
    "name",
    "label::Tiếng Việt (vi)",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "baocao::type",
    "baocao::unit",
    "baocao::unit::English (en)",
    "baocao::kind",
    "baocao::roles",
    "baocao::details",
]


def row(type_: str, name: str = "", vi: str = "", en: str = "", **cells: str) -> list[str]:
    """A survey row in HEADER's column order; `baocao_kind=` stands for `baocao::kind`."""
    values = {"type": type_, "name": name, "label::Tiếng Việt (vi)": vi, "label::English (en)": en}
    for key, value in cells.items():
        values[key if key in HEADER else key.replace("baocao_", "baocao::", 1)] = value
    unknown = set(values) - set(HEADER)
    assert not unknown, unknown
    return [values.get(column, "") for column in HEADER]


PERIODIC_CHOICES = [
    ["list_name", "name", "label::Tiếng Việt (vi)", "label::English (en)"],
    ["task_status", "not_started", "Chưa triển khai", "Not started"],
    ["task_status", "in_progress", "Đang triển khai", "In progress"],
    ["task_status", "completed", "Đã hoàn thành", "Completed"],
    ["task_status", "not_applicable", "Không áp dụng", "Not applicable"],
    ["funding_sources", "state_budget", "Ngân sách nhà nước", "State budget"],
    ["funding_sources", "integrated", "Lồng ghép chương trình khác",
     "Integrated from other programmes"],
    ["funding_sources", "mobilised", "Huy động xã hội", "Mobilised"],
    ["outputs", "trainings", "Đào tạo, tập huấn, hội thảo", "Trainings, workshops"],
    ["outputs", "research", "Nhiệm vụ KH&CN", "Research tasks"],
    ["outputs", "models", "Mô hình ứng dụng", "Application models"],
]  # fmt: skip

PERIODIC_SETTINGS = [
    ["form_id", "form_title", "form_title::English (en)", "version", "baocao::signed_document"],
    ["periodic", "Báo cáo tình hình thực hiện Kế hoạch hằng năm", "Yearly report on the plan",
     "2026010101", "optional"],
]  # fmt: skip


def agency_rows() -> list[list[str]]:
    """The bundled periodic questionnaire's agency section, as a secretariat would write it."""
    return [
        row("begin group", "agency", "Thông tin chung", "General", baocao_kind="agency"),
        row("select_multiple funding_sources", "funding_sources",
            "Kinh phí năm nay từ nguồn nào?",
            "This year's funding, by source?"),
        row("integer", "funding_state", "Số tiền từ ngân sách nhà nước?",
            "Amount from the state budget?", required="yes", baocao_type="money",
            relevant="selected(${funding_sources}, 'state_budget')"),
        row("integer", "funding_integrated", "Số tiền lồng ghép từ chương trình khác?",
            "Amount integrated from other programmes?", required="yes", baocao_type="money",
            relevant="selected(${funding_sources}, 'integrated')"),
        row("decimal", "funding_mobilised", "Số tiền huy động xã hội?", "Amount mobilised?",
            required="TRUE", baocao_type="money",
            relevant="selected(${funding_sources}, 'mobilised')"),
        row("select_multiple outputs", "outputs", "Kết quả đo đếm được?",
            "Measurable outputs?", required="no"),
        row("integer", "trainings", "Số lớp tập huấn, hội thảo?",
            "Trainings and workshops held?", required="yes", constraint=". >= 0",
            baocao_unit="lớp", **{UNIT_EN: "sessions"},
            relevant="selected(${outputs}, 'trainings')"),
        row("integer", "research", "Số nhiệm vụ KH&CN?", "Number of research tasks?",
            required="yes", constraint=".>=0", baocao_unit="nhiệm vụ",
            **{UNIT_EN: "tasks"}, relevant="selected(${outputs}, 'research')"),
        row("integer", "models", "Số mô hình ứng dụng?", "Number of application models?",
            required="1", constraint=". >= 0", baocao_unit="mô hình",
            **{UNIT_EN: "models"}, relevant="selected(${outputs}, 'models')"),
        row("text", "difficulties", "Khó khăn, vướng mắc?", "Difficulties?",
            appearance="multiline", constraint="string-length(.) <= 1000"),
        row("text", "proposals", "Đề xuất, kiến nghị?", "Proposals?",
            baocao_type="long_text", constraint="string-length(.) <= 1000"),
        row("text", "next_year", "Phương hướng, nhiệm vụ năm tới?", "Direction for next year?",
            appearance="multiline", constraint="string-length(.) <= 1000"),
        row("end group"),
    ]  # fmt: skip


def task_rows() -> list[list[str]]:
    """The rest of the bundled periodic questionnaire: task sections, optional tasks, duties."""
    return [
        row("begin group", "lead", "chủ trì", "lead", baocao_kind="task", baocao_roles="lead"),
        row("select_one task_status", "status", "Tình hình thực hiện?", "Progress?",
            required="yes"),
        row("integer", "percent", "Đã hoàn thành bao nhiêu phần trăm? (0–100)",
            "Percent completed? (0–100)", required="yes", baocao_type="percent",
            relevant="${status} = 'in_progress' and ${_bounded} = 'yes'"),
        row("text", "na_reason", "Vì sao không áp dụng với đơn vị?", "Why does it not apply?",
            required="yes", constraint="string-length(.) <= 500",
            relevant="${status} = 'not_applicable'"),
        row("text", "results", "Kết quả trong năm (việc đã làm, số liệu)?",
            "Results this year (activities, figures)?", required="yes",
            appearance="multiline", constraint="string-length(.) <= 2000",
            relevant="${status} = 'in_progress' or ${status} = 'completed'"),
        row("end group"),
        row("begin group", "coordinating", "phối hợp", "coordinating", baocao_kind="task",
            baocao_roles="coordinating"),
        row("text", "results", "Đơn vị đã phối hợp những gì? (ghi “Không” nếu chưa có)",
            "What did you contribute? (“None” if nothing)", required="yes",
            appearance="multiline", constraint="string-length(.) <= 1000"),
        row("end group"),
        row("begin group", "contributed", "Năm nay đơn vị có tham gia nhiệm vụ nào dưới đây?",
            "Did you take part in any of these tasks this year?",
            baocao_kind="optional_tasks", baocao_details="coordinating"),
        row("end group"),
        row("begin group", "duties", "Nhiệm vụ mục IV", "Section IV duties",
            baocao_kind="duties"),
        row("text", "results", "Kết quả chung thực hiện các nhiệm vụ trên?",
            "Overall results on these duties?", required="yes", appearance="multiline",
            constraint="string-length(.) <= 2000"),
        row("end group"),
    ]  # fmt: skip


def write_workbook(
    path: Path,
    survey: list[list[str]],
    choices: list[list[str]] | None = None,
    settings: list[list[str]] | None = None,
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for values in survey:
        sheet.append(values)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = workbook.create_sheet(title)
            for values in rows:
                extra.append(values)
    workbook.save(path)
    return path


def periodic_workbook(path: Path, *, survey: list[list[str]] | None = None) -> Path:
    rows = survey if survey is not None else [HEADER, *task_rows(), *agency_rows()]
    return write_workbook(path, rows, PERIODIC_CHOICES, PERIODIC_SETTINGS)


def problems_of(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(PlanFileError) as caught:
        read_xlsform(path)
    return [(p.where, p.code) for p in caught.value.problems]


# --- the mapping ---------------------------------------------------------------------------


def test_agency_section_round_trips_to_the_bundled_one(tmp_path):
    path = periodic_workbook(tmp_path / "bc.xlsx", survey=[HEADER, *agency_rows()])
    form = read_xlsform(path)
    bundled = bundled_forms()["periodic"]
    assert form.key == "periodic" and form.title == bundled.title
    assert [s.id for s in form.sections] == ["agency"]
    assert form.sections[0] == bundled.section("agency")
    agency = form.sections[0]
    assert [(q.id, q.type) for q in agency.questions][:3] == [
        ("funding_sources", QuestionType.multiple),
        ("funding_state", QuestionType.money),
        ("funding_integrated", QuestionType.money),
    ]
    assert agency.question("trainings").condition.holds({"outputs": ["trainings"]})


def test_whole_periodic_questionnaire_round_trips(tmp_path):
    form = read_xlsform(periodic_workbook(tmp_path / "bc.xlsx"))
    bundled = bundled_forms()["periodic"]
    # Sections in the bundled order: task sections, optional tasks, duties, agency.
    assert form == bundled
    assert form.digest() == bundled.digest()
    assert form.section("contributed").kind == SectionKind.optional_tasks


def test_a_survey_without_groups_is_one_agency_section(tmp_path):
    path = write_workbook(
        tmp_path / "dot-xuat.xlsx",
        [
            ["type", "name", "label", "hint", "required"],
            ["start", "start", "", "", ""],
            ["text", "answer", "Nội dung báo cáo?", "Viết ngắn gọn", "yes"],
            ["date", "held_on", "Ngày tổ chức?", "", ""],
            ["select_one yn", "agree", "Đồng ý?", "", "yes"],
            ["file", "documents", "Gửi tệp kèm theo", "", ""],
        ],
        [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]],
        [["form_id", "form_title"], ["adhoc_x", "Báo cáo đột xuất"]],
    )
    form = read_xlsform(path)
    assert form.key == "adhoc_x" and form.title == {"vi": "Báo cáo đột xuất"}
    [section] = form.sections
    assert (section.id, section.kind) == ("agency", SectionKind.agency)
    assert [(q.id, q.type, q.required) for q in section.questions] == [
        ("answer", QuestionType.text, True),
        ("held_on", QuestionType.date, False),
        ("agree", QuestionType.single, True),
        ("documents", QuestionType.files, False),
    ]
    assert section.questions[0].hint == {"vi": "Viết ngắn gọn"}


def test_yes_no_needs_a_yes_no_list(tmp_path):
    survey = [
        ["type", "name", "label", "baocao::type"],
        ["select_one yn", "agree", "Đồng ý?", "yes_no"],
        ["select_one other", "pick", "Chọn?", "yes_no"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["yn", "yes", "Có"],
        ["yn", "no", "Không"],
        ["other", "a", "A"],
    ]
    path = write_workbook(tmp_path / "yn.xlsx", survey, choices, [["form_title"], ["Thử"]])
    assert problems_of(path) == [("yn.xlsx: survey dòng 3", "bad_type")]
    survey.pop()
    form = read_xlsform(write_workbook(path, survey, choices, [["form_title"], ["Thử"]]))
    question = form.sections[0].questions[0]
    assert (question.type, question.choices) == (QuestionType.yes_no, None)


# --- refusals ------------------------------------------------------------------------------

GOOD = row("integer", "count", "Số lượng?", required="yes")

# Each case: the rows put after GOOD in one group, the expected code on the first of them.
REFUSED = {
    "note": ([row("note", "intro", "Xin chào")], "unsupported_type"),
    "calculate": ([row("calculate", "total", "")], "unsupported_type"),
    "repeat": (
        [row("begin repeat", "tasks", "Nhiệm vụ"), row("text", "t", "T"), row("end repeat")],
        "unsupported_type",
    ),
    "nested group": (
        [row("begin group", "inner", "Trong"), row("text", "t", "T"), row("end group")],
        "nested_group",
    ),
    "unsupported type": ([row("geopoint", "where", "Ở đâu?")], "unsupported_type"),
    "unknown type": ([row("money", "amount", "Bao nhiêu?")], "unknown_type"),
    "or_other": ([row("select_one task_status or_other", "s", "S?")], "unsupported_type"),
    "unknown list": ([row("select_one nowhere", "s", "S?")], "unknown_choices"),
    "function in relevant": (
        [row("text", "t", "T?", relevant="count-selected(${count}) > 1")],
        "bad_condition",
    ),
    "later question": ([row("text", "t", "T?", relevant="${later} = 'x'"), row(
        "text", "later", "Sau?")], "bad_condition"),
    "unknown question": ([row("text", "t", "T?", relevant="${nobody} = 'x'")], "bad_condition"),
    "broken relevant": ([row("text", "t", "T?", relevant="${count} >")], "bad_condition"),
    "constraint": ([row("integer", "n", "N?", constraint="regex(., '^[0-9]+$')")],
                   "unsupported_constraint"),
    "strict bound": ([row("integer", "n", "N?", constraint=". > 0")], "unsupported_constraint"),
    "bound on text": ([row("text", "n", "N?", constraint=". <= 5")], "unsupported_constraint"),
    "required expression": ([row("text", "t", "T?", required="${count} > 1")], "bad_flag"),
    "bad name": ([row("text", "Tên-1", "T?")], "bad_name"),
    "no Vietnamese label": ([row("text", "t", "", "Only English")], "missing_label"),
    "duplicate name": ([row("text", "count", "Lại?")], "duplicate_question"),
    "narrowing": ([row("text", "t", "T?", baocao_type="money")], "bad_type"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsupported_construct_is_refused_with_its_row(tmp_path, case):
    rows, code = REFUSED[case]
    survey = [HEADER, row("begin group", "g", "Nhóm"), GOOD, *rows, row("end group")]
    found = problems_of(periodic_workbook(tmp_path / "bad.xlsx", survey=survey))
    # Rows: 1 header, 2 begin group, 3 GOOD, 4 the first refused row.
    assert ("bad.xlsx: survey dòng 4", code) in found, found


def test_group_problems_name_the_begin_group_row(tmp_path):
    survey = [
        HEADER,
        row("begin group", "g", "Nhóm", baocao_kind="weird"),
        GOOD,
        row("end group"),
        row("begin group", "t", "Theo nhiệm vụ", baocao_kind="task"),
        GOOD,
        row("end group"),
        row("text", "outside", "Ngoài?"),
        row("begin group", "open", "Mở"),
        GOOD,
    ]
    found = problems_of(periodic_workbook(tmp_path / "g.xlsx", survey=survey))
    assert found == [
        ("g.xlsx: survey dòng 8", "outside_group"),
        ("g.xlsx: survey dòng 9", "unclosed_group"),
        ("g.xlsx: survey dòng 2", "invalid_value"),
        ("g.xlsx: survey dòng 5", "missing_roles"),
    ]


def test_unknown_columns_and_a_condition_on_another_group(tmp_path):
    header = [*HEADER, "calculation", "default", "constraint_message", "label::Français"]
    survey = [
        header,
        [*row("begin group", "a", "A"), "", "", "", ""],
        [*GOOD, "", "", "Phải là số", ""],
        [*row("end group"), "", "", "", ""],
        [*row("begin group", "b", "B"), "", "", "", ""],
        [*row("integer", "n", "N?", relevant="${count} > 1"), "1 + 1", "3", "", ""],
        [*row("end group"), "", "", "", ""],
    ]
    problems = problems_of(periodic_workbook(tmp_path / "c.xlsx", survey=survey))
    assert problems == [
        ("c.xlsx: survey dòng 1", "unknown_language"),
        ("c.xlsx: survey dòng 6", "unsupported_column"),
        ("c.xlsx: survey dòng 6", "unsupported_column"),
        ("c.xlsx: survey dòng 6", "bad_condition"),
    ]


def test_choices_and_settings_problems(tmp_path):
    choices = [*PERIODIC_CHOICES, ["outputs", "two words", "Hai từ"], ["outputs", "models", "Lại"]]
    path = write_workbook(
        tmp_path / "s.xlsx", [HEADER, *agency_rows()], choices, [["form_id"], ["Bad-Id"]]
    )
    problems = problems_of(path)
    assert problems == [
        ("s.xlsx: choices dòng 12", "bad_name"),
        ("s.xlsx: settings", "missing_title"),
        ("s.xlsx: settings dòng 2", "bad_name"),
        ("s.xlsx: choices dòng 13", "duplicate_choice"),
    ]


def test_an_empty_survey(tmp_path):
    path = write_workbook(
        tmp_path / "e.xlsx", [["type", "name", "label"]], None, [["form_title"], ["T"]]
    )
    assert problems_of(path) == [("e.xlsx: survey", "no_questions")]


def test_a_workbook_without_survey_is_still_an_appendix_table(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Stt", "Nhiệm vụ"])
    workbook.save(tmp_path / "table.xlsx")
    assert not is_xlsform(tmp_path / "table.xlsx")
    assert is_xlsform(periodic_workbook(tmp_path / "bc.xlsx"))


# --- import and the command line -----------------------------------------------------------
# A database prepared by `storage` alone (the bundled plan imported), so these tests need
# nothing from the chat side; the command line is imported where it is used.

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Database:
    url: str
    make_session: SessionFactory
    clock: FrozenClock

    def versions(self) -> int:
        with self.make_session() as session:
            return session.exec(select(func.count()).select_from(QuestionnaireVersion)).one()


@pytest.fixture
def database(tmp_path, monkeypatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path}/baocao.db"
    engine = create_db_engine(url)
    make_session = session_factory(engine)
    clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=VN))
    prepare_database(engine, make_session, clock=clock, zone=VN)
    monkeypatch.setenv("BAOCAO_DATABASE_URL", url)
    yield Database(url, make_session, clock)
    engine.dispose()


def test_a_refused_workbook_stores_nothing(database, tmp_path):
    survey = [HEADER, row("begin group", "g", "Nhóm"), GOOD, row("note", "n", "Chú ý"),
              row("text", "t", "T?", relevant="${later} = 'x'"), row("end group")]  # fmt: skip
    path = periodic_workbook(tmp_path / "bad.xlsx", survey=survey)
    before = database.versions()
    with pytest.raises(PlanFileError) as caught, transaction(database.make_session) as session:
        import_file(session, path=path, clock=database.clock)
    assert [p.where for p in caught.value.problems] == [
        "bad.xlsx: survey dòng 4",
        "bad.xlsx: survey dòng 5",
    ]
    assert database.versions() == before


def test_import_stores_a_version_that_current_form_returns(database, tmp_path):
    rows = [HEADER, *task_rows(), *agency_rows()]
    rows[2][2] = "Tình hình thực hiện nhiệm vụ?"  # the lead section's status question, reworded
    path = periodic_workbook(tmp_path / "bc.xlsx", survey=rows)
    with transaction(database.make_session) as session:
        result = import_file(session, path=path, clock=database.clock)
    assert result.form_versions == [("periodic", 2, True)]
    with database.make_session() as session:
        plan = get_plan(session)
        version, form = current_form(session, plan_id=plan.id, key="periodic")
    assert version.version == 2 and form == read_xlsform(path)
    assert form.section("lead").question("status").label["vi"] == "Tình hình thực hiện nhiệm vụ?"
    with transaction(database.make_session) as session:  # the same content: no new version
        result = import_file(session, path=path, clock=database.clock, plan_code="452/KH-UBND")
    assert result.form_versions == [("periodic", 2, False)]


def test_validate_command_prints_one_line_per_problem(database, tmp_path, capsys):
    from bot.cli import main

    survey = [HEADER, row("begin group", "g", "Nhóm"), GOOD, row("calculate", "c", ""),
              row("integer", "n", "N?", constraint=". > 1"), row("end group")]  # fmt: skip
    bad = periodic_workbook(tmp_path / "bad.xlsx", survey=survey)
    assert main(["plan", "validate", str(bad)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("bad.xlsx: survey dòng 4: kiểu 'calculate' không được hỗ trợ")
    assert lines[1].startswith("bad.xlsx: survey dòng 5: ràng buộc '. > 1' không được hỗ trợ")
    assert len(lines) == 3 and "Không ghi gì" in lines[2]
    good = periodic_workbook(tmp_path / "good.xlsx")
    assert main(["plan", "validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert "bảng hỏi 'periodic', 5 phần, 17 câu hỏi" in out and "hợp lệ" in out


def test_import_command_stores_the_questionnaire(database, tmp_path, capsys):
    from bot.cli import main

    path = periodic_workbook(tmp_path / "bc.xlsx", survey=[HEADER, *agency_rows()])
    before = database.versions()
    assert main(["plan", "import", str(path), "--plan", "1/KH"]) == 1
    assert "bc.xlsx: không có kế hoạch '1/KH'" in capsys.readouterr().err
    assert database.versions() == before
    assert main(["plan", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Bảng hỏi 'periodic' của kế hoạch 452/KH-UBND: đã lưu phiên bản 2." in out
    with database.make_session() as session:
        _version, form = current_form(session, plan_id=get_plan(session).id, key="periodic")
    assert [s.id for s in form.sections] == ["agency"]
