"""Builds the bundled Word template of the draft report (`templates/bao-cao-nd30.docx`) in the
layout of Decree 30/2020/NĐ-CP. Run once after changing it, and commit the result:

    .venv/bin/python -m storage.exports.report_template_build

The template is data the secretariat owns (BAOCAO_REPORT_TEMPLATE points at its own copy);
this script only makes the bundled one reproducible. The placeholders are docxtpl's Jinja tags
(`{{ x }}`, `{%p for %}` paragraphs, `{%tr for %}` table rows); `report_context` fills them.
Each tag sits in a run of its own, so Word's run splitting cannot break it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATE = Path(__file__).with_name("templates") / "bao-cao-nd30.docx"
FONT = "Times New Roman"
BODY_PT = 14
# Header table: the motto at 13 pt bold is about 95 mm wide and the issuing agency at 12 pt
# about 65 mm, so the two columns (17 cm) run 2.5 mm into each side margin, as printed
# Decree 30 forms do, rather than wrap the motto.
HEADER_COLUMNS = (Cm(6.9), Cm(10.1))
HEADER_INDENT = Cm(-0.25)
NO_INDENT = Cm(0)
# The annex (landscape, 297 - 20 - 15 mm = 26.2 cm of text): narrow columns for numbers and
# statuses, the widest for the results.
ANNEX_COLUMNS = (
    ("Stt", Cm(1.0)),
    ("Nhiệm vụ", Cm(4.8)),
    ("Thời gian thực hiện", Cm(2.0)),
    ("Cơ quan chủ trì", Cm(2.6)),
    ("Cơ quan phối hợp", Cm(2.8)),
    ("Cơ quan báo cáo", Cm(3.2)),
    ("Tình hình thực hiện", Cm(2.4)),
    ("Kết quả thực hiện", Cm(7.4)),
)


# --- formatting helpers ----------------------------------------------------------------------


def _fonts(rpr: Any) -> None:
    """Times New Roman for every script, with no theme font overriding it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # The document defaults too, so text outside any style (table cells) is not Calibri.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for level in ("Heading 1", "Heading 2"):
        style = document.styles[level]
        style.font.size, style.font.bold, style.font.italic = Pt(BODY_PT), True, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr())
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.first_line_indent = Cm(1)
        style.paragraph_format.keep_with_next = True


