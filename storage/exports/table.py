"""The consolidated table, laid out like the plan's appendix (Stt, task, timeframe, lead,
coordinating) followed by each agency's answer on the task, one column per question of the
questionnaire's task sections, in form order: one row per (task, agency in the task's scope).
A second table has one row per agency: where its submission stands, then its answers to the
questions asked once per report (funding, outputs, difficulties, proposals, ...).

Periods are loaded one at a time, so exporting every period never holds them all in memory;
only the columns (the questions) are worked out for all of them first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.exports import labels
from storage.exports.questions import Asked, FormView, Value, load_view
from storage.files.documents import DocumentFile, period_documents, signed_file_name
from storage.i18n import translate
from storage.models import DocumentPurpose, Plan, ReportingPeriod
from storage.summary import (
    NOT_REPORTED,
    REPORTED,
    AgencyFacts,
    Answer,
    PeriodFacts,
    Standing,
    TaskFacts,
    load_period,
)

__all__ = ["Column", "ConsolidatedTable", "PeriodTable", "Value"]


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text | long (wrapped) | number | money | datetime


def say(key: str, **values: object) -> str:
    """The table's words, from the catalogue (`table.*`), in the exports' language."""
    return translate(f"table.{key}", labels.EXPORT_LANGUAGE, **values)


def column(key: str, width: float, kind: str = "text") -> Column:
    return Column(say(f"column.{key}"), width, kind)


PERIOD_COLUMN = column("period", 24, "long")
TASK_COLUMNS = (
    column("number", 5, "number"),
    column("task", 42, "long"),
    column("timeframe", 14, "long"),
    column("lead", 24, "long"),
    column("coordinating", 26, "long"),
    column("reporter", 24, "long"),
    column("role", 10),
)
SUBMISSION_COLUMNS = (
    column("submitted_at", 17, "datetime"),
    column("timeliness", 16, "long"),
    column("focal", 24, "long"),
)
AGENCY_COLUMNS = (
    column("number", 5, "number"),
    column("agency", 32, "long"),
    column("standing", 22, "long"),
    column("report_code", 20),
    column("version", 9, "number"),
    column("first_submitted", 17, "datetime"),
    column("last_updated", 17, "datetime"),
    column("submitter", 24, "long"),
    column("focal_now", 36, "long"),
    column("return_comment", 36, "long"),
    column("documents", 40, "long"),
)
TASK_SHEET = say("sheet.tasks")
AGENCY_SHEET = say("sheet.agencies")


def answer_column(asked: Asked) -> Column:
    return Column(asked.header, asked.width, asked.kind)


@dataclass(frozen=True)
class PeriodTable:
    facts: PeriodFacts
    task_rows: list[list[Value]]
    agency_rows: list[list[Value]]


class ConsolidatedTable:
    """The table of one or several periods; iterate to get one period's rows at a time. The
    columns come from the periods' questionnaires (`view`, loaded on first use)."""

    def __init__(
        self,
        session: Session,
        *,
        periods: Sequence[ReportingPeriod],
        today: date,
        zone: ZoneInfo,
        view: FormView | None = None,
        made_at: datetime | None = None,
    ) -> None:
        self.session = session
        self.periods = list(periods)
        self.today = today
        self.zone = zone
        self.made_at = made_at
        if view is not None:
            self.view = view

    @cached_property
    def view(self) -> FormView:
        return load_view(self.session, periods=self.periods)

    def title_lines(self) -> list[str]:
        """What the table is, above its header: the plan, the period(s), when it was made."""
        plan = self.session.get(Plan, self.periods[0].plan_id) if self.periods else None
        lines = []
        if plan is not None:
            named = say("title.plan", code=plan.code)
            lines.append(named + (f": {plan.title}" if plan.title else ""))
        periods = "; ".join(p.title or p.key for p in self.periods)
        lines.append(say("title.periods", periods=periods))
        day = f"{self.today:%d/%m/%Y}"
        if self.made_at is not None:
            time = f"{local(self.made_at, self.zone):%H:%M}"
            lines.append(say("title.made_at", time=time, day=day))
        else:
            lines.append(say("title.made_on", day=day))
        return lines

    @property
    def multi_period(self) -> bool:
        return len(self.periods) > 1

    @property
    def task_columns(self) -> tuple[Column, ...]:
        status = Column(self.view.status_header, 16, "long")
        answers = tuple(answer_column(a) for a in self.view.task_details)
        columns = (*TASK_COLUMNS, status, *answers, *SUBMISSION_COLUMNS)
        return (PERIOD_COLUMN, *columns) if self.multi_period else columns

    @property
    def agency_columns(self) -> tuple[Column, ...]:
        columns = (*AGENCY_COLUMNS, *(answer_column(a) for a in self.view.once))
        return (PERIOD_COLUMN, *columns) if self.multi_period else columns

    def __iter__(self) -> Iterator[PeriodTable]:
        for period in self.periods:
            facts = load_period(self.session, period=period, today=self.today, with_text=True)
            yield self.period_table(facts)

    def period_table(self, facts: PeriodFacts) -> PeriodTable:
        prefix: list[Value] = [facts.period.title] if self.multi_period else []
        tasks = [prefix + row for row in task_rows(facts, self.zone, self.view)]
        documents = period_documents(self.session, period_id=facts.period.id)
        agencies = [prefix + row for row in agency_rows(facts, self.zone, self.view, documents)]
        return PeriodTable(facts, tasks, agencies)


