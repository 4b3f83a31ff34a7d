"""What the draft report says: the values the Word template's placeholders take. The content
logic lives here (a synthesis of the agencies' answers, read through the period's form); the
layout lives in the template (`report_template_build`, or the secretariat's own copy).

- Section I: how many agencies reported, funding totals by source, measurable outputs.
- Section II: one paragraph per task (how many of the agencies in its scope reported, their
  statuses, the key results with the agencies' names; "not applicable" answers and agencies
  outside the task's scope are left out), then the agencies' own duties.
- Difficulties, next year's direction and proposals, grouped by agency.
- Appendix I names late, returned and missing agencies, once; appendix II is the table of the
  agencies in each task's scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storage.exports import labels
from storage.exports.cells import strip_illegal
from storage.exports.questions import Asked, FormView, money_text, number_text
from storage.exports.report_options import ReportOptions
from storage.exports.table import task_cell
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

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
GENERAL, RESULTS, DIFFICULTIES, DIRECTION, PROPOSALS = (
    "TÌNH HÌNH CHUNG",
    "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
    "KHÓ KHĂN, VƯỚNG MẮC",
    "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI",
    "ĐỀ XUẤT, KIẾN NGHỊ",
)
# Questions asked once per report that have their own section, with what it says when empty.
GATHERED = {
    "difficulties": "Các cơ quan, đơn vị không báo cáo khó khăn, vướng mắc.",
    "next_year": "Các cơ quan, đơn vị chưa nêu phương hướng năm tới.",
    "proposals": "Các cơ quan, đơn vị không có đề xuất, kiến nghị.",
}
STATUS_PARTS = frozenset({"status", "percent"})  # shown in the status cell, not the results
COUNTED = frozenset({QuestionType.integer, QuestionType.decimal})
KEY_RESULT_CHARS = 240  # a key result in a task's paragraph; the annex has the full text
APPENDIX = "Phụ lục I"


# --- who issues the report -----------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    superior: str
    issuer: str
    issuer_name: str
    symbol: str
    place: str
    recipient: str  # who issued the plan (its title and opening cite it)
    addressee: str  # who the report goes to: the issuer, or the body that took its place


_PEOPLES_COMMITTEE = re.compile(r"^(ủy|uỷ) ban nhân dân", re.IGNORECASE)
_PLACE = re.compile(r"(?:tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)


def abbreviation(name: str) -> str:
    """'Sở Khoa học và Công nghệ' -> 'SKHCN', as document symbols are formed."""
    words = [w for w in name.replace("&", " ").split() if w.lower() != "và"]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def heading_for(facts: PeriodFacts, options: ReportOptions) -> Heading:
    issuer_name = facts.secretariat_name or "Sở Khoa học và Công nghệ"
    recipient = facts.plan.issuer or "Ủy ban nhân dân tỉnh"
    place = _PLACE.search(recipient)
    return Heading(
        superior=options.superior or _PEOPLES_COMMITTEE.sub("UBND", recipient).upper(),
        issuer=options.agency or issuer_name.upper(),
        issuer_name=issuer_name,
        symbol=f"BC-{abbreviation(issuer_name)}",
        place=options.place or (place.group(1) if place else ""),
        recipient=recipient,
        addressee=options.recipient or recipient,
    )


# --- words ---------------------------------------------------------------------------------


def names(agencies: Iterable[AgencyFacts]) -> str:
    return "; ".join(a.name for a in agencies)


def period_phrase(facts: PeriodFacts) -> str:
    if facts.period.kind == PeriodKind.adhoc:
        return f"theo yêu cầu báo cáo đột xuất: {facts.period.title}"
    return f"năm {facts.period.key}"


def status_text(view: FormView, answer: Answer | None, *, brackets: bool = True) -> str:
    """'Đang triển khai (70%)' in the annex; 'đang triển khai 70%' inside a sentence."""
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


def key_result(text: str) -> str:
    """The first sentence or two of a result, cut at a word under KEY_RESULT_CHARS."""
    text = " ".join(text.split()).rstrip(" .;")
    if len(text) <= KEY_RESULT_CHARS:
        return text
    cut = text[:KEY_RESULT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;.") + " …"


# --- section I -----------------------------------------------------------------------------


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


def general_sentences(summary: PeriodSummary) -> list[str]:
    """Counts only: the names are listed once, in appendix I."""
    counts = summary.counts
    due = summary.facts.period.due_on
    sentences = [
        f"Tổng số cơ quan, đơn vị phải báo cáo: {summary.total}; hạn gửi báo cáo: {due:%d/%m/%Y}.",
        f"Đã gửi báo cáo: {summary.submitted}/{summary.total} cơ quan, đơn vị "
        f"(đúng hạn: {counts[Standing.on_time]}; trễ hạn: {counts[Standing.late]}).",
    ]
    returned = counts[Standing.returned]
    if returned:
        sentences.append(f"Đã báo cáo nhưng được đề nghị bổ sung, chưa gửi lại: {returned}.")
    unsent = counts[Standing.overdue] + counts[Standing.not_due]
    if unsent:
        label = "Chưa gửi báo cáo" + (" (đã quá hạn)" if counts[Standing.overdue] else "")
        sentences.append(f"{label}: {unsent}.")
    if unsent or returned or counts[Standing.late]:
        sentences.append(f"Danh sách cơ quan, đơn vị trễ hạn, chưa gửi báo cáo tại {APPENDIX}.")
    return sentences


# --- section II: one paragraph per task ----------------------------------------------------


def in_scope(facts: PeriodFacts, task: TaskFacts) -> list[tuple[AgencyFacts, str, Answer | None]]:
    """The task's rows for agencies expected on it: an answer from an agency outside the
    task's scope (the scope changed after it answered) is left out. An ad-hoc request has no
    scope on tasks: its answers are its rows."""
    rows = facts.task_rows(task)
    if facts.period.kind != PeriodKind.periodic:
        return rows
    return [row for row in rows if row[0].id in task.roles]


def _reported(agency: AgencyFacts, answer: Answer | None) -> bool:
    return task_cell(answer, agency) != NOT_REPORTED


def tally_text(view: FormView, answers: list[Answer]) -> str:
    """'1 đã hoàn thành, 2 đang triển khai (tỷ lệ hoàn thành bình quân 65%)'; '' when no
    status was given. "Not applicable" is not counted: it says nothing about progress."""
    parts = []
    for status in (TaskStatus.completed, TaskStatus.in_progress, TaskStatus.not_started):
        count = sum(a.status == status for a in answers)
        if count:
            parts.append(f"{count} {view.status_text(status).lower()}")
    percents = [
        a.percent for a in answers if a.status == TaskStatus.in_progress and a.percent is not None
    ]
    text = ", ".join(parts)
    if text and percents:
        average = sum(percents) / len(percents)
        text += f" (tỷ lệ hoàn thành bình quân {average:.0f}%)"
    return text


def task_synthesis(view: FormView, rows: list[tuple[AgencyFacts, str, Answer | None]]) -> str:
    """'2/3 cơ quan được giao đã báo cáo (chủ trì: 1/1; phối hợp: 1/2): 1 đang triển khai
    (...). Kết quả chủ yếu: Sở A (chủ trì) ...; Sở C (phối hợp) ....'"""
    reported = [(a, role, ans) for a, role, ans in rows if _reported(a, ans) and ans is not None]
    by_role = []
    for role, word in (("lead", "chủ trì"), ("coordinating", "phối hợp")):
        expected = [row for row in rows if row[1] == role]
        if expected:
            done = sum(_reported(a, ans) for a, _, ans in expected)
            by_role.append(f"{word}: {done}/{len(expected)}")
    text = f"{len(reported)}/{len(rows)} cơ quan, đơn vị được giao đã báo cáo"
    if by_role:
        text += f" ({'; '.join(by_role)})"
    if not reported:
        return text + "."
    tally = tally_text(view, [ans for _, _, ans in reported])
    text += f": {tally}." if tally else "."
    results = []
    for agency, role, answer in reported:
        if answer.status == TaskStatus.not_applicable:
            continue  # not applicable: nothing done to report
        said = answer_text(view, answer)
        if not said:
            continue
        about = [labels.ROLE.get(role, role).lower()]
        if answer.status:
            about.append(status_text(view, answer, brackets=False).lower())
        results.append(f"{agency.name} ({', '.join(about)}): {key_result(said)}")
    if results:
        text += " Kết quả chủ yếu: " + "; ".join(results) + "."
    return text


