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
from storage.exports.questions import Asked, FormView, money_text, number_text
from storage.exports.table import scoped_rows, task_cell
from storage.models import PeriodKind
from storage.questionnaire import QuestionType, SectionKind
from storage.reports import TaskStatus
from storage.summary import (
    NOT_REPORTED,
    REPORTED,
    AgencyFacts,
    Answer,
    PeriodFacts,
    PeriodSummary,
    Standing,
    TaskFacts,
    summarize,
)

FONT = "Times New Roman"
ANNEX_STYLE = "Bảng phụ lục"
ANNEX_HEADERS = (
    ("Stt", 1.0),
    ("Nhiệm vụ", 4.6),
    ("Thời gian thực hiện", 2.2),
    ("Cơ quan chủ trì", 2.8),
    ("Cơ quan phối hợp", 2.8),
    ("Cơ quan báo cáo", 3.0),
    ("Tình hình thực hiện", 2.4),
    ("Kết quả thực hiện", 8.2),
)
MERGED_COLUMNS = 5  # Stt .. coordinating agencies: one merged cell per task
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
GENERAL, RESULTS, DIFFICULTIES, DIRECTION, PROPOSALS = (
    "TÌNH HÌNH CHUNG",
    "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
    "KHÓ KHĂN, VƯỚNG MẮC",
    "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI",
    "ĐỀ XUẤT, KIẾN NGHỊ",
)
# Questions asked once per report that have their own section of the report, by id.
GATHERED = {
    "difficulties": (DIFFICULTIES, "Các cơ quan, đơn vị không báo cáo khó khăn, vướng mắc."),
    "next_year": (DIRECTION, "Các cơ quan, đơn vị chưa nêu phương hướng năm tới."),
    "proposals": (PROPOSALS, "Các cơ quan, đơn vị không có đề xuất, kiến nghị."),
}
# Task questions shown in the status cell, not among the results.
STATUS_PARTS = frozenset({"status", "percent"})


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


def status_text(view: FormView, answer: Answer | None, *, brackets: bool = True) -> str:
    """'Đang triển khai (70%)' in the annex; 'Đang triển khai 70%' inside a sentence's
    brackets; 'Đã báo cáo' for an answer without a status."""
    if answer is None:
        return view.status_text(NOT_REPORTED)
    text = view.status_text(answer.status or REPORTED)
    if answer.percent is not None and answer.status != TaskStatus.not_applicable:
        text += f" ({answer.percent}%)" if brackets else f" {answer.percent}%"
    return text


def answer_text(view: FormView, answer: Answer, *, separator: str = "; ") -> str:
    """A task answer's results in words, in form order: the results as typed, the reason it
    does not apply, then any other question as 'Label: value'."""
    parts = []
    for asked in view.task_details:
        value = answer.values.get(asked.id)
        if asked.id in STATUS_PARTS or value is None or value == "" or value == []:
            continue
        if asked.id == "results":
            parts.append(str(value))
        elif asked.id == "na_reason":
            parts.append(labels.NA_REASON.format(reason=value))
        else:
            parts.append(f"{asked.label}: {asked.text(value)}")
    return separator.join(parts)


def once_text(
    askeds: list[Asked], answer: Answer, *, separator: str = "; ", labelled: bool = False
) -> str:
    """Answers asked once, as 'Label: value' (a lone text as it was typed, unless
    `labelled`)."""
    given = [(asked, answer.values[asked.id]) for asked in askeds if answer.values.get(asked.id)]
    lone = len(given) == 1 and given[0][0].type in {QuestionType.text, QuestionType.long_text}
    if lone and not labelled:
        return given[0][0].text(given[0][1])
    return separator.join(f"{asked.label}: {asked.text(value)}" for asked, value in given)


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


