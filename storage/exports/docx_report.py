"""The secretariat's draft report to the Provincial People's Committee, as a DOCX file in the
usual Vietnamese administrative layout (Decree 30/2020/NĐ-CP): the issuing body and the national
motto side by side, the number and place-date lines, the title, sections I-IV filled from the
submissions, the closing, the signature block, and the consolidated table as an annex on
landscape pages. Blanks ("…") are left where the secretariat fills in the number and date.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table

from storage.exports import labels
from storage.exports.cells import strip_illegal
from storage.exports.table import results_text
from storage.models import PeriodKind
from storage.reports import TaskStatus
from storage.summary import (
    AgencyFacts,
    Answer,
    PeriodFacts,
    PeriodSummary,
    RoleTally,
    Standing,
    summarize,
)

FONT = "Times New Roman"
ANNEX_STYLE = "Bảng phụ lục"
ANNEX_HEADERS = (
    ("Stt", 1.0),
    ("Nhiệm vụ", 4.2),
    ("Thời gian thực hiện", 2.0),
    ("Cơ quan chủ trì", 2.6),
    ("Cơ quan phối hợp", 2.6),
    ("Cơ quan báo cáo", 2.6),
    ("Tình hình thực hiện", 2.2),
    ("Kết quả thực hiện", 4.6),
    ("Khó khăn, vướng mắc", 2.6),
    ("Đề xuất, kiến nghị", 2.6),
)
MERGED_COLUMNS = 5  # Stt .. coordinating agencies: one merged cell per task
SECTION_TITLES = (
    "I. TÌNH HÌNH CHUNG",
    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
    "III. KHÓ KHĂN, VƯỚNG MẮC",
    "IV. ĐỀ XUẤT, KIẾN NGHỊ",
)


# --- who issues the report, derived from the plan ------------------------------------------


@dataclass(frozen=True)
class Heading:
    superior: str  # "UBND TỈNH ĐẮK NÔNG"
    issuer: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    issuer_name: str  # "Sở Khoa học và Công nghệ"
    symbol: str  # "BC-SKHCN"
    place: str  # "Đắk Nông"
    recipient: str  # "Ủy ban nhân dân tỉnh Đắk Nông"


_PEOPLES_COMMITTEE = re.compile(r"^(ủy|uỷ) ban nhân dân", re.IGNORECASE)
_PLACE = re.compile(r"(?:tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)


def abbreviation(name: str) -> str:
    """'Sở Khoa học và Công nghệ' -> 'SKHCN', as document symbols are formed."""
    words = [w for w in name.replace("&", " ").split() if w.lower() != "và"]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def heading_for(facts: PeriodFacts) -> Heading:
    issuer_name = facts.secretariat_name or "Sở Khoa học và Công nghệ"
    recipient = facts.plan.issuer or "Ủy ban nhân dân tỉnh"
    place = _PLACE.search(recipient)
    return Heading(
        superior=_PEOPLES_COMMITTEE.sub("UBND", recipient).upper(),
        issuer=issuer_name.upper(),
        issuer_name=issuer_name,
        symbol=f"BC-{abbreviation(issuer_name)}",
        place=place.group(1) if place else "",
        recipient=recipient,
    )


# --- words ---------------------------------------------------------------------------------


def percent_text(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%".replace(".", ",")


def tally_text(tally: RoleTally) -> str:
    """'1 đã hoàn thành, 2 đang thực hiện (bình quân 65%)'."""
    parts = []
    for status in (
        TaskStatus.completed,
        TaskStatus.in_progress,
        TaskStatus.not_started,
        TaskStatus.not_applicable,
    ):
        count = tally.counts.get(status, 0)
        if count:
            parts.append(f"{count} {labels.STATUS[status].lower()}")
    text = ", ".join(parts) or "chưa có báo cáo"
    if tally.average_percent is not None:
        text += f" (tỷ lệ hoàn thành bình quân {percent_text(tally.average_percent)})"
    return text


def status_text(answer: Answer | None, *, brackets: bool = True) -> str:
    """'Đang thực hiện (70%)' in the annex; 'Đang thực hiện 70%' inside a sentence's brackets."""
    if answer is None or not answer.status:
        return labels.STATUS["not_reported"]
    text = labels.STATUS.get(answer.status, answer.status)
    if answer.percent is not None and answer.status == TaskStatus.in_progress:
        text += f" ({answer.percent}%)" if brackets else f" {answer.percent}%"
    return text


