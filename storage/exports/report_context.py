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
from storage.i18n import translate, translate_plural
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


def say(key: str, **values: object) -> str:
    """The draft's words, from the catalogue (`draft.*`), in the exports' language."""
    return translate(f"draft.{key}", labels.EXPORT_LANGUAGE, **values)


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
# Questions asked once per report that have their own section, with what it says when empty.
GATHERED = {
    question: say(f"none.{question}") for question in ("difficulties", "next_year", "proposals")
}
STATUS_PARTS = frozenset({"status", "percent"})  # shown in the status cell, not the results
COUNTED = frozenset({QuestionType.integer, QuestionType.decimal})
KEY_RESULT_CHARS = 240  # a key result in a task's paragraph; the annex has the full text
APPENDIX = say("appendix")


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
    issuer_name = facts.secretariat_name or say("default_secretariat")
    recipient = facts.plan.issuer or say("default_issuer")
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
        return say("period.adhoc", title=facts.period.title)
    return say("period.year", year=facts.period.key)


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
                translate_plural(
                    "draft.funding.total",
                    agencies,
                    labels.EXPORT_LANGUAGE,
                    total=grand,
                    parts=parts,
                )
            )
        else:
            sentences.append(say("funding.none"))
    sums, _ = _sums([a for a in view.once if a.type in COUNTED], general)
    if sums:
        parts = "; ".join(
            f"{asked.source}: {number_text(total)} {asked.question.text('unit', 'vi')}".strip()
            for asked, total in sums
        )
        sentences.append(say("outputs", parts=parts))
    return sentences


def general_sentences(summary: PeriodSummary) -> list[str]:
    """Counts only: the names are listed once, in appendix I."""
    counts = summary.counts
    due = summary.facts.period.due_on
    sentences = [
        say("general.total", total=summary.total, due=f"{due:%d/%m/%Y}"),
        say(
            "general.submitted",
            submitted=summary.submitted,
            total=summary.total,
            on_time=counts[Standing.on_time],
            late=counts[Standing.late],
        ),
    ]
    returned = counts[Standing.returned]
    if returned:
        sentences.append(say("general.returned", count=returned))
    unsent = counts[Standing.overdue] + counts[Standing.not_due]
    if unsent:
        overdue = "general.unsent_overdue" if counts[Standing.overdue] else "general.unsent"
        sentences.append(say(overdue, count=unsent))
    if unsent or returned or counts[Standing.late]:
        sentences.append(say("general.see_appendix", appendix=APPENDIX))
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
        text += " " + say("tally.average", average=f"{average:.0f}")
    return text


def task_synthesis(view: FormView, rows: list[tuple[AgencyFacts, str, Answer | None]]) -> str:
    """'2/3 cơ quan được giao đã báo cáo (chủ trì: 1/1; phối hợp: 1/2): 1 đang triển khai
    (...). Kết quả chủ yếu: Sở A (chủ trì) ...; Sở C (phối hợp) ....'"""
    reported = [(a, role, ans) for a, role, ans in rows if _reported(a, ans) and ans is not None]
    by_role = []
    for role in ("lead", "coordinating"):
        expected = [row for row in rows if row[1] == role]
        if expected:
            done = sum(_reported(a, ans) for a, _, ans in expected)
            by_role.append(f"{labels.ROLE[role].lower()}: {done}/{len(expected)}")
    text = say("task.reported", reported=len(reported), total=len(rows))
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
        text += " " + say("task.key_results", results="; ".join(results))
    return text


Rows = list[tuple[AgencyFacts, str, Answer | None]]


def _task(view: FormView, number: int, task: TaskFacts, rows: Rows) -> dict[str, str]:
    details = [say("task.timeframe", timeframe=task.timeframe)] if task.timeframe else []
    if task.lead_names:
        details.append(say("task.lead", names="; ".join(task.lead_names)))
    if task.coordinating_names:
        details.append(say("task.coordinating", names="; ".join(task.coordinating_names)))
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
            listed = ", ".join(str(n) for n in sorted(tasks))
            where = " " + say("gathered.tasks", numbers=listed) if tasks else ""
            parts.append(text.rstrip(" .;") + where)
        out.append((facts.agencies[agency_id].name, "; ".join(parts)))
    return out


# --- appendices ----------------------------------------------------------------------------


STANDING_GROUPS = tuple(
    ((standing,), say(f"standing.{standing.value}"))
    for standing in (Standing.late, Standing.returned, Standing.overdue, Standing.not_due)
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
    wanted = ["general", "results", "difficulties"]
    if view.once_asked("next_year") is not None:
        wanted.append("direction")
    wanted.append("proposals")
    return {key: f"{ROMAN[i]}. {say(f'section.{key}')}" for i, key in enumerate(wanted)}


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
    date_text = (
        " " + say("plan_date", day=issued.day, month=issued.month, year=issued.year)
        if issued
        else ""
    )
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
        "place_date": say("place_date", place=place, year=facts.today.year),
        "title": say("title", code=plan.code, date=date_text, issuer=heading.recipient),
        "period": f"({period_phrase(facts)})",
        "recipient": heading.addressee,
        "opening": say(
            "opening",
            code=plan.code,
            date=date_text,
            issuer=heading.recipient,
            topic=" " + say("topic", topic=topic) if topic else "",
            secretariat=heading.issuer_name,
            period=period_phrase(facts),
        ),
        "sections": titles,
        "general": general_sentences(summary),
        "funding": totals(facts, view),
        "tasks": [_task(view, n, task, scoped[task.id]) for n, task in enumerate(tasks, start=1)],
        "duties": {
            "heading": f"{number}. {say('duties')}",
            "entries": duties,
        },
        "other": {
            "heading": f"{number + bool(duties)}. " + say("other_with_tasks" if tasks else "other"),
            "entries": other,
        },
        "difficulties": _listing(facts, titles["difficulties"], "difficulties"),
        "direction": (
            _listing(facts, titles["direction"], "next_year")
            if "direction" in titles
            else {"heading": "", "none": "", "entries": []}
        ),
        "proposals": _listing(facts, titles["proposals"], "proposals"),
        "closing": say(
            "closing",
            code=plan.code,
            period=period_phrase(facts),
            secretariat=heading.issuer_name,
            addressee=heading.addressee,
        ),
        "recipients": [say("recipient_line", recipient=recipient)],
        "unit": options.unit or "…",
        "signer": signer(options),
        "standing": standing_groups(facts),
        "annex": annex(facts, view, scoped),
        "document_title": say("document_title", code=plan.code),
    }
    return clean(context)


def signer(options: ReportOptions) -> dict[str, str]:
    """'KT. GIÁM ĐỐC' / 'PHÓ GIÁM ĐỐC' when a deputy signs for the head, else 'GIÁM ĐỐC'."""
    title = options.signer_title.strip().upper() or say("signer.head")
    if options.deputy:
        return {
            "on_behalf": say("signer.on_behalf", title=title),
            "title": say("signer.deputy", title=title),
            "name": options.signer_name,
        }
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
