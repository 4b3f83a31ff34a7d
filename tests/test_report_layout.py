"""The draft report as an official document (issue 17): the bundled template's Decree 30 layout
read back with python-docx, the issuer and signer from the settings, agencies outside a task's
scope left out, and a template given by the setting checked at start."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt
from sqlmodel import select

from bot.app import report_options
from bot.settings import SettingsError, load_settings
from storage.exports.docx_report import BUNDLED, TemplateError, check_template, docx_bytes
from storage.exports.questions import load_view
from storage.exports.report_options import ReportOptions
from storage.exports.report_template_build import ANNEX_COLUMNS, HEADER_COLUMNS
from storage.models import ReportingPeriod
from storage.summary import load_period
from tests.secretariat_world import build_world

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def world(make_app, tmp_path):
    return build_world(make_app, tmp_path)


def facts_and_view(world):
    with world.make_session() as session:
        period = session.exec(select(ReportingPeriod).where(ReportingPeriod.key == "2026")).one()
        facts = load_period(session, period=period, today=world.clock.now().date(), with_text=True)
        return facts, load_view(session, periods=[period])


def mm(length) -> int:
    return round(length.mm)


def render(world, options: ReportOptions | None = None, facts=None) -> docx.document.Document:
    loaded, view = facts_and_view(world)
    return docx.Document(io.BytesIO(docx_bytes(facts or loaded, view, options=options)))


def test_page_margins_and_fonts(world):
    document = render(world)
    first, annex = document.sections[0], document.sections[-1]
    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)  # A4
    # Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
    assert 20 <= mm(first.top_margin) <= 25 and 20 <= mm(first.bottom_margin) <= 25
    assert 30 <= mm(first.left_margin) <= 35 and 15 <= mm(first.right_margin) <= 20
    assert (mm(annex.page_width), mm(annex.page_height)) == (297, 210)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    for name in ("Heading 1", "Heading 2"):
        assert document.styles[name].font.name == "Times New Roman"


def test_header_table_widths_keep_the_motto_on_one_line(world):
    header = render(world).tables[0]
    grid = [int(col.get(f"{W}w")) for col in header._tbl.tblGrid.findall(f"{W}gridCol")]
    assert grid == [width.twips for width in HEADER_COLUMNS]
    assert header._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    for row in header.rows:
        assert [cell.width.twips for cell in row.cells] == [w.twips for w in HEADER_COLUMNS]
    motto = header.rows[0].cells[1].paragraphs[0]
    assert motto.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    # 13 pt bold Times New Roman is about 95 mm wide: the column, less its margins, holds it.
    assert motto.runs[0].font.size == Pt(13) and HEADER_COLUMNS[1] - Mm(4) > Mm(95)
    # Drawn rules under the headings, not dash characters.
    rules = header._tbl.xpath(".//w:pBdr/w:bottom")
    assert len(rules) == 2 and "―" not in "".join(c.text for c in header.rows[0].cells)


def test_page_number_from_page_two(world):
    document = render(world)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    instructions = section.header._element.xpath(".//w:instrText/text()")
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    # The appendices' first page is not the document's: it carries its number.
    assert not document.sections[-1].different_first_page_header_footer


def test_signature_block_from_the_settings(world):
    options = ReportOptions(
        superior="UBND TỈNH LÂM ĐỒNG",
        place="Lâm Đồng",
        signer_name="Nguyễn Văn An",
        deputy=True,
        unit="QLKH",
    )
    document = render(world, options)
    header = document.tables[0]
    assert header.rows[0].cells[0].paragraphs[0].text == "UBND TỈNH LÂM ĐỒNG"
    assert header.rows[1].cells[1].text.startswith("Lâm Đồng, ngày … tháng … năm")
    recipients, signer = document.tables[1].rows[0].cells
    assert recipients.paragraphs[-1].text == "- Lưu: VT, QLKH."
    lines = [p.text for p in signer.paragraphs]
    assert lines[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert lines[-1] == "Nguyễn Văn An" and lines[2:-1] == [""] * (len(lines) - 3)
    assert len(lines) >= 6  # room to sign
    assert document.tables[1].rows[0]._tr.xpath("./w:trPr/w:cantSplit")  # one block


def test_late_and_missing_agencies_are_listed_once_in_appendix_one(world):
    lines = [p.text for p in render(world).paragraphs if p.text.strip()]
    start = lines.index("PHỤ LỤC I")
    assert lines[start + 3 : start + 6] == [
        "Gửi báo cáo trễ hạn (1): Sở B.",
        "Đã báo cáo, được đề nghị bổ sung nhưng chưa gửi lại (1): Sở C.",
        "Quá hạn, chưa gửi báo cáo (2): Sở Khoa học và Công nghệ; Sở D.",
    ]
    assert sum("Sở D" in line for line in lines if "cơ quan phối hợp" not in line) == 1


def test_agencies_outside_a_tasks_scope_are_left_out(world):
    facts, _view = facts_and_view(world)
    task = next(t for t in facts.tasks if t.number == 1)
    so_c = next(a.id for a in facts.agencies.values() if a.name == "Sở C")
    # Sở C answered task 1, then the scope changed and it is no longer expected on it.
    narrowed = dataclasses.replace(
        task, roles={k: v for k, v in task.roles.items() if k != so_c}
    )
    facts.tasks = [narrowed if t is task else t for t in facts.tasks]
    document = render(world, facts=facts)
    annex = [[c.text for c in row.cells] for row in document.tables[-1].rows]
    assert [row[5] for row in annex if row[0] == "1"] == ["Sở A (chủ trì)"]
    paragraphs = [p.text for p in document.paragraphs]
    task_one = paragraphs[paragraphs.index("1. Nhiệm vụ một") + 2]
    assert task_one.startswith("1/1 cơ quan, đơn vị được giao đã báo cáo (chủ trì: 1/1)")
    assert "Sở C" not in task_one


# --- a template of one's own (BAOCAO_REPORT_TEMPLATE) --------------------------------------


def test_the_bundled_template_passes_the_check():
    check_template(BUNDLED)


def test_a_template_given_by_the_setting_renders(world, tmp_path):
    own = tmp_path / "mau.docx"
    source = docx.Document(str(BUNDLED))
    source.paragraphs[0].insert_paragraph_before("MẪU RIÊNG CỦA SỞ")
    source.save(str(own))
    assert load_settings(report_template=str(own)).report_template == own
    facts, view = facts_and_view(world)
    data = docx_bytes(facts, view, template=own)
    assert "MẪU RIÊNG CỦA SỞ" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _without(path: Path, target: Path, placeholder: str, instead: str = "{{ renamed }}") -> Path:
    """A copy of the bundled template with one placeholder's tag replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(placeholder.encode(), instead.encode())
            out.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: _without(BUNDLED, d / "a.docx", "{{ signer.title }}"), "{{ renamed }}"),
        (lambda d: _blank(d / "b.docx"), "missing placeholder {{ title }}"),
        (lambda d: _text(d / "c.docx", b"not a word file"), "is not a .docx file"),
        (lambda d: d / "none.docx", "no template file"),
    ],
)
def test_a_broken_or_foreign_template_is_refused_at_start(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(SettingsError) as caught:
        load_settings(report_template=str(path))
    message = str(caught.value)
    assert "BAOCAO_REPORT_TEMPLATE" in message and expected in message
    assert "\n" not in message  # one line


def test_the_check_names_a_missing_placeholder(tmp_path):
    with pytest.raises(TemplateError, match=r"missing placeholder \{\{ annex \}\}"):
        check_template(
            _without(BUNDLED, tmp_path / "x.docx", " in annex ", " in rows_of_another_form ")
        )


def _blank(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Công văn không có chỗ điền")
    document.save(str(path))
    return path


def _text(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_annex_columns_fit_their_content(world):
    annex = render(world).tables[-1]
    grid = [int(col.get(f"{W}w")) for col in annex._tbl.tblGrid.findall(f"{W}gridCol")]
    assert grid == [width.twips for _, width in ANNEX_COLUMNS]
    stt, results = grid[0], grid[-1]
    assert stt == min(grid) and results == max(grid) and results > 5 * stt
    # The grid fits the landscape page between its margins (297 - 20 - 15 mm).
    assert sum(grid) <= Mm(262).twips


def test_the_settings_name_the_signer():
    settings = load_settings(
        report_issuer="UBND TỈNH LÂM ĐỒNG",
        report_signer_name=" Nguyễn Văn An ",
        report_deputy="true",
        report_unit="QLKH",
    )
    assert report_options(settings) == ReportOptions(
        superior="UBND TỈNH LÂM ĐỒNG", signer_name="Nguyễn Văn An", deputy=True, unit="QLKH"
    )
    assert report_options(load_settings()) == ReportOptions()
