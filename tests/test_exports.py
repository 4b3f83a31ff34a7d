"""The consolidated table: /export and `baocao export`, as XLSX and CSV (issue 7)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from bot.cli import main
from handlers.events import IncomingEvent
from storage.agencies import find_agency
from storage.db import transaction
from storage.exports.cells import neutralise
from storage.plans import get_plan
from storage.requests import create_adhoc_request
from tests.people import say
from tests.secretariat_world import (
    FORMULA,
    RESULTS_A1,
    build_world,
    submit_report,
)

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = pytest.mark.both_databases

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "Stt",
    "Nhiệm vụ",
    "Thời gian thực hiện",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Cơ quan báo cáo",
    "Vai trò",
    "Tình hình thực hiện",
    "Tỷ lệ hoàn thành (%)",
    "Kết quả thực hiện",
    "Khó khăn, vướng mắc",
    "Đề xuất, kiến nghị",
    "Thời điểm nộp",
    "Đúng hạn / trễ hạn",
    "Đầu mối",
]
# (Stt, agency, role, status, percent) in table order: tasks by number, leads first, then
# each agency's general part.
EXPECTED_ROWS = [
    (1, "Sở A", "Chủ trì", "Đang thực hiện", 70),
    (1, "Sở C", "Phối hợp", "Đang thực hiện", 40),
    (2, "Sở A", "Chủ trì", "Đã hoàn thành", 100),
    (3, "Sở B", "Chủ trì", "Đã hoàn thành", 100),
    (3, "Sở A", "Phối hợp", "Không áp dụng", None),
    (4, "Sở B", "Chủ trì", "Chưa thực hiện", 0),
    (4, "Sở D", "Phối hợp", "Chưa báo cáo", None),
    (None, "Sở A", None, None, None),
    (None, "Sở B", None, None, None),
    (None, "Sở C", None, None, None),
]


@pytest.fixture
def world(make_app, tmp_path):
    return build_world(make_app, tmp_path)


def exported(app, command: str):
    replies = app.dispatcher.handle(IncomingEvent("console", "operator", "operator", command))
    assert len(replies) == 1 and replies[0].file is not None, replies[0].text
    return replies[0]


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_the_appendix_layout_and_one_row_per_task_and_agency(world):
    reply = exported(world, "/export")
    assert reply.file.mime_type == XLSX
    assert reply.file.file_name == "bang-tong-hop-2026-20261202.xlsx"
    assert "10 dòng (nhiệm vụ × cơ quan)" in reply.text
    book = workbook(reply.file.data)
    assert book.sheetnames == ["Tổng hợp nhiệm vụ", "Tình trạng nộp"]
    sheet = book["Tổng hợp nhiệm vụ"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert [(r[0], r[5], r[6], r[7], r[8]) for r in rows[1:]] == EXPECTED_ROWS
    first = rows[1]
    assert first[1:5] == ["Nhiệm vụ một", "Hàng năm", "Sở A", "Sở C"]
    assert first[9] == RESULTS_A1  # Vietnamese intact
    assert first[11] == "Bổ sung kinh phí năm 2027"
    assert first[12] == datetime(2026, 11, 2, 9, 0)  # local time
    assert first[13] == "Đúng hạn" and first[14] == "Nguyễn Thị Lan"
    assert rows[4][13] == "Trễ hạn" and rows[4][14] == "Trần Văn Bình"  # Sở B, 01/12
    assert rows[2][13] == "Đúng hạn (trả lại, chờ bổ sung)"  # Sở C
    assert rows[5][9] == "Lý do không áp dụng: Sở B chưa đề nghị phối hợp"
    assert rows[7][12:] == [None, "Quá hạn, chưa nộp", "Phạm Văn Dũng"]  # Sở D: nothing yet
    assert rows[8][1] == "Nhiệm vụ theo chức năng (mục IV của Kế hoạch)"
    assert rows[8][9] == "Đã ban hành kế hoạch riêng của Sở"


def test_a_formula_looking_answer_stays_text(world):
    sheet = workbook(exported(world, "/export").file.data)["Tổng hợp nhiệm vụ"]
    cell = sheet["K2"]  # Sở A's difficulties on task 1
    assert cell.value == FORMULA
    assert cell.data_type == "s" and cell.quotePrefix  # text, shown as typed, never computed
    assert sheet["K7"].value == "Thiếu nhân lực" and not sheet["K7"].quotePrefix
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_xlsx_sheet_layout(world):
    sheet = workbook(exported(world, "/export 2026").file.data)["Tổng hợp nhiệm vụ"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O11"
    assert sheet["A1"].font.b and sheet["A1"].alignment.wrap_text
    assert sheet["J2"].alignment.wrap_text  # results wrap
    assert sheet["M2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["B"].width == 42 and sheet.column_dimensions["J"].width == 48
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"


def test_xlsx_second_sheet_has_one_row_per_agency(world):
    sheet = workbook(exported(world, "/export").file.data)["Tình trạng nộp"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:6] == [
        "Stt",
        "Cơ quan",
        "Tình trạng nộp",
        "Mã báo cáo",
        "Phiên bản",
        "Nộp lần đầu",
    ]
    by_agency = {r[1]: r for r in rows[1:]}
    assert list(by_agency) == ["Sở Khoa học và Công nghệ", "Sở A", "Sở B", "Sở C", "Sở D"]
    assert by_agency["Sở A"][2:5] == ["Đã nộp, đúng hạn", "2026-SO-A", 1]
    assert by_agency["Sở B"][2] == "Đã nộp, trễ hạn"
    assert by_agency["Sở C"][2] == "Trả lại, chờ bổ sung"
    assert by_agency["Sở C"][9] == "Cần bổ sung số liệu nhiệm vụ 1"
    assert by_agency["Sở D"][2:5] == ["Quá hạn, chưa nộp", None, None]
    assert by_agency["Sở D"][8] == "Phạm Văn Dũng"
    assert by_agency["Sở Khoa học và Công nghệ"][8] == "Chưa có đầu mối"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J6"


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # the BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_holds_the_same_table(world):
    reply = exported(world, "/export csv")
    assert reply.file.mime_type == "text/csv"
    assert reply.file.file_name.endswith(".csv")
    rows = read_csv(reply.file.data)
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(EXPECTED_ROWS)
    first = rows[1]
    assert first[:2] == ["1", "Nhiệm vụ một"] and first[5:9] == [
        "Sở A",
        "Chủ trì",
        "Đang thực hiện",
        "70",
    ]
    assert first[9] == RESULTS_A1
    assert first[10] == "'=SUM(A1)"  # neutralised: a leading apostrophe
    assert first[12:14] == ["02/11/2026 09:00", "Đúng hạn"]
    assert rows[7][5:9] == ["Sở D", "Phối hợp", "Chưa báo cáo", ""]
    assert b"\r\n" in reply.file.data


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


def test_export_of_an_adhoc_request(world):
    with transaction(world.make_session) as session:
        create_adhoc_request(
            session,
            plan=get_plan(session),
            title="Tình hình ứng dụng chế phẩm sinh học",
            due_on=date(2026, 12, 10),
            agency_ids=[find_agency(session, "so-a").id, find_agency(session, "so-d").id],
            clock=world.clock,
        )
    parts = [
        {"status": "in_progress", "percent": 50, "results": "Đã thử nghiệm tại 2 xã"},
        {"status": "completed", "results": "Xong"},
        {"status": "not_started"},
        {},
    ]
    submit_report(world, "u1", parts, start=("/report", "2"))  # the request is due last
    reply = exported(world, "/export adhoc-1")
    assert "Tình hình ứng dụng chế phẩm sinh học (kỳ adhoc-1)" in reply.text
    book = workbook(reply.file.data)
    rows = [[c.value for c in row] for row in book["Tổng hợp nhiệm vụ"].iter_rows()]
    assert {r[5] for r in rows[1:]} == {"Sở A", "Sở D"}
    assert rows[1][5:10] == ["Sở A", "Chủ trì", "Đang thực hiện", 50, "Đã thử nghiệm tại 2 xã"]
    agencies = [r[1] for r in book["Tình trạng nộp"].iter_rows(values_only=True)][1:]
    assert agencies == ["Sở A", "Sở D"]


def test_export_of_every_period_adds_a_period_column(world):
    with transaction(world.make_session) as session:
        create_adhoc_request(
            session,
            plan=get_plan(session),
            title="Yêu cầu đột xuất",
            due_on=date(2026, 12, 10),
            agency_ids=[find_agency(session, "so-b").id],
            clock=world.clock,
        )
    reply = exported(world, "/export all")
    assert "tất cả 2 kỳ báo cáo" in reply.text
    rows = list(workbook(reply.file.data)["Tổng hợp nhiệm vụ"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Kỳ báo cáo", "Stt")
    assert {r[0] for r in rows[1:]} == {
        "Báo cáo năm 2026 - Kế hoạch 99/KH-TEST",
        "Yêu cầu đột xuất",
    }
    assert len(rows) == 1 + len(EXPECTED_ROWS) + 2  # Sở B's tasks 3 and 4 in the request


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
    assert "10 dòng" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(target)["Tổng hợp nhiệm vụ"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and len(rows) == 11
    assert not list(target.parent.glob("*.part"))
    table = tmp_path / "tong-hop.csv"
    assert cli(["export", "--period", "2026", "-o", str(table)]) == 0
    assert read_csv(table.read_bytes())[1][10] == "'=SUM(A1)"


def test_cli_refuses_unknown_formats_and_periods(cli, tmp_path, capsys):
    assert cli(["export", "--period", "2026", "-o", str(tmp_path / "x.pdf")]) == 2
    assert cli(["export", "--period", "2019", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "Không có kỳ '2019'. Các kỳ: 2026." in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
