"""The consolidated table, laid out like the plan's appendix (Stt, task, timeframe, lead,
coordinating) followed by each agency's answer: one row per (task, agency). A second table
has one row per agency (where its submission stands).

Periods are loaded one at a time, so exporting every period never holds them all in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.exports import labels
from storage.models import ReportingPeriod
from storage.reports import TaskStatus
from storage.summary import AgencyFacts, Answer, PeriodFacts, Standing, TaskFacts, load_period

Value = str | int | datetime | None


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text | long (wrapped) | number | datetime


PERIOD_COLUMN = Column("Kỳ báo cáo", 24, "long")
TASK_COLUMNS = (
    Column("Stt", 5, "number"),
    Column("Nhiệm vụ", 42, "long"),
    Column("Thời gian thực hiện", 14, "long"),
    Column("Cơ quan chủ trì", 24, "long"),
    Column("Cơ quan phối hợp", 26, "long"),
    Column("Cơ quan báo cáo", 24, "long"),
    Column("Vai trò", 10),
    Column("Tình hình thực hiện", 16, "long"),
    Column("Tỷ lệ hoàn thành (%)", 11, "number"),
    Column("Kết quả thực hiện", 48, "long"),
    Column("Khó khăn, vướng mắc", 36, "long"),
    Column("Đề xuất, kiến nghị", 36, "long"),
    Column("Thời điểm nộp", 17, "datetime"),
    Column("Đúng hạn / trễ hạn", 16, "long"),
    Column("Đầu mối", 24, "long"),
)
AGENCY_COLUMNS = (
    Column("Stt", 5, "number"),
    Column("Cơ quan", 32, "long"),
    Column("Tình trạng nộp", 22, "long"),
    Column("Mã báo cáo", 20),
    Column("Phiên bản", 9, "number"),
    Column("Nộp lần đầu", 17, "datetime"),
    Column("Cập nhật lần cuối", 17, "datetime"),
    Column("Người nộp", 24, "long"),
    Column("Đầu mối hiện tại", 36, "long"),
    Column("Ý kiến trả lại của thư ký", 36, "long"),
)
TASK_SHEET = "Tổng hợp nhiệm vụ"
AGENCY_SHEET = "Tình trạng nộp"


@dataclass(frozen=True)
class PeriodTable:
    facts: PeriodFacts
    task_rows: list[list[Value]]
    agency_rows: list[list[Value]]


class ConsolidatedTable:
    """The table of one or several periods; iterate to get one period's rows at a time."""

    def __init__(
        self, session: Session, *, periods: Sequence[ReportingPeriod], today: date, zone: ZoneInfo
    ) -> None:
        self.session = session
        self.periods = list(periods)
        self.today = today
        self.zone = zone

    @property
    def multi_period(self) -> bool:
        return len(self.periods) > 1

    @property
    def task_columns(self) -> tuple[Column, ...]:
        return (PERIOD_COLUMN, *TASK_COLUMNS) if self.multi_period else TASK_COLUMNS

    @property
    def agency_columns(self) -> tuple[Column, ...]:
        return (PERIOD_COLUMN, *AGENCY_COLUMNS) if self.multi_period else AGENCY_COLUMNS

    def __iter__(self) -> Iterator[PeriodTable]:
        for period in self.periods:
            facts = load_period(self.session, period=period, today=self.today, with_text=True)
            yield self.period_table(facts)

    def period_table(self, facts: PeriodFacts) -> PeriodTable:
        prefix: list[Value] = [facts.period.title] if self.multi_period else []
        tasks = [prefix + row for row in task_rows(facts, self.zone)]
        agencies = [prefix + row for row in agency_rows(facts, self.zone)]
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


def results_text(answer: Answer) -> str:
    if answer.status == TaskStatus.not_applicable and answer.na_reason:
        reason = labels.NA_REASON.format(reason=answer.na_reason)
        return f"{reason}\n{answer.results}" if answer.results else reason
    return answer.results


def _answer_cells(
    agency: AgencyFacts, role: str, answer: Answer | None, submission: tuple[Value, ...]
) -> list[Value]:
    if answer is None or not agency.has_report:
        status = labels.STATUS["not_reported"]
        percent, results, difficulties, proposals = None, "", "", ""
    else:
        status = labels.STATUS.get(answer.status, answer.status)
        percent = None if answer.status == TaskStatus.not_applicable else answer.percent
        results, difficulties, proposals = (
            results_text(answer),
            answer.difficulties,
            answer.proposals,
        )
    return [
        agency.name,
        labels.ROLE.get(role, role),
        status,
        percent,
        results,
        difficulties,
        proposals,
        *submission,
    ]


def _submission_cells(agency: AgencyFacts, zone: ZoneInfo) -> tuple[Value, ...]:
    """Submitted at (local), on time or late, focal point."""
    return local(agency.first_at, zone), timeliness(agency), focal_text(agency)


def _task_cells(task: TaskFacts) -> list[Value]:
    return [
        task.number,
        task.title,
        task.timeframe,
        "; ".join(task.lead_names),
        "; ".join(task.coordinating_names),
    ]


def task_rows(facts: PeriodFacts, zone: ZoneInfo) -> list[list[Value]]:
    rows: list[list[Value]] = []
    # The same on each of an agency's rows: worked out once per agency.
    submission = {a.id: _submission_cells(a, zone) for a in facts.agencies.values()}
    for task in facts.tasks:
        head = _task_cells(task)
        for agency, role, answer in facts.task_rows(task):
            rows.append(head + _answer_cells(agency, role, answer, submission[agency.id]))
    general: list[Value] = [None, labels.GENERAL_TASK, "", "", ""]
    for agency, answer in facts.general_answers():
        rows.append(general + _answer_cells(agency, "", answer, submission[agency.id]))
    return rows


def agency_rows(facts: PeriodFacts, zone: ZoneInfo) -> list[list[Value]]:
    rows: list[list[Value]] = []
    for number, agency in enumerate(facts.agencies.values(), start=1):
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
            ]
        )
    return rows