def section_titles(view: FormView) -> list[str]:
    """'I. TÌNH HÌNH CHUNG', ...: next year's direction only when the form asks it."""
    wanted = [GENERAL, RESULTS, DIFFICULTIES]
    if view.once_asked("next_year") is not None:
        wanted.append(DIRECTION)
    wanted.append(PROPOSALS)
    return [f"{ROMAN[i]}. {title}" for i, title in enumerate(wanted)]


def _general(
    document: DocumentObject, out: _Prepared, summary: PeriodSummary, view: FormView, title: str
) -> None:
    counts = summary.counts
    due = summary.facts.period.due_on
    document.add_heading(title, level=1)
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
    for sentence in totals(summary.facts, view):
        out.body(sentence)


COUNTED = frozenset({QuestionType.integer, QuestionType.decimal})


def _sums(
    askeds: list[Asked], general: list[tuple[AgencyFacts, Answer]]
) -> tuple[list[tuple[Asked, float]], int]:
    """Each question's total over the agencies' answers (those above zero), and how many
    agencies gave one."""
    found: list[tuple[Asked, float]] = []
    reporting: set[int] = set()
    for asked in askeds:
        total: float = 0
        for agency, answer in general:
            value = answer.values.get(asked.id)
            if isinstance(value, int | float) and not isinstance(value, bool):
                total += value
                reporting.add(agency.id)
        if total:
            found.append((asked, total))
    return found, len(reporting)


def totals(facts: PeriodFacts, view: FormView) -> list[str]:
    """Funding by source (the money questions) and measurable outputs (the counts), summed
    over the agencies' reports."""
    general = facts.general_answers()
    sentences = []
    money = [a for a in view.once if a.type == QuestionType.money]
    if money:
        sums, agencies = _sums(money, general)
        if sums:
            parts = "; ".join(f"{asked.source}: {money_text(total)}" for asked, total in sums)
            grand = money_text(sum(total for _, total in sums))
            sentences.append(
                f"Kinh phí thực hiện Kế hoạch do {agencies} cơ quan, đơn vị báo cáo: "
                f"tổng cộng {grand}, gồm: {parts}."
            )
        else:
            sentences.append("Chưa có cơ quan, đơn vị nào báo cáo kinh phí thực hiện.")
    sums, _ = _sums([a for a in view.once if a.type in COUNTED], general)
    if sums:
        parts = "; ".join(
            f"{asked.source}: {number_text(total)} {asked.question.text('unit', 'vi')}".strip()
            for asked, total in sums
        )
        sentences.append(f"Kết quả cụ thể do các cơ quan, đơn vị báo cáo: {parts}.")
    return sentences


def tally_text(view: FormView, counts: dict[str, int], average: float | None) -> str:
    """'1 đã hoàn thành, 2 đang triển khai (tỷ lệ hoàn thành bình quân 65%)'; '' when no
    status was given."""
    parts = []
    for status in (
        TaskStatus.completed,
        TaskStatus.in_progress,
        TaskStatus.not_started,
        TaskStatus.not_applicable,
    ):
        count = counts.get(status, 0)
        if count:
            parts.append(f"{count} {view.status_text(status).lower()}")
    text = ", ".join(parts)
    if text and average is not None:
        text += f" (tỷ lệ hoàn thành bình quân {percent_text(average)})"
    return text


def _role_sentences(view: FormView, line: Any, rows: list[Any]) -> str:
    """'Cơ quan chủ trì (1/1 đã báo cáo): 1 đang triển khai. ... Chưa báo cáo: Sở D.'"""
    sentences = []
    for role, who, tally in (
        ("lead", "Cơ quan chủ trì", line.lead),
        ("coordinating", "Cơ quan phối hợp", line.coordinating),
    ):
        answers = [answer for _agency, r, answer in rows if r == role]
        if not answers:
            continue
        reported = sum(answer is not None for answer in answers)
        text = f"{who} ({reported}/{len(answers)} đã báo cáo)"
        words = tally_text(view, tally.counts, tally.average_percent)
        if words:
            text += f": {words}"
        elif not reported:
            text += ": chưa có báo cáo"
        sentences.append(text + ".")
    silent = [agency for agency, _role, answer in rows if answer is None]
    if silent:
        sentences.append(f"Chưa báo cáo: {names(silent)}.")
    return " ".join(sentences)