Rows = list[tuple[AgencyFacts, str, Answer | None]]


def _task(view: FormView, number: int, task: TaskFacts, rows: Rows) -> dict[str, str]:
    details = [f"Thời gian thực hiện: {task.timeframe}"] if task.timeframe else []
    if task.lead_names:
        details.append(f"cơ quan chủ trì: {'; '.join(task.lead_names)}")
    if task.coordinating_names:
        details.append(f"cơ quan phối hợp: {'; '.join(task.coordinating_names)}")
    return {
        "heading": f"{number}. {task.title}",
        "details": "; ".join(details) + "." if details else "",
        "synthesis": task_synthesis(view, rows),
    }


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


def _once_items(
    facts: PeriodFacts, askeds: list[Asked], *, labelled: bool = False
) -> list[dict[str, str]]:
    return [
        {"who": agency.name, "text": text}
        for agency, answer in facts.general_answers()
        if (text := once_text(askeds, answer, labelled=labelled))
    ]


# --- difficulties, direction, proposals ----------------------------------------------------


def gathered(facts: PeriodFacts, question: str) -> list[tuple[str, str]]:
    """(who, text) per agency, its distinct answers to `question` joined; one given on tasks
    (a former form asked per task) names the tasks, so a complaint repeated on several tasks
    is said once."""
    numbers = {t.id: t.number for t in facts.tasks}
    found: dict[int, dict[str, list[int]]] = {}
    for (agency_id, task_id), answer in facts.answers.items():
        text = answer.text(question).strip()
        if text and agency_id in facts.agencies:
            places = found.setdefault(agency_id, {}).setdefault(text, [])
            if task_id in numbers:
                places.append(numbers[task_id])
    out = []
    for agency_id in sorted(found):
        parts = []
        for text, tasks in found[agency_id].items():
            where = f" (nhiệm vụ {', '.join(str(n) for n in sorted(tasks))})" if tasks else ""
            parts.append(text.rstrip(" .;") + where)
        out.append((facts.agencies[agency_id].name, "; ".join(parts)))
    return out


