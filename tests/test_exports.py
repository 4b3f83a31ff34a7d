"""The consolidated table: /export and `baocao export`, as XLSX and CSV (issue 7)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import docx
import openpyxl
import openpyxl.utils
import pytest
from sqlmodel import select

from bot.cli import main
from handlers.events import IncomingEvent
from storage.agencies import find_agency
from storage.db import transaction
from storage.exports.cells import neutralise
from storage.models import ReportAnswer
from storage.plans import get_plan
from storage.requests import create_adhoc_request
from tests.conftest import VN
from tests.people import say
from tests.plan_files import bundled
from tests.secretariat_world import (
    DASHED,
    FORMULA,
    RESULTS_A1,
    build_world,
    secretariat_plan,
    submit,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED = [
    "Stt",
    "Nhiệm vụ",
    "Thời gian thực hiện",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Cơ quan báo cáo",
    "Vai trò",
]
SUBMISSION = ["Thời điểm nộp", "Đúng hạn / trễ hạn", "Đầu mối"]
# (Stt, agency, role, status) in table order: tasks by number, leads first; only the agencies
# in each task's scope.
EXPECTED_ROWS = [
    (1, "Sở A", "Chủ trì", "Đang triển khai"),
    (1, "Sở C", "Phối hợp", "Đã báo cáo"),
    (2, "Sở A", "Chủ trì", "Đã hoàn thành"),
    (3, "Sở B", "Chủ trì", "Đã hoàn thành"),
    (3, "Sở A", "Phối hợp", "Đã báo cáo"),
    (4, "Sở B", "Chủ trì", "Không áp dụng"),
    (4, "Sở D", "Phối hợp", "Chưa báo cáo"),
]


def form_labels(section_kinds: set[str]) -> list[str]:
    """The Vietnamese labels of the bundled periodic form's questions in these sections."""
    form = next(q for q in bundled()["questionnaires"] if q["key"] == "periodic")
    out: dict[str, str] = {}  # by question id: the first section asking it names it
    for section in form["sections"]:
        if section["kind"] in section_kinds:
            for question in section.get("questions", []):
                out.setdefault(question["id"], question["label"]["vi"].rstrip("?:. "))
    return list(out.values())


@pytest.fixture
def world(make_app, tmp_path):
    return build_world(make_app, tmp_path)


def exported(app, command: str):
    replies = app.dispatcher.handle(IncomingEvent("console", "operator", "operator", command))
    assert len(replies) == 1 and replies[0].file is not None, replies[0].text
    return replies[0]


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


TITLE_ROWS = 3  # plan, period, time made; the header is the row below


def sheet_rows(data: bytes, sheet: str = "Tổng hợp nhiệm vụ") -> list[list]:
    """The header and the data rows, below the title lines."""
    rows = workbook(data)[sheet].iter_rows(min_row=TITLE_ROWS + 1)
    return [[c.value for c in row] for row in rows]


