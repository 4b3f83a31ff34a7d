"""The secretariat's draft report (DOCX): /report for the secretariat and `baocao report`."""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from sqlmodel import select

from bot.cli import main
from handlers.events import IncomingEvent
from storage.db import transaction
from storage.exports.docx_report import abbreviation
from storage.models import Identity, MemberRole, Membership, ReportAnswer
from tests.people import say
from tests.secretariat_world import DASHED, FORMULA, RESULTS_A1, build_world

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(make_app, tmp_path):
    return build_world(make_app, tmp_path)


def draft(app, command: str = "/report", user: str = "operator"):
    replies = app.dispatcher.handle(IncomingEvent("console", user, user, command))
    assert len(replies) == 1 and replies[0].file is not None, replies[0].text
    return replies[0]


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def after(lines: list[str], heading: str, until: str) -> list[str]:
    return lines[lines.index(heading) + 1 : lines.index(until)]


def test_the_draft_has_the_administrative_header_and_title(world):
    reply = draft(world)
    assert reply.file.mime_type == DOCX
    assert reply.file.file_name == "du-thao-bao-cao-2026-20261202.docx"
    assert "2/5 cơ quan đã nộp" in reply.text
    document = docx.Document(io.BytesIO(reply.file.data))
    header = document.tables[0]
    left, right = (cell.text.split("\n") for cell in header.rows[0].cells)
    assert left[:2] == ["UBND TỈNH ĐẮK NÔNG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # The number and the place-date share a row, so they stand on one line.
    number, place_date = (cell.text for cell in header.rows[1].cells)
    assert number == "Số: …/BC-SKHCN"
    assert place_date == "Đắk Nông, ngày … tháng … năm 2026"
    borders = header._tbl.tblPr.xpath("./w:tblBorders/*/@w:val")
    assert set(borders) == {"nil"}  # the header table prints without lines
    lines = texts(document)
    assert lines[0] == "BÁO CÁO"
    assert lines[1] == (
        "Tình hình thực hiện Kế hoạch số 99/KH-TEST ngày 5/1/2026 của Ủy ban nhân dân tỉnh Đắk Nông"
    )
    assert "Kính gửi: Ủy ban nhân dân tỉnh Đắk Nông." in lines


@pytest.mark.both_databases
def test_the_sections_are_filled_from_the_submissions(world):
    document = docx.Document(io.BytesIO(draft(world, "/report 2026").file.data))
    lines = texts(document)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        "III. KHÓ KHĂN, VƯỚNG MẮC",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    general = after(lines, "I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    assert "Tổng số cơ quan, đơn vị phải báo cáo: 5; hạn gửi báo cáo: 30/11/2026." in general
    assert "Đã gửi báo cáo: 2/5 cơ quan, đơn vị (đúng hạn: 1; trễ hạn: 1)." in general
    # Counts only: the agencies are named once, in appendix I.
    assert "Đã báo cáo nhưng được đề nghị bổ sung, chưa gửi lại: 1." in general
    assert "Chưa gửi báo cáo (đã quá hạn): 2." in general
    assert "Danh sách cơ quan, đơn vị trễ hạn, chưa gửi báo cáo tại Phụ lục I." in general
    assert (
        "Kinh phí thực hiện Kế hoạch do 2 cơ quan, đơn vị báo cáo: tổng cộng 1.750.000.000 đồng, "
        "gồm: Ngân sách nhà nước: 1.550.000.000 đồng; Huy động xã hội: 200.000.000 đồng."
    ) in general
    outputs = next(line for line in general if line.startswith("Kết quả cụ thể"))
    assert "Đào tạo, tập huấn, hội thảo: 5 " in outputs and "Nhiệm vụ KH&CN: 1 nhiệm vụ" in outputs

    results = after(lines, "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "III. KHÓ KHĂN, VƯỚNG MẮC")
    tasks = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert tasks[:4] == ["1. Nhiệm vụ một", "2. Nhiệm vụ hai", "3. Nhiệm vụ ba", "4. Nhiệm vụ bốn"]
    # One paragraph per task: how many reported, their statuses, the key results by name.
    assert (
        "2/2 cơ quan, đơn vị được giao đã báo cáo (chủ trì: 1/1; phối hợp: 1/1): "
        "1 đang triển khai (tỷ lệ hoàn thành bình quân 70%). Kết quả chủ yếu: "
        f"Sở A (chủ trì, đang triển khai 70%): {RESULTS_A1}; "
        "Sở C (phối hợp): Đang khảo sát nhu cầu."
    ) in results
    assert f"Sở A (phối hợp): {DASHED}." in " ".join(results)
    # "Not applicable" says nothing done: counted as reported, not quoted.
    assert "1/2 cơ quan, đơn vị được giao đã báo cáo (chủ trì: 1/1; phối hợp: 0/1)." in results
    assert not any("Chưa được bố trí kinh phí" in line for line in results)
    assert not any("Chưa báo cáo" in line for line in results)  # the missing: appendix I
    assert "- Sở A: Đã ban hành kế hoạch riêng của Sở" in results  # section IV duties

    difficulties = after(lines, "III. KHÓ KHĂN, VƯỚNG MẮC", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI")
    assert difficulties == [  # once per agency, as asked
        f"- Sở A: {FORMULA}",
        "- Sở B: Thiếu nhân lực",
        "- Sở C: Thiếu nhân lực",
    ]
    direction = after(lines, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ")
    assert direction == ["- Sở A: Nhân rộng mô hình trình diễn"]
    proposals = lines[lines.index("V. ĐỀ XUẤT, KIẾN NGHỊ") + 1 :][:2]
    assert proposals == [
        "- Sở A: Bổ sung kinh phí năm 2027",
        "- Sở B: Tập huấn cho cán bộ cấp huyện",
    ]
    recipients, signer = document.tables[1].rows[0].cells
    assert recipients.text.split("\n") == [
        "Nơi nhận:",
        "- UBND tỉnh Đắk Nông (b/c);",
        "- Lưu: VT, ….",
    ]
    assert signer.text.strip() == "GIÁM ĐỐC"


@pytest.mark.both_databases
def test_the_annex_is_the_consolidated_table_on_landscape_pages(world):
    document = docx.Document(io.BytesIO(draft(world).file.data))
    lines = texts(document)
    assert "PHỤ LỤC II" in lines
    assert "BẢNG TỔNG HỢP TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ" in lines
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == [
        "Stt",
        "Nhiệm vụ",
        "Thời gian thực hiện",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Cơ quan báo cáo",
        "Tình hình thực hiện",
        "Kết quả thực hiện",
    ]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page
    assert len(rows) == 1 + 7 + 1  # the agencies in each task's scope, then the duties
    assert rows[1] == [
        "1",
        "Nhiệm vụ một",
        "2026 - 2027",
        "Sở A",
        "Sở C",
        "Sở A (chủ trì)",
        "Đang triển khai (70%)",
        RESULTS_A1,
    ]
    # The second agency on task 1: the task's cells are merged with the row above.
    assert rows[2] == [
        "1",
        "Nhiệm vụ một",
        "2026 - 2027",
        "Sở A",
        "Sở C",
        "Sở C (phối hợp)",
        "Đã báo cáo",
        "Đang khảo sát nhu cầu",
    ]
    assert table.rows[2].cells[1]._tc is table.rows[1].cells[1]._tc
    assert rows[7][5:7] == ["Sở D (phối hợp)", "Chưa báo cáo"]
    assert rows[8][1] == "Nhiệm vụ theo chức năng (mục IV của Kế hoạch)"
    assert rows[8][5:] == ["Sở A", "", "Đã ban hành kế hoạch riêng của Sở"]


def test_secretariat_member_who_is_also_a_focal_point(world):
    """/report alone opens their own agency's report; with a period it drafts the report."""
    with transaction(world.make_session) as session:
        identity = session.exec(select(Identity).where(Identity.external_id == "u1")).one()
        session.add(
            Membership(
                person_id=identity.person_id,
                role=MemberRole.secretariat,
                created_at=world.clock.now(),
            )
        )
    own = world.dispatcher.handle(IncomingEvent("console", "u1", "u1", "/report"))
    assert own and all(r.file is None for r in own)
    say(world, "u1", "/cancel")
    assert draft(world, "/report 2026", user="u1").file.mime_type == DOCX
    assert draft(world, "/report docx", user="u1").file.file_name.endswith(".docx")


def test_a_focal_point_never_gets_the_draft(world):
    replies = world.dispatcher.handle(IncomingEvent("console", "u1", "u1", "/report 2026 docx"))
    assert all(r.file is None for r in replies)
    assert replies  # their own report, as before


def test_control_characters_in_an_answer_do_not_break_the_file(world):
    with transaction(world.make_session) as session:
        answer = next(
            a
            for a in session.exec(select(ReportAnswer).where(ReportAnswer.question == "results"))
            if a.value == RESULTS_A1
        )
        answer.value = "Kết quả\x01 có ký tự lạ\x1b"
        session.add(answer)
    document = docx.Document(io.BytesIO(draft(world).file.data))
    assert "Kết quả có ký tự lạ" in document.tables[-1].rows[1].cells[7].text
    book = draft(world, "/export").file.data  # the table too
    assert book[:2] == b"PK"


def test_unknown_words(world):
    text = say(world, "operator", "/report csv")
    assert "Không hiểu «csv»" in text and "/report [MÃ_KỲ] [docx]" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sở Khoa học và Công nghệ", "SKHCN"),
        ("Sở Y tế", "SYT"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
        ("Sở KH&CN", "SKC"),
    ],
)
def test_document_symbol(name, expected):
    assert abbreviation(name) == expected


# --- baocao report -------------------------------------------------------------------------


@pytest.fixture
def cli(world, monkeypatch):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", world.settings.database_url)
    yield main


def test_cli_writes_the_draft(cli, tmp_path, capsys):
    target = tmp_path / "du-thao.docx"
    assert cli(["report", "--period", "2026", "-o", str(target)]) == 0
    assert "Đã ghi dự thảo báo cáo kỳ 2026" in capsys.readouterr().out
    document = docx.Document(str(target))
    assert "I. TÌNH HÌNH CHUNG" in texts(document)
    assert cli(["report", "--period", "2026", "-o", str(tmp_path / "x.pdf")]) == 2
    assert cli(["report", "--period", "2030", "-o", str(tmp_path / "y.docx")]) == 1