# --- appendices ----------------------------------------------------------------------------


STANDING_GROUPS = (
    ((Standing.late,), "Gửi báo cáo trễ hạn"),
    ((Standing.returned,), "Đã báo cáo, được đề nghị bổ sung nhưng chưa gửi lại"),
    ((Standing.overdue,), "Quá hạn, chưa gửi báo cáo"),
    ((Standing.not_due,), "Chưa gửi báo cáo (chưa đến hạn)"),
)


def standing_groups(facts: PeriodFacts) -> list[dict[str, Any]]:
    groups = []
    for standings, label in STANDING_GROUPS:
        agencies = [a for a in facts.agencies.values() if a.standing in standings]
        if agencies:
            groups.append({"label": label, "count": len(agencies), "names": names(agencies)})
    return groups


def annex(facts: PeriodFacts, view: FormView, scoped: dict[int, Rows]) -> list[dict[str, Any]]:
    """Appendix II: per task, the agencies in its scope with their answers; then the agencies'
    own duties (section IV of the plan)."""
    tasks = []
    for task in facts.tasks:
        rows = [_annex_row(view, agency, role, answer) for agency, role, answer in scoped[task.id]]
        if rows:
            tasks.append(
                {
                    "number": str(task.number),
                    "title": task.title,
                    "timeframe": task.timeframe,
                    "lead": "; ".join(task.lead_names),
                    "coordinating": "; ".join(task.coordinating_names),
                    "rows": rows,
                }
            )
    duties = duties_questions(view)
    general = [
        {"who": agency.name, "status": "", "results": text}
        for agency, answer in facts.general_answers()
        if (text := once_text(duties, answer, separator="\n"))
    ]
    if general:
        tasks.append(
            {
                "number": "",
                "title": labels.GENERAL_TASK,
                "timeframe": "",
                "lead": "",
                "coordinating": "",
                "rows": general,
            }
        )
    return tasks


def _annex_row(view: FormView, agency: AgencyFacts, role: str, answer: Answer | None) -> dict:
    who = f"{agency.name} ({labels.ROLE[role].lower()})" if role in labels.ROLE else agency.name
    if answer is None or not _reported(agency, answer):
        return {"who": who, "status": view.status_text(NOT_REPORTED), "results": ""}
    return {
        "who": who,
        "status": status_text(view, answer),
        "results": answer_text(view, answer, separator="\n"),
    }


# --- the whole context ---------------------------------------------------------------------


def section_titles(view: FormView) -> dict[str, str]:
    """'I. TÌNH HÌNH CHUNG', ...: next year's direction only when the form asks it."""
    wanted = [("general", GENERAL), ("results", RESULTS), ("difficulties", DIFFICULTIES)]
    if view.once_asked("next_year") is not None:
        wanted.append(("direction", DIRECTION))
    wanted.append(("proposals", PROPOSALS))
    return {key: f"{ROMAN[i]}. {title}" for i, (key, title) in enumerate(wanted)}