def _task_block(
    document: DocumentObject, out: _Prepared, facts: PeriodFacts, view: FormView, line: Any
) -> None:
    task: TaskFacts = line.task
    details = [f"Thời gian thực hiện: {task.timeframe}"] if task.timeframe else []
    if task.lead_names:
        details.append(f"cơ quan chủ trì: {'; '.join(task.lead_names)}")
    if task.coordinating_names:
        details.append(f"cơ quan phối hợp: {'; '.join(task.coordinating_names)}")
    if details:
        out.body("; ".join(details) + ".", italic=True)
    rows = scoped_rows(facts, task)
    sentence = _role_sentences(view, line, rows)
    if sentence:
        out.body(sentence)
    for agency, role, answer in rows:
        if answer is None or not agency.has_report:
            continue
        text = answer_text(view, answer)
        if text:
            about = [labels.ROLE.get(role, role).lower()]
            if answer.status:
                about.append(status_text(view, answer, brackets=False).lower())
            out.quote(f"{agency.name} ({', '.join(about)})", text)


def duties_questions(view: FormView) -> list[Asked]:
    return [a for a in view.once if a.section.kind == SectionKind.duties]


def other_questions(view: FormView) -> list[Asked]:
    """Questions asked once that no other part of the report shows: not gathered into a
    section of their own, not summed, not the choice that opens a summed question."""
    summed = [a for a in view.once if a.type == QuestionType.money or a.type in COUNTED]
    pickers = {
        a.question.condition.tree[1]
        for a in summed
        if a.question.condition is not None and a.question.condition.tree[0] == "selected"
    }
    return [
        a
        for a in view.once
        if a.section.kind == SectionKind.agency
        and a.id not in GATHERED
        and a not in summed
        and a.id not in pickers
    ]


def _once_block(
    document: DocumentObject,
    out: _Prepared,
    facts: PeriodFacts,
    title: str,
    askeds: list[Asked],
    *,
    labelled: bool = False,
) -> None:
    entries = [
        (agency.name, text)
        for agency, answer in facts.general_answers()
        if (text := once_text(askeds, answer, labelled=labelled))
    ]
    if entries:
        document.add_heading(title, level=2)
        for who, text in entries:
            out.quote(who, text)


def _results(
    document: DocumentObject, out: _Prepared, summary: PeriodSummary, view: FormView, title: str
) -> None:
    facts = summary.facts
    document.add_heading(title, level=1)
    lines = [line for line in summary.tasks if scoped_rows(facts, line.task)]
    for number, line in enumerate(lines, start=1):
        document.add_heading(strip_illegal(f"{number}. {line.task.title}"), level=2)
        _task_block(document, out, facts, view, line)
    number = len(lines) + 1
    duties = f"{number}. Các nhiệm vụ theo chức năng, nhiệm vụ được giao (mục IV của Kế hoạch)"
    _once_block(document, out, facts, duties, duties_questions(view))
    shown = any(once_text(duties_questions(view), a) for _, a in facts.general_answers())
    other = "Nội dung báo cáo khác" if lines else "Nội dung báo cáo"
    title = f"{number + shown}. {other}"
    _once_block(document, out, facts, title, other_questions(view), labelled=bool(lines))