def by_header(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_xlsx_has_the_appendix_layout_and_the_form_questions_in_order(world):
    reply = exported(world, "/export")
    assert reply.file.mime_type == XLSX
    assert reply.file.file_name == "bang-tong-hop-2026-20261202.xlsx"
    assert "7 dòng (nhiệm vụ × cơ quan)" in reply.text
    book = workbook(reply.file.data)
    assert book.sheetnames == ["Tổng hợp nhiệm vụ", "Tình trạng nộp"]
    rows = sheet_rows(reply.file.data)
    header = rows[0]
    assert header[:7] == FIXED and header[-3:] == SUBMISSION
    questions = form_labels({"task"})
    assert header[7] == questions[0]  # the status
    assert [h.split(" (")[0] for h in header[8:-3]] == [q.split(" (")[0] for q in questions[1:]]
    assert [(r[0], r[5], r[6], r[7]) for r in rows[1:]] == EXPECTED_ROWS


def test_xlsx_cells_hold_what_each_agency_answered(world):
    rows = by_header(sheet_rows(exported(world, "/export").file.data))
    results, percent, reason = (
        next(h for h in rows[0] if h.startswith(prefix))
        for prefix in ("Kết quả", "Đã hoàn thành bao nhiêu", "Vì sao")
    )
    first = rows[0]
    assert [first["Nhiệm vụ"], first["Thời gian thực hiện"]] == ["Nhiệm vụ một", "2026 - 2027"]
    assert first["Cơ quan chủ trì"] == "Sở A" and first["Cơ quan phối hợp"] == "Sở C"
    assert first[results] == RESULTS_A1  # Vietnamese intact
    assert first[percent] == 70  # a number, not text
    assert first["Thời điểm nộp"] == datetime(2026, 11, 2, 9, 0)  # local time
    assert first["Đúng hạn / trễ hạn"] == "Đúng hạn" and first["Đầu mối"] == "Nguyễn Thị Lan"
    assert rows[1][results] == "Đang khảo sát nhu cầu"  # Sở C's short form
    assert rows[1]["Đúng hạn / trễ hạn"] == "Đúng hạn (trả lại, chờ bổ sung)"
    assert rows[3]["Đúng hạn / trễ hạn"] == "Trễ hạn" and rows[3]["Đầu mối"] == "Trần Văn Bình"
    assert rows[5][reason] == "Chưa được bố trí kinh phí" and rows[5][percent] is None
    sở_d = rows[6]
    assert [sở_d[results], sở_d["Thời điểm nộp"]] == [None, None]
    assert [sở_d["Đúng hạn / trễ hạn"], sở_d["Đầu mối"]] == ["Quá hạn, chưa nộp", "Phạm Văn Dũng"]


def test_the_submission_time_is_that_of_the_answers_shown(world):
    world.clock.set(datetime(2026, 12, 3, 14, 15, tzinfo=VN))
    assert submit(world, "u1", "so-a", {"lead:2": {"results": "Nhân rộng ra 3 huyện"}}) == 2
    rows = by_header(sheet_rows(exported(world, "/export").file.data))
    so_a = [row for row in rows if row["Cơ quan báo cáo"] == "Sở A"]
    assert so_a and all(row["Thời điểm nộp"] == datetime(2026, 12, 3, 14, 15) for row in so_a)
    assert all(row["Đúng hạn / trễ hạn"] == "Đúng hạn" for row in so_a)  # the first decides


def test_the_agency_sheet_has_the_questions_asked_once(world):
    rows = sheet_rows(exported(world, "/export").file.data, "Tình trạng nộp")
    header = rows[0]
    assert header[:6] == [
        "Stt",
        "Cơ quan",
        "Tình trạng nộp",
        "Mã báo cáo",
        "Phiên bản",
        "Nộp lần đầu",
    ]
    asked = [h for h in header[10:]]
    for label in form_labels({"agency"}):
        assert any(h.startswith(label) for h in asked), label
    by_agency = {r["Cơ quan"]: r for r in by_header(rows)}
    assert list(by_agency) == ["Sở Khoa học và Công nghệ", "Sở A", "Sở B", "Sở C", "Sở D"]

    def answer(agency: str, prefix: str):
        return by_agency[agency][next(h for h in asked if h.startswith(prefix))]

    assert answer("Sở A", "Số tiền từ ngân sách nhà nước") == 1_250_000_000  # a number
    assert answer("Sở A", "Số tiền huy động xã hội") == 200_000_000
    assert answer("Sở A", "Kinh phí") == "Ngân sách nhà nước; Huy động xã hội"  # labels, not codes
    assert answer("Sở B", "Kết quả đo đếm") == "Đào tạo, tập huấn, hội thảo; Nhiệm vụ KH&CN"
    assert answer("Sở B", "Số nhiệm vụ KH&CN") == 1
    assert answer("Sở A", "Đề xuất") == "Bổ sung kinh phí năm 2027"
    assert answer("Sở A", "Nhiệm vụ") == "Đã ban hành kế hoạch riêng của Sở"  # section IV duties
    assert answer("Sở C", "Khó khăn") == "Thiếu nhân lực"
    assert by_agency["Sở A"]["Tình trạng nộp"] == "Đã nộp, đúng hạn"
    assert [by_agency["Sở A"]["Mã báo cáo"], by_agency["Sở A"]["Phiên bản"]] == ["2026-SO-A", 1]
    assert by_agency["Sở B"]["Tình trạng nộp"] == "Đã nộp, trễ hạn"
    assert by_agency["Sở C"]["Tình trạng nộp"] == "Trả lại, chờ bổ sung"
    assert by_agency["Sở C"]["Ý kiến trả lại của thư ký"] == "Cần bổ sung số liệu nhiệm vụ 1"
    assert by_agency["Sở D"]["Tình trạng nộp"] == "Quá hạn, chưa nộp"
    assert by_agency["Sở D"]["Đầu mối hiện tại"] == "Phạm Văn Dũng"
    assert by_agency["Sở Khoa học và Công nghệ"]["Đầu mối hiện tại"] == "Chưa có đầu mối"
    money = workbook(exported(world, "/export").file.data)["Tình trạng nộp"]
    column = header.index(next(h for h in asked if h.startswith("Số tiền từ"))) + 1
    assert money.cell(row=TITLE_ROWS + 3, column=column).number_format == "#,##0"


def test_a_formula_looking_answer_stays_text(world):
    book = workbook(exported(world, "/export").file.data)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    formula = next(c for c in cells if c.value == FORMULA)  # Sở A's difficulties
    dashed = next(c for c in cells if c.value == DASHED)  # Sở A on task 3
    for cell in (formula, dashed):
        assert cell.data_type == "s" and cell.quotePrefix  # text, shown as typed, never computed
    plain = next(c for c in cells if c.value == "Thiếu nhân lực")
    assert not plain.quotePrefix
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def test_xlsx_sheet_layout(world):
    sheet = workbook(exported(world, "/export 2026").file.data)["Tổng hợp nhiệm vụ"]
    # Title lines above the header: what the table is, when a printed copy was made.
    titles = [sheet.cell(row=n, column=1).value for n in range(1, TITLE_ROWS + 1)]
    assert titles == [
        "Kế hoạch số 99/KH-TEST: Kế hoạch thử",
        "Kỳ báo cáo: Báo cáo năm 2026 - Kế hoạch 99/KH-TEST",
        "Lập lúc 10:00 ngày 02/12/2026",
    ]
    assert sheet["A1"].font.b
    h = TITLE_ROWS + 1
    header = [c.value for c in sheet[h]]
    last = openpyxl.utils.get_column_letter(len(header))
    assert sheet.freeze_panes == f"A{h + 1}"
    assert sheet.auto_filter.ref == f"A{h}:{last}{h + 7}"
    assert sheet[f"A{h}"].font.b and sheet[f"A{h}"].alignment.wrap_text
    results = openpyxl.utils.get_column_letter(
        next(i for i, h in enumerate(header, 1) if h.startswith("Kết quả"))
    )
    assert sheet[f"{results}{h + 1}"].alignment.wrap_text  # results wrap
    submitted = openpyxl.utils.get_column_letter(header.index("Thời điểm nộp") + 1)
    assert sheet[f"{submitted}{h + 1}"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["B"].width == 42
    assert sheet.column_dimensions[results].width == 44  # a long text question
    assert sheet.print_title_rows == f"${h}:${h}"
    assert sheet.page_setup.orientation == "landscape"
    agencies = workbook(exported(world, "/export").file.data)["Tình trạng nộp"]
    assert agencies.freeze_panes == f"A{h + 1}"
    assert agencies.auto_filter.ref.endswith(str(h + 5))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # the BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_holds_the_same_table(world):
    reply = exported(world, "/export csv")
    assert reply.file.mime_type == "text/csv"
    assert reply.file.file_name.endswith(".csv")
    rows = read_csv(reply.file.data)
    assert rows[0] == sheet_rows(exported(world, "/export").file.data)[0]
    assert len(rows) == 1 + len(EXPECTED_ROWS)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert [first["Stt"], first["Nhiệm vụ"], first["Cơ quan báo cáo"]] == [
        "1",
        "Nhiệm vụ một",
        "Sở A",
    ]
    assert first[rows[0][7]] == "Đang triển khai"
    assert RESULTS_A1 in rows[1] and "70" in rows[1]
    assert first["Thời điểm nộp"] == "02/11/2026 09:00"
    assert "'" + DASHED in rows[5]  # neutralised: a leading apostrophe
    assert rows[7][5:8] == ["Sở D", "Phối hợp", "Chưa báo cáo"]
    assert b"\r\n" in reply.file.data


def test_csv_with_semicolons_for_excel_on_vietnamese_windows(world):
    """'/export csv;' splits columns by ';', as Excel does on a Vietnamese-locale Windows; the
    cells are the same (a ';' inside a cell is quoted)."""
    plain = read_csv(exported(world, "/export csv").file.data)
    data = exported(world, "/export csv;").file.data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == plain
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Stt;Nhiệm vụ;")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+84 912", "'+84 912"),
        ("-5% so với năm trước", "'-5% so với năm trước"),
        ("@ghi chú", "'@ghi chú"),
        ("\t=1+1", "'\t=1+1"),
        ("Đã tổ chức =2 hội thảo", "Đã tổ chức =2 hội thảo"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def _adhoc(world, title: str, codes: list[str]) -> None:
    with transaction(world.make_session) as session:
        create_adhoc_request(
            session,
            plan=get_plan(session),
            title=title,
            due_on=date(2026, 12, 10),
            agency_ids=[find_agency(session, code).id for code in codes],
            clock=world.clock,
        )


ADHOC_ANSWER = "Đã thử nghiệm chế phẩm tại 2 xã"


def test_export_of_an_adhoc_request(world):
    _adhoc(world, "Tình hình ứng dụng chế phẩm sinh học", ["so-a", "so-d"])
    # Whichever form the request asks, its long answer is kept (the others are not shown).
    submit(
        world,
        "u1",
        "so-a",
        {"agency": {"answer": ADHOC_ANSWER, "difficulties": ADHOC_ANSWER}},
        period_key="adhoc-1",
    )
    reply = exported(world, "/export adhoc-1")
    assert "Tình hình ứng dụng chế phẩm sinh học (kỳ adhoc-1)" in reply.text
    assert sheet_rows(reply.file.data)[1:] == []  # a request asks about no task
    agencies = by_header(sheet_rows(reply.file.data, "Tình trạng nộp"))
    assert [a["Cơ quan"] for a in agencies] == ["Sở A", "Sở D"]
    assert ADHOC_ANSWER in agencies[0].values()
    assert agencies[1]["Tình trạng nộp"] == "Chưa nộp (chưa đến hạn)"


def test_export_of_every_period_adds_a_period_column(world):
    _adhoc(world, "Yêu cầu đột xuất", ["so-b"])
    reply = exported(world, "/export all")
    assert "tất cả 2 kỳ báo cáo" in reply.text
    rows = sheet_rows(reply.file.data)
    assert rows[0][:2] == ["Kỳ báo cáo", "Stt"]
    assert {r[0] for r in rows[1:]} == {"Báo cáo năm 2026 - Kế hoạch 99/KH-TEST"}
    assert len(rows) == 1 + len(EXPECTED_ROWS)
    agencies = sheet_rows(reply.file.data, "Tình trạng nộp")
    assert [(r[0], r[2]) for r in agencies[1:] if r[0] == "Yêu cầu đột xuất"] == [
        ("Yêu cầu đột xuất", "Sở B")
    ]


def test_a_question_added_to_the_plan_file_is_exported(make_app, tmp_path):
    """One more question in the plan's YAML, no code: a column in the table (read back with
    openpyxl) and a line in the draft report."""
    plan = secretariat_plan()
    form = next(q for q in bundled()["questionnaires"] if q["key"] == "periodic")
    lead = next(s for s in form["sections"] if s["id"] == "lead")
    lead["questions"].append(
        {
            "id": "beneficiaries",
            "type": "integer",
            "min": 0,
            "required": False,
            "unit": {"vi": "người"},
            "label": {"vi": "Số người hưởng lợi?", "en": "People who benefited?"},
        }
    )
    agency = next(s for s in form["sections"] if s["kind"] == "agency")
    agency["questions"].append(
        {"id": "partner", "type": "text", "required": False, "label": "Đối tác chính?"}
    )
    plan["questionnaires"] = [form]
    world = build_world(make_app, tmp_path, plan)
    submit(
        world,
        "u1",
        "so-a",
        {"lead:2": {"beneficiaries": 1200}, "agency": {"partner": "Viện Sinh học Tây Nguyên"}},
    )

    reply = exported(world, "/export")
    rows = by_header(sheet_rows(reply.file.data))
    assert "Số người hưởng lợi (người)" in rows[0]
    assert [r["Số người hưởng lợi (người)"] for r in rows if r["Stt"] == 2] == [1200]
    agencies = {r["Cơ quan"]: r for r in by_header(sheet_rows(reply.file.data, "Tình trạng nộp"))}
    assert agencies["Sở A"]["Đối tác chính"] == "Viện Sinh học Tây Nguyên"

    draft = world.dispatcher.handle(
        IncomingEvent("console", "operator", "operator", "/report 2026")
    )
    document = docx.Document(io.BytesIO(draft[0].file.data))
    lines = [p.text for p in document.paragraphs]
    quote = "Sở A (chủ trì, đã hoàn thành): Hoàn thành mô hình trình diễn"
    assert any(f"{quote}; Số người hưởng lợi: 1200 người." in line for line in lines)
    assert "- Sở A: Đối tác chính: Viện Sinh học Tây Nguyên" in lines
    annex = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert "Số người hưởng lợi: 1200 người" in next(r for r in annex if r[0] == "2")[7]


def test_answers_of_an_older_form_keep_their_columns(world):
    """An answer to a question no current form asks on tasks (the former per-task
    difficulties) still gets a column, after the form's, named by its id when no form names
    it."""
    with transaction(world.make_session) as session:
        answer = next(
            a
            for a in session.exec(select(ReportAnswer).where(ReportAnswer.question == "results"))
            if a.value == "Hoàn thành mô hình trình diễn"
        )
        session.add(
            ReportAnswer(
                version_id=answer.version_id,
                section=answer.section,
                task_id=answer.task_id,
                role=answer.role,
                question="difficulties",
                value="Thiếu giống cây",
            )
        )
    rows = sheet_rows(exported(world, "/export").file.data)
    assert rows[0][-4] == "difficulties"  # not in any form: its id, before the submission
    assert [r[-4] for r in rows[1:] if r[0] == 2] == ["Thiếu giống cây"]


def test_export_of_an_unknown_period(world):
    text = say(world, "operator", "/export 2019")
    assert "Không hiểu «2019»" in text and "Các kỳ báo cáo: 2026." in text


# --- baocao export -------------------------------------------------------------------------


@pytest.fixture
def cli(world, monkeypatch):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", world.settings.database_url)
    yield main


def test_cli_writes_xlsx_and_csv_by_suffix(cli, tmp_path, capsys):
    target = tmp_path / "out" / "tong-hop.xlsx"
    assert cli(["export", "--period", "2026", "-o", str(target)]) == 0
    assert "7 dòng" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(target)["Tổng hợp nhiệm vụ"]
    rows = list(sheet.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert list(rows[0][:7]) == FIXED and len(rows) == 1 + len(EXPECTED_ROWS)
    assert not list(target.parent.glob("*.part"))
    table = tmp_path / "tong-hop.csv"
    assert cli(["export", "--period", "2026", "-o", str(table)]) == 0
    assert "'" + DASHED in read_csv(table.read_bytes())[5]


def test_cli_csv_separator_for_vietnamese_excel(cli, tmp_path):
    """Excel on a Vietnamese-locale Windows splits on ";": a comma file opens as one column."""
    commas, semicolons = tmp_path / "a.csv", tmp_path / "b.csv"
    assert cli(["export", "--period", "2026", "-o", str(commas)]) == 0
    assert cli(["export", "--period", "2026", "-o", str(semicolons), "--csv-separator", ";"]) == 0
    text = semicolons.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Stt;Nhiệm vụ;Thời gian thực hiện;")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == read_csv(commas.read_bytes())


def test_cli_refuses_unknown_formats_and_periods(cli, tmp_path, capsys):
    assert cli(["export", "--period", "2026", "-o", str(tmp_path / "x.pdf")]) == 2
    assert cli(["export", "--period", "2019", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "Không có kỳ '2019'. Các kỳ: 2026." in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