def names(agencies: Iterable[AgencyFacts]) -> str:
    return "; ".join(a.name for a in agencies)


def period_phrase(facts: PeriodFacts) -> str:
    if facts.period.kind == PeriodKind.adhoc:
        return f"theo yêu cầu báo cáo đột xuất: {facts.period.title}"
    return f"năm {facts.period.key}"


# --- document building blocks ----------------------------------------------------------------


def _set_fonts(element: Any, name: str) -> None:
    """Times New Roman for Latin and complex scripts, with no theme font overriding it."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    _set_fonts(normal.element, FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in (("Heading 1", 14), ("Heading 2", 14)):
        style = document.styles[level]
        style.font.size, style.font.bold = Pt(size), True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element, FONT)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    annex = document.styles.add_style(ANNEX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    annex.base_style = normal
    annex.font.size = Pt(10)
    annex.paragraph_format.space_after = Pt(0)
    annex.paragraph_format.line_spacing = 1.0
    annex.paragraph_format.first_line_indent = Cm(0)


def _page(section: Any, *, landscape: bool) -> None:
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = (Mm(20), Mm(15)) if landscape else (Mm(30), Mm(15))


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _line(
    cell_or_document: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
) -> Any:
    paragraph = cell_or_document.paragraphs[0] if first else cell_or_document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    run = paragraph.add_run(strip_illegal(text))
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _set_text(t: Any, text: str) -> None:
    """The text of a prepared w:t, with a line break (w:br) for each new line."""
    lines = strip_illegal(text).split("\n")
    t.text = lines[0]
    t.set(_SPACE, "preserve")
    anchor = t
    for line in lines[1:]:
        br = OxmlElement("w:br")
        anchor.addnext(br)
        extra = OxmlElement("w:t")
        extra.text = line
        extra.set(_SPACE, "preserve")
        br.addnext(extra)
        anchor = extra


class _Prepared:
    """Body paragraphs as copies of prepared ones, placed before the section properties:
    python-docx's add_paragraph looks for that place by scanning the whole body on every
    call, which makes a long report quadratic."""

    def __init__(self, document: DocumentObject) -> None:
        self.end = document.element.body.sectPr
        self._plain = self._prepare(document, [(False, False)])
        self._italic = self._prepare(document, [(False, True)])
        self._quote = self._prepare(document, [(False, False), (True, False), (False, False)])

    @staticmethod
    def _prepare(document: DocumentObject, runs: list[tuple[bool, bool]]) -> Any:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        for bold, italic in runs:
            run = paragraph.add_run("x")
            run.bold, run.italic = bold or None, italic or None
        element = paragraph._p
        element.getparent().remove(element)
        return element

    def add(self, template: Any, *texts: str) -> None:
        paragraph = copy.deepcopy(template)
        for t, text in zip(paragraph.iter(qn("w:t")), texts, strict=True):
            _set_text(t, text)
        self.end.addprevious(paragraph)

    def body(self, text: str, *, italic: bool = False) -> None:
        self.add(self._italic if italic else self._plain, text)

    def quote(self, lead: str, text: str) -> None:
        """'- Sở A (chủ trì, đang thực hiện 70%): results', the agency in bold."""
        self.add(self._quote, "- ", lead, f": {text}")


# --- the parts -------------------------------------------------------------------------------


def _header(document: DocumentObject, heading: Heading, year: int) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _line(left, heading.superior, size=13, first=True)
    _line(left, heading.issuer, bold=True, size=13)
    _line(left, "―――――――", size=10)
    _line(left, f"Số: …/{heading.symbol}", size=13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, first=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _line(right, "―――――――――――――", size=10)
    place = f"{heading.place}, " if heading.place else ""
    _line(right, f"{place}ngày … tháng … năm {year}", italic=True, size=14)


def _title(document: DocumentObject, out: _Prepared, facts: PeriodFacts, heading: Heading) -> None:
    plan = facts.plan
    issued = plan.issued_on
    date_text = f" ngày {issued.day}/{issued.month}/{issued.year}" if issued else ""
    document.add_paragraph()
    _line(document, "BÁO CÁO", bold=True, size=14)
    _line(
        document,
        f"Tình hình thực hiện Kế hoạch số {plan.code}{date_text} của {heading.recipient}",
        bold=True,
    )
    _line(document, f"({period_phrase(facts)})", bold=True)
    _line(document, "―――――――", size=10)
    document.add_paragraph()
    _line(document, f"Kính gửi: {heading.recipient}.")
    document.add_paragraph()
    topic = plan.title[:1].lower() + plan.title[1:] if plan.title else ""
    out.body(
        f"Thực hiện Kế hoạch số {plan.code}{date_text} của {heading.recipient}"
        + (f" về {topic}" if topic else "")
        + f", {heading.issuer_name} báo cáo tình hình thực hiện {period_phrase(facts)} "
        "như sau:",
    )


def _general(document: DocumentObject, out: _Prepared, summary: PeriodSummary) -> None:
    counts = summary.counts
    due = summary.facts.period.due_on
    document.add_heading(SECTION_TITLES[0], level=1)
    out.body(
        f"Tổng số cơ quan, đơn vị phải báo cáo: {summary.total}; hạn gửi báo cáo: {due:%d/%m/%Y}.",
    )
    out.body(
        f"Đã gửi báo cáo: {summary.submitted}/{summary.total} cơ quan, đơn vị "
        f"(đúng hạn: {counts[Standing.on_time]}; trễ hạn: {counts[Standing.late]}).",
    )
    returned = [a for a in summary.facts.agencies.values() if a.standing == Standing.returned]
    if returned:
        out.body(
            f"Đã báo cáo nhưng được đề nghị bổ sung, chưa gửi lại: {len(returned)} "
            f"({names(returned)}).",
        )
    unsent = [
        a
        for a in summary.facts.agencies.values()
        if a.standing in (Standing.overdue, Standing.not_due)
    ]
    label = "Chưa gửi báo cáo" + (" (đã quá hạn)" if counts[Standing.overdue] else "")
    out.body(f"{label}: {len(unsent)}" + (f" ({names(unsent)})." if unsent else "."))


def _results(document: DocumentObject, out: _Prepared, summary: PeriodSummary) -> None:
    facts = summary.facts
    document.add_heading(SECTION_TITLES[1], level=1)
    for number, line in enumerate(summary.tasks, start=1):
        task = line.task
        document.add_heading(strip_illegal(f"{number}. {task.title}"), level=2)
        details = [f"Thời gian thực hiện: {task.timeframe}"] if task.timeframe else []
        if task.lead_names:
            details.append(f"cơ quan chủ trì: {'; '.join(task.lead_names)}")
        if task.coordinating_names:
            details.append(f"cơ quan phối hợp: {'; '.join(task.coordinating_names)}")
        if details:
            out.body("; ".join(details) + ".", italic=True)
        rows = facts.task_rows(task)
        silent = [agency for agency, _role, answer in rows if answer is None or not answer.status]
        sentence = " ".join(
            f"{who} ({tally.reported}/{tally.expected} đã báo cáo): {tally_text(tally)}."
            for who, tally in (
                ("Cơ quan chủ trì", line.lead),
                ("Cơ quan phối hợp", line.coordinating),
            )
            if tally.expected
        )
        if silent:
            sentence += f" Chưa báo cáo: {names(silent)}."
        if sentence.strip():
            out.body(sentence.strip())
        for agency, role, answer in rows:
            if answer is None or not answer.status:
                continue
            na = answer.status == TaskStatus.not_applicable
            text = answer.na_reason if na and answer.na_reason else answer.results
            if text:
                lead = f"{agency.name} ({labels.ROLE.get(role, role).lower()}, "
                lead += f"{status_text(answer, brackets=False).lower()})"
                out.quote(lead, text)
    general = [(a, answer) for a, answer in facts.general_answers() if answer.results]
    if general:
        document.add_heading(
            f"{len(summary.tasks) + 1}. Các nhiệm vụ theo chức năng, nhiệm vụ được giao "
            "(mục IV của Kế hoạch)",
            level=2,
        )
        for agency, answer in general:
            out.quote(agency.name, answer.results)


def _gathered(facts: PeriodFacts, field: str) -> list[tuple[str, str]]:
    """(who, text) for every non-empty `field`, one entry per agency and distinct text, with
    the tasks it concerns: identical complaints on several tasks are said once."""
    numbers = {t.id: t.number for t in facts.tasks}
    found: dict[tuple[int, str], list[str]] = {}
    for (agency_id, task_id), answer in facts.answers.items():
        text = getattr(answer, field).strip()
        if text and agency_id in facts.agencies:
            where = f"nhiệm vụ {numbers[task_id]}" if task_id in numbers else "phần chung"
            found.setdefault((agency_id, text), []).append(where)
    out = []
    for (agency_id, text), places in sorted(found.items()):
        tasks = sorted(p for p in places if p.startswith("nhiệm vụ"))
        parts = []
        if tasks:
            parts.append("nhiệm vụ " + ", ".join(p.removeprefix("nhiệm vụ ") for p in tasks))
        if "phần chung" in places:
            parts.append("phần chung")
        out.append((f"{facts.agencies[agency_id].name} ({'; '.join(parts)})", text))
    return out


def _listing(
    document: DocumentObject, out: _Prepared, title: str, items: list[tuple[str, str]], none: str
) -> None:
    document.add_heading(title, level=1)
    if not items:
        out.body(none)
    for who, text in items:
        out.quote(who, text)


def _closing(
    document: DocumentObject, out: _Prepared, facts: PeriodFacts, heading: Heading
) -> None:
    out.body(
        f"Trên đây là báo cáo tình hình thực hiện Kế hoạch số {facts.plan.code} "
        f"{period_phrase(facts)}, {heading.issuer_name} kính báo cáo {heading.recipient} "
        "xem xét, chỉ đạo./.",
    )
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    recipient = _PEOPLES_COMMITTEE.sub("UBND", heading.recipient)
    _line(
        left,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        first=True,
    )
    _line(left, f"- {recipient} (b/c);", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "GIÁM ĐỐC", bold=True, size=14, first=True)


# --- the annex -------------------------------------------------------------------------------


def _annex_rows(facts: PeriodFacts) -> list[tuple[bool, list[str]]]:
    """(first row of its task, cell texts) in table order."""
    rows: list[tuple[bool, list[str]]] = []
    for task in facts.tasks:
        head = [
            str(task.number),
            task.title,
            task.timeframe,
            "; ".join(task.lead_names),
            "; ".join(task.coordinating_names),
        ]
        for index, (agency, role, answer) in enumerate(facts.task_rows(task)):
            rows.append((index == 0, head + _annex_answer(agency, role, answer)))
    head = ["", labels.GENERAL_TASK, "", "", ""]
    for index, (agency, answer) in enumerate(facts.general_answers()):
        rows.append((index == 0, head + _annex_answer(agency, "", answer)))
    return rows


def _annex_answer(agency: AgencyFacts, role: str, answer: Answer | None) -> list[str]:
    who = f"{agency.name} ({labels.ROLE[role].lower()})" if role in labels.ROLE else agency.name
    if answer is None or not agency.has_report:
        return [who, labels.STATUS["not_reported"], "", "", ""]
    status = status_text(answer) if answer.status else ""
    return [who, status, results_text(answer), answer.difficulties, answer.proposals]


def _annex(document: DocumentObject, facts: PeriodFacts, heading: Heading) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    _line(document, "PHỤ LỤC", bold=True, first=False)
    _line(document, "BẢNG TỔNG HỢP TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ", bold=True)
    _line(
        document,
        f"(Kèm theo Báo cáo số …/{heading.symbol} ngày … tháng … năm … của {heading.issuer_name})",
        italic=True,
    )
    document.add_paragraph()
    table = document.add_table(rows=2, cols=len(ANNEX_HEADERS))
    table.style = document.styles["Table Grid"]
    header, template = table.rows
    for cells in (header.cells, template.cells):
        for cell, (_, width) in zip(cells, ANNEX_HEADERS, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0].style = document.styles[ANNEX_STYLE]
    for cell, (title, _) in zip(header.cells, ANNEX_HEADERS, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(title).bold = True
    for cell in template.cells:
        cell.paragraphs[0].add_run("x")
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    header._tr.get_or_add_trPr().append(repeat)
    # Rows are copies of two prepared rows (a task's first row, and the rows below it whose
    # task cells merge into it): python-docx's add_row and cell access cost milliseconds each,
    # which a 5,000-row annex cannot afford.
    tbl = table._tbl
    first = template._tr
    tbl.remove(first)
    below = copy.deepcopy(first)
    for index, (top, under) in enumerate(zip(first.tc_lst, below.tc_lst, strict=True)):
        if index < MERGED_COLUMNS:
            top.vMerge, under.vMerge = "restart", "continue"
    for t in list(below.iter(qn("w:t")))[:MERGED_COLUMNS]:
        t.text = ""
    for starts, texts in _annex_rows(facts):
        row = copy.deepcopy(first if starts else below)
        cells = list(row.iter(qn("w:t")))
        for index in range(0 if starts else MERGED_COLUMNS, len(texts)):
            _set_text(cells[index], texts[index])
        tbl.append(row)


# --- the document ----------------------------------------------------------------------------


def build_document(facts: PeriodFacts) -> DocumentObject:
    """The report of one period; `facts` loaded with their text (`with_text=True`)."""
    summary = summarize(facts)
    heading = heading_for(facts)
    document = Document()
    _styles(document)
    _page(document.sections[0], landscape=False)
    _header(document, heading, facts.today.year)
    out = _Prepared(document)
    _title(document, out, facts, heading)
    _general(document, out, summary)
    _results(document, out, summary)
    _listing(
        document,
        out,
        SECTION_TITLES[2],
        _gathered(facts, "difficulties"),
        "Các cơ quan, đơn vị không báo cáo khó khăn, vướng mắc.",
    )
    _listing(
        document,
        out,
        SECTION_TITLES[3],
        _gathered(facts, "proposals"),
        "Các cơ quan, đơn vị không có đề xuất, kiến nghị.",
    )
    _closing(document, out, facts, heading)
    _annex(document, facts, heading)
    document.core_properties.title = f"Báo cáo tình hình thực hiện Kế hoạch {facts.plan.code}"
    document.core_properties.author = heading.issuer_name
    return document


def write_docx(facts: PeriodFacts, stream: IO[bytes]) -> None:
    build_document(facts).save(stream)


def docx_bytes(facts: PeriodFacts) -> bytes:
    buffer = io.BytesIO()
    write_docx(facts, buffer)
    return buffer.getvalue()