def gathered(facts: PeriodFacts, question: str) -> list[tuple[str, str]]:
    """(who, text) for every non-empty answer to `question`, one entry per agency and
    distinct text; one given on tasks (a former form asked per task) names the tasks, so
    identical complaints on several tasks are said once."""
    numbers = {t.id: t.number for t in facts.tasks}
    found: dict[tuple[int, str], list[int]] = {}
    for (agency_id, task_id), answer in facts.answers.items():
        text = answer.text(question).strip()
        if text and agency_id in facts.agencies:
            places = found.setdefault((agency_id, text), [])
            if task_id in numbers:
                places.append(numbers[task_id])
    out = []
    for (agency_id, text), tasks in sorted(found.items()):
        who = facts.agencies[agency_id].name
        if tasks:
            who += " (nhiệm vụ " + ", ".join(str(n) for n in sorted(tasks)) + ")"
        out.append((who, text))
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


def _annex_rows(facts: PeriodFacts, view: FormView) -> list[tuple[bool, list[str]]]:
    """(first row of its task, cell texts) in table order: the agencies in each task's scope,
    then the agencies' own duties (section IV)."""
    rows: list[tuple[bool, list[str]]] = []
    for task in facts.tasks:
        head = [
            str(task.number),
            task.title,
            task.timeframe,
            "; ".join(task.lead_names),
            "; ".join(task.coordinating_names),
        ]
        for index, (agency, role, answer) in enumerate(scoped_rows(facts, task)):
            rows.append((index == 0, head + _annex_answer(view, agency, role, answer)))
    head = ["", labels.GENERAL_TASK, "", "", ""]
    duties = duties_questions(view)
    general = [
        (agency, text)
        for agency, answer in facts.general_answers()
        if (text := once_text(duties, answer, separator="\n"))
    ]
    for index, (agency, text) in enumerate(general):
        rows.append((index == 0, [*head, agency.name, "", text]))
    return rows


def _annex_answer(
    view: FormView, agency: AgencyFacts, role: str, answer: Answer | None
) -> list[str]:
    who = f"{agency.name} ({labels.ROLE[role].lower()})" if role in labels.ROLE else agency.name
    if task_cell(answer, agency) == NOT_REPORTED or answer is None:
        return [who, view.status_text(NOT_REPORTED), ""]
    return [who, status_text(view, answer), answer_text(view, answer, separator="\n")]


def _annex(document: DocumentObject, facts: PeriodFacts, view: FormView, heading: Heading) -> None:
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
    for starts, texts in _annex_rows(facts, view):
        row = copy.deepcopy(first if starts else below)
        cells = list(row.iter(qn("w:t")))
        for index in range(0 if starts else MERGED_COLUMNS, len(texts)):
            _set_text(cells[index], texts[index])
        tbl.append(row)


# --- the document ----------------------------------------------------------------------------


def build_document(facts: PeriodFacts, view: FormView) -> DocumentObject:
    """The report of one period; `facts` loaded with their text (`with_text=True`), `view`
    the period's questions (`storage.exports.questions.load_view`)."""
    summary = summarize(facts)
    heading = heading_for(facts)
    titles = iter(section_titles(view))
    document = Document()
    _styles(document)
    _page(document.sections[0], landscape=False)
    _header(document, heading, facts.today.year)
    out = _Prepared(document)
    _title(document, out, facts, heading)
    _general(document, out, summary, view, next(titles))
    _results(document, out, summary, view, next(titles))
    for question, (_, none) in GATHERED.items():
        if question == "next_year" and view.once_asked(question) is None:
            continue
        _listing(document, out, next(titles), gathered(facts, question), none)
    _closing(document, out, facts, heading)
    _annex(document, facts, view, heading)
    document.core_properties.title = f"Báo cáo tình hình thực hiện Kế hoạch {facts.plan.code}"
    document.core_properties.author = heading.issuer_name
    return document


def write_docx(facts: PeriodFacts, view: FormView, stream: IO[bytes]) -> None:
    build_document(facts, view).save(stream)


def docx_bytes(facts: PeriodFacts, view: FormView) -> bytes:
    buffer = io.BytesIO()
    write_docx(facts, view, buffer)
    return buffer.getvalue()