def _page(section: Any, *, landscape: bool) -> None:
    """A4; margins within Decree 30's ranges (top and bottom 20-25 mm, left 30-35 mm, right
    15-20 mm; the annex turned a quarter)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = (Mm(20), Mm(15)) if landscape else (Mm(30), Mm(15))
    section.header_distance = Mm(10)


def _paragraph(
    where: Any,
    *parts: tuple[str, str],
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    size: float | None = None,
    indent: Length | None = NO_INDENT,
    after: float = 0,
    reuse: bool = False,
) -> Paragraph:
    """A paragraph of runs given as (text, style letters: b bold, i italic)."""
    paragraph = where.paragraphs[0] if reuse else where.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = indent
    paragraph.paragraph_format.space_after = Pt(after)
    for text, style in parts:
        run = paragraph.add_run(text)
        run.bold = "b" in style or None
        run.italic = "i" in style or None
        if size is not None:
            run.font.size = Pt(size)
    return paragraph


def _rule(where: Any, width: Length, column: Length) -> Paragraph:
    """A drawn line `width` long, centred in a `column`: the bottom border of an empty
    paragraph indented from both sides (not a row of dash characters)."""
    paragraph = _paragraph(where, size=2)
    side = Length((column - width) // 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_after = Pt(4)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # pBdr comes before spacing and indentation in CT_PPr's sequence.
    spacing = ppr.find(qn("w:spacing"))
    (spacing if spacing is not None else ppr.find(qn("w:ind"))).addprevious(borders)
    run_pr = paragraph.add_run("").font
    run_pr.size = Pt(2)
    return paragraph


def _table(document: DocumentObject, rows: int, widths: tuple[Length, ...]) -> Table:
    """A table with a fixed grid, so Word and LibreOffice keep the widths as set."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    return table


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _indent(table: Table, by: Length) -> None:
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(by.twips))
    ind.set(qn("w:type"), "dxa")
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    layout.addprevious(ind)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE): begin, instruction, separator, a shown value, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2")):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text is not None and text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif text is not None:
            run.text = text
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def _tag(where: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag (`{%p ... %}`): it is removed on
    rendering, so its formatting does not matter."""
    where.add_paragraph().add_run(tag)


def _item(
    where: Any, loop: str, lead: str, text: str, *, dash: bool = True, size: float | None = None
) -> None:
    """'- <b>who</b>: text' repeated for each item of a list."""
    _tag(where, f"{{%p for item in {loop} %}}")
    parts = [("- ", "")] if dash else []
    parts += [(f"{{{{ {lead} }}}}", "b"), (": ", ""), (f"{{{{ {text} }}}}", "")]
    paragraph = _paragraph(
        where, *parts, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Cm(1), after=6, size=size
    )
    paragraph.paragraph_format.first_line_indent = Cm(1)
    _tag(where, "{%p endfor %}")


def _body(where: Any, text: str, style: str = "") -> Paragraph:
    return _paragraph(where, (text, style), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Cm(1), after=6)


def _sentences(where: Any, loop: str) -> None:
    _tag(where, f"{{%p for sentence in {loop} %}}")
    _body(where, "{{ sentence }}")
    _tag(where, "{%p endfor %}")


# --- the parts -------------------------------------------------------------------------------


def _header(document: DocumentObject) -> None:
    table = _table(document, 2, HEADER_COLUMNS)
    _no_borders(table)
    _indent(table, HEADER_INDENT)
    (left, right), (number, date) = (row.cells for row in table.rows)
    left_w, right_w = HEADER_COLUMNS
    _paragraph(left, ("{{ superior }}", ""), size=12, reuse=True)
    _paragraph(left, ("{{ agency }}", "b"), size=12)
    _rule(left, Cm(2.2), left_w)
    _paragraph(right, ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b"), size=13, reuse=True)
    _paragraph(right, ("Độc lập - Tự do - Hạnh phúc", "b"), size=14)
    _rule(right, Cm(5.8), right_w)
    # The number and the place-date in one row, so they stand on the same line.
    _paragraph(number, ("Số: …/{{ symbol }}", ""), size=13, reuse=True)
    _paragraph(date, ("{{ place_date }}", "i"), size=14, reuse=True)


def _title(document: DocumentObject) -> None:
    _paragraph(document, ("", ""), after=6)
    _paragraph(document, ("BÁO CÁO", "b"))
    _paragraph(document, ("{{ title }}", "b"))
    _paragraph(document, ("{{ period }}", "b"))
    _rule(document, Cm(4), Mm(165))
    _paragraph(document, ("Kính gửi: {{ recipient }}.", ""), after=12)
    _body(document, "{{ opening }}")


def _sections(document: DocumentObject) -> None:
    document.add_heading("{{ sections.general }}", level=1)
    _sentences(document, "general")
    _sentences(document, "funding")

    document.add_heading("{{ sections.results }}", level=1)
    _tag(document, "{%p for task in tasks %}")
    document.add_heading("{{ task.heading }}", level=2)
    _tag(document, "{%p if task.details %}")
    _body(document, "{{ task.details }}", "i")
    _tag(document, "{%p endif %}")
    _body(document, "{{ task.synthesis }}")
    _tag(document, "{%p endfor %}")
    for part in ("duties", "other"):
        _tag(document, f"{{%p if {part}.entries %}}")
        document.add_heading(f"{{{{ {part}.heading }}}}", level=2)
        _item(document, f"{part}.entries", "item.who", "item.text")
        _tag(document, "{%p endif %}")

    for part in ("difficulties", "direction", "proposals"):
        _tag(document, f"{{%p if {part}.heading %}}")
        document.add_heading(f"{{{{ {part}.heading }}}}", level=1)
        _tag(document, f"{{%p if not {part}.entries %}}")
        _body(document, f"{{{{ {part}.none }}}}")
        _tag(document, "{%p endif %}")
        _item(document, f"{part}.entries", "item.who", "item.text")
        _tag(document, "{%p endif %}")
    # The closing sentence stays on the page of the signature it introduces.
    _body(document, "{{ closing }}").paragraph_format.keep_with_next = True


def _signature(document: DocumentObject) -> None:
    widths = (Cm(8.0), Cm(8.5))
    table = _table(document, 1, widths)
    _no_borders(table)
    # One block: a signature split over two pages leaves the signer's name alone on a page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph(left, ("Nơi nhận:", "bi"), size=12, align=left_align, reuse=True)
    _tag(left, "{%p for line in recipients %}")
    _paragraph(left, ("- {{ line }}", ""), size=11, align=left_align)
    _tag(left, "{%p endfor %}")
    _paragraph(left, ("- Lưu: VT, {{ unit }}.", ""), size=11, align=left_align)
    # "KT. GIÁM ĐỐC" above "PHÓ GIÁM ĐỐC" when a deputy signs for the director.
    _tag(right, "{%p if signer.on_behalf %}")
    _paragraph(right, ("{{ signer.on_behalf }}", "b"), size=14)
    _tag(right, "{%p endif %}")
    _paragraph(right, ("{{ signer.title }}", "b"), size=14)
    for _ in range(4):  # room to sign and stamp
        _paragraph(right, ("", ""), size=14)
    _paragraph(right, ("{{ signer.name }}", "b"), size=14)
    # python-docx gives a new cell an empty first paragraph; the tags above replaced its use.
    first = right.paragraphs[0]
    if not first.text:
        first._p.getparent().remove(first._p)


def _page_numbers(document: DocumentObject) -> None:
    """The page number centred at the top from page 2 (a PAGE field in the header; the first
    page has its own, empty header)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE")
    for run in paragraph.runs:
        run.font.size = Pt(13)
    section.first_page_header.is_linked_to_previous = False


def _appendix(document: DocumentObject) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    # add_section copies the portrait section's settings: the appendices' first page is not
    # the report's first page, so it carries its number.
    section.different_first_page_header_footer = False
    # The paragraph that ends the portrait section: as small as can be, so it never spills
    # onto a page of its own after the signature.
    end = document.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
    closing = Paragraph(end, document._body)
    closing.paragraph_format.space_after = Pt(0)
    closing.paragraph_format.line_spacing = Pt(1)
    closing.add_run("").font.size = Pt(1)
    _paragraph(document, ("PHỤ LỤC I", "b"))
    _paragraph(document, ("TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ", "b"))
    _paragraph(document, ("(Kèm theo Báo cáo số …/{{ symbol }} của {{ agency_name }})", "i"))
    _rule(document, Cm(4), Mm(262))
    _tag(document, "{%p for group in standing %}")
    _body(document, "{{ group.label }} ({{ group.count }}): {{ group.names }}.")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not standing %}")
    _body(document, "Tất cả cơ quan, đơn vị đã gửi báo cáo đúng hạn.")
    _tag(document, "{%p endif %}")

    title = _paragraph(document, ("PHỤ LỤC II", "b"))
    title.paragraph_format.page_break_before = True
    _paragraph(document, ("BẢNG TỔNG HỢP TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ", "b"))
    _paragraph(document, ("(Kèm theo Báo cáo số …/{{ symbol }} của {{ agency_name }})", "i"))
    _rule(document, Cm(4), Mm(262))
    _paragraph(document, ("", ""))
    _annex_table(document)