def _listing(facts: PeriodFacts, heading: str, question: str) -> dict[str, Any]:
    return {
        "heading": heading,
        "none": GATHERED[question],
        "entries": [{"who": who, "text": text} for who, text in gathered(facts, question)],
    }


def report_context(
    facts: PeriodFacts, view: FormView, options: ReportOptions | None = None
) -> dict[str, Any]:
    """Every placeholder's value; `facts` loaded with their text (`with_text=True`), `view`
    the period's questions (`storage.exports.questions.load_view`)."""
    options = options or ReportOptions()
    summary = summarize(facts)
    heading = heading_for(facts, options)
    plan = facts.plan
    issued = plan.issued_on
    date_text = f" ngày {issued.day}/{issued.month}/{issued.year}" if issued else ""
    topic = plan.title[:1].lower() + plan.title[1:] if plan.title else ""
    titles = section_titles(view)
    scoped = {task.id: in_scope(facts, task) for task in facts.tasks}
    tasks = [task for task in facts.tasks if scoped[task.id]]
    number = len(tasks) + 1
    duties = _once_items(facts, duties_questions(view))
    other = _once_items(facts, other_questions(view), labelled=bool(tasks))
    place = f"{heading.place}, " if heading.place else ""
    recipient = _PEOPLES_COMMITTEE.sub("UBND", heading.addressee)
    context: dict[str, Any] = {
        "superior": heading.superior,
        "agency": heading.issuer,
        "agency_name": heading.issuer_name,
        "symbol": heading.symbol,
        "place_date": f"{place}ngày … tháng … năm {facts.today.year}",
        "title": f"Tình hình thực hiện Kế hoạch số {plan.code}{date_text} của {heading.recipient}",
        "period": f"({period_phrase(facts)})",
        "recipient": heading.addressee,
        "opening": (
            f"Thực hiện Kế hoạch số {plan.code}{date_text} của {heading.recipient}"
            + (f" về {topic}" if topic else "")
            + f", {heading.issuer_name} báo cáo tình hình thực hiện {period_phrase(facts)} "
            "như sau:"
        ),
        "sections": titles,
        "general": general_sentences(summary),
        "funding": totals(facts, view),
        "tasks": [_task(view, n, task, scoped[task.id]) for n, task in enumerate(tasks, start=1)],
        "duties": {
            "heading": f"{number}. Các nhiệm vụ theo chức năng, nhiệm vụ được giao "
            "(mục IV của Kế hoạch)",
            "entries": duties,
        },
        "other": {
            "heading": f"{number + bool(duties)}. "
            + ("Nội dung báo cáo khác" if tasks else "Nội dung báo cáo"),
            "entries": other,
        },
        "difficulties": _listing(facts, titles["difficulties"], "difficulties"),
        "direction": (
            _listing(facts, titles["direction"], "next_year")
            if "direction" in titles
            else {"heading": "", "none": "", "entries": []}
        ),
        "proposals": _listing(facts, titles["proposals"], "proposals"),
        "closing": (
            f"Trên đây là báo cáo tình hình thực hiện Kế hoạch số {plan.code} "
            f"{period_phrase(facts)}, {heading.issuer_name} kính báo cáo {heading.addressee} "
            "xem xét, chỉ đạo./."
        ),
        "recipients": [f"{recipient} (b/c);"],
        "unit": options.unit or "…",
        "signer": signer(options),
        "standing": standing_groups(facts),
        "annex": annex(facts, view, scoped),
        "document_title": f"Báo cáo tình hình thực hiện Kế hoạch {plan.code}",
    }
    return clean(context)


def signer(options: ReportOptions) -> dict[str, str]:
    """'KT. GIÁM ĐỐC' / 'PHÓ GIÁM ĐỐC' when a deputy signs for the head, else 'GIÁM ĐỐC'."""
    title = options.signer_title.strip().upper() or "GIÁM ĐỐC"
    if options.deputy:
        return {"on_behalf": f"KT. {title}", "title": f"PHÓ {title}", "name": options.signer_name}
    return {"on_behalf": "", "title": title, "name": options.signer_name}


def clean(value: Any) -> Any:
    """Every text without the control characters XML cannot hold."""
    if isinstance(value, str):
        return strip_illegal(value)
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value