def local(instant: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A local wall-clock time (naive), as spreadsheets show it."""
    return instant.astimezone(zone).replace(tzinfo=None) if instant else None


def timeliness(agency: AgencyFacts) -> str:
    if agency.standing == Standing.returned:
        first = labels.TIMELINESS[Standing.late if agency.late else Standing.on_time]
        return f"{first} ({labels.STANDING[Standing.returned].lower()})"
    return labels.TIMELINESS[agency.standing]


def contacts_text(agency: AgencyFacts) -> str:
    return "; ".join(c.name for c in agency.contacts)


def focal_text(agency: AgencyFacts) -> str:
    """Who answered for the agency; before anyone did, its current focal points."""
    return agency.submitted_by or contacts_text(agency)


def task_cell(answer: Answer | None, agency: AgencyFacts) -> str:
    """What a task cell says: the status reported, REPORTED (answered, no status asked), or
    NOT_REPORTED."""
    if answer is None or not agency.has_report:
        return NOT_REPORTED
    return answer.status or REPORTED


def _answer_cells(
    agency: AgencyFacts,
    role: str,
    answer: Answer | None,
    view: FormView,
    submission: tuple[Value, ...],
) -> list[Value]:
    details = view.task_details
    status = view.status_text(task_cell(answer, agency))
    if answer is None or not agency.has_report:
        cells: list[Value] = [None] * len(details)
    else:
        values = answer.values
        cells = [asked.cell(values.get(asked.id)) for asked in details]
    return [agency.name, labels.ROLE.get(role, role), status, *cells, *submission]


def _submission_cells(agency: AgencyFacts, zone: ZoneInfo) -> tuple[Value, ...]:
    """When the answers shown were submitted (the current version, local time), on time or
    late (decided by the first submission), focal point."""
    return local(agency.last_at, zone), timeliness(agency), focal_text(agency)


def _task_cells(task: TaskFacts) -> list[Value]:
    return [
        task.number,
        task.title,
        task.timeframe,
        "; ".join(task.lead_names),
        "; ".join(task.coordinating_names),
    ]


def task_rows(facts: PeriodFacts, zone: ZoneInfo, view: FormView) -> list[list[Value]]:
    rows: list[list[Value]] = []
    # The same on each of an agency's rows: worked out once per agency.
    submission = {a.id: _submission_cells(a, zone) for a in facts.agencies.values()}
    for task in facts.tasks:
        head = _task_cells(task)
        for agency, role, answer in facts.task_rows(task):
            rows.append(head + _answer_cells(agency, role, answer, view, submission[agency.id]))
    return rows


def documents_text(code: str, files: list[DocumentFile]) -> str:
    """What a report holds, one line each: the signed letter (number, date, signer, the file
    named as in the bundle), then the attachments."""
    lines = []
    for file in files:
        if file.purpose == DocumentPurpose.signed:
            day = (
                say("document.signed_on", day=f"{file.signed_on:%d/%m/%Y}")
                if file.signed_on
                else ""
            )
            signer = say("document.signer", signer=file.signer) if file.signer else ""
            name = signed_file_name(code, file.number)
            lines.append(
                say(
                    "document.signed", number=file.number or "?", date=day, signer=signer, name=name
                )
            )
        else:
            lines.append(say("document.attachment", name=file.file_name))
    return "\n".join(lines)


def agency_rows(
    facts: PeriodFacts,
    zone: ZoneInfo,
    view: FormView,
    documents: dict[int, list[DocumentFile]] | None = None,
) -> list[list[Value]]:
    documents = documents or {}
    rows: list[list[Value]] = []
    for number, agency in enumerate(facts.agencies.values(), start=1):
        once = facts.answers.get((agency.id, None))
        values = once.values if once is not None else {}
        rows.append(
            [
                number,
                agency.name,
                labels.STANDING[agency.standing],
                agency.reference or "",
                agency.version or None,
                local(agency.first_at, zone),
                local(agency.last_at, zone),
                agency.submitted_by,
                contacts_text(agency) or labels.NO_FOCAL,
                agency.return_comment if agency.standing == Standing.returned else "",
                documents_text(agency.code, documents.get(agency.id, [])),
                *(asked.cell(values.get(asked.id)) for asked in view.once),
            ]
        )
    return rows