def _cell(cell: _Cell, *parts: tuple[str, str], center: bool = False) -> None:
    paragraph = _paragraph(
        cell,
        *parts,
        size=11,
        align=WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT,
        reuse=True,
    )
    paragraph.paragraph_format.line_spacing = 1.0


def _annex_table(document: DocumentObject) -> None:
    widths = tuple(width for _, width in ANNEX_COLUMNS)
    # Rows: the header, then docxtpl's row tags around one row of cells per agency, the
    # task's cells merged down ({% vm %}) over its agencies.
    table = _table(document, 6, widths)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, outer, inner, row, inner_end, outer_end = table.rows
    for cell, (title, _) in zip(header.cells, ANNEX_COLUMNS, strict=True):
        _cell(cell, (title, "b"), center=True)
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on each page
    for tag_row, tag in (
        (outer, "{%tr for task in annex %}"),
        (inner, "{%tr for row in task.rows %}"),
        (inner_end, "{%tr endfor %}"),
        (outer_end, "{%tr endfor %}"),
    ):
        _cell(tag_row.cells[0], (tag, ""))
    cells = row.cells
    for index, field in enumerate(("number", "title", "timeframe", "lead", "coordinating")):
        _cell(cells[index], (f"{{{{ task.{field} }}}}{{% vm %}}", ""), center=index in (0, 2))
    _cell(cells[5], ("{{ row.who }}", ""))
    _cell(cells[6], ("{{ row.status }}", ""), center=True)
    _cell(cells[7], ("{{ row.results }}", ""))


def build() -> DocumentObject:
    document = Document()
    _styles(document)
    _page(document.sections[0], landscape=False)
    _page_numbers(document)
    _header(document)
    _title(document)
    _sections(document)
    _signature(document)
    _appendix(document)
    properties = document.core_properties
    properties.title = "{{ document_title }}"
    properties.author = "baocao"
    return document


def main() -> None:
    TEMPLATE.parent.mkdir(exist_ok=True)
    build().save(str(TEMPLATE))
    print(TEMPLATE)


if __name__ == "__main__":
    main()
