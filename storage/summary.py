"""Where a reporting period stands, as plain data: who submitted (on time, late), who was asked
to complete their report, who is still missing; what each agency answered on each task; and the
figures of the secretariat's /summary.

Everything is loaded with a handful of joined queries per period (no query per agency or per
task), so a period of 100 agencies x 50 tasks loads in a fraction of a second.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from storage.agencies import names_on
from storage.models import (
    Agency,
    Identity,
    MemberRole,
    Membership,
    MemberStatus,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Person,
    Plan,
    ReportAnswer,
    ReportingPeriod,
    Submission,
    SubmissionState,
    SubmissionVersion,
    Task,
    TaskAssignment,
    TaskRole,
)
from storage.periods import chased
from storage.query import select_columns
from storage.reports import TaskStatus
from storage.scope import Level, plan_scope


class Standing(StrEnum):
    """An agency's position in a period. Timeliness is that of its first submission: editing
    a report, or completing it when asked, after the deadline does not make it late."""

    on_time = "on_time"
    late = "late"
    returned = "returned"  # submitted, then sent back by the secretariat for more
    overdue = "overdue"  # nothing submitted and the deadline has passed
    not_due = "not_due"  # nothing submitted yet, the deadline has not passed


MISSING = (Standing.returned, Standing.overdue, Standing.not_due)
STANDINGS = tuple(Standing)
NOT_REPORTED = "not_reported"  # an agency expected on a task with no answer for it
REPORTED = "reported"  # answered a task section that has no status question (coordinating)


# --- periods ---------------------------------------------------------------------------------


def current_period(session: Session, *, plan: Plan) -> ReportingPeriod | None:
    """The open periodic period with the latest deadline; else the latest open ad-hoc one."""
    rows = session.exec(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan.id, ReportingPeriod.status == PeriodStatus.open)
        .order_by(col(ReportingPeriod.due_on).desc(), col(ReportingPeriod.id).desc())
    ).all()
    periodic = [p for p in rows if p.kind == PeriodKind.periodic]
    candidates = periodic or list(rows)
    return candidates[0] if candidates else None


# --- the facts of a period -------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A focal point of an agency and whether the bot can reach them."""

    person_id: int
    name: str
    position: str
    channels: tuple[str, ...]  # channels with a reachable identity
    away_until: date | None

    @property
    def reachable(self) -> bool:
        return bool(self.channels)

    def away_on(self, day: date) -> bool:
        return self.away_until is not None and self.away_until >= day


@dataclass
class AgencyFacts:
    id: int
    code: str
    name: str
    standing: Standing
    reference: str | None = None
    version: int = 0
    first_at: datetime | None = None  # the first submission (decides on time / late)
    late: bool = False  # the first submission came after the deadline
    last_at: datetime | None = None  # the current version
    submitted_by: str = ""  # who submitted the current version
    return_comment: str = ""
    contacts: tuple[Contact, ...] = ()

    @property
    def missing(self) -> bool:
        return self.standing in MISSING

    @property
    def has_report(self) -> bool:
        return self.version > 0


class Answer(NamedTuple):
    """What an agency's current version says on one task (task_id None: everything asked once
    per report, merged). `values` are keyed by question id, as the questionnaire names them.
    A named tuple: a large export builds tens of thousands of them."""

    agency_id: int
    task_id: int | None
    role: str
    values: dict[str, Any]

    @property
    def status(self) -> str:
        value = self.values.get("status")
        return value if isinstance(value, str) else ""

    @property
    def percent(self) -> int | None:
        value = self.values.get("percent")
        return int(value) if isinstance(value, int | float) else None

    def text(self, question: str) -> str:
        value = self.values.get(question)
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(
                str(v.get("file_name", v)) if isinstance(v, dict) else str(v) for v in value
            )
        return str(value)

    @property
    def results(self) -> str:
        return self.text("results")

    @property
    def difficulties(self) -> str:
        return self.text("difficulties")

    @property
    def proposals(self) -> str:
        return self.text("proposals")

    @property
    def na_reason(self) -> str:
        return self.text("na_reason")


@dataclass
class TaskFacts:
    id: int
    number: int
    title: str
    timeframe: str
    retired: bool
    lead_names: list[str] = field(default_factory=list)  # as the plan's appendix names them
    coordinating_names: list[str] = field(default_factory=list)
    # Concrete agencies owing this period expected on the task (groups expanded), by role.
    roles: dict[int, str] = field(default_factory=dict)


@dataclass
class PeriodFacts:
    period: ReportingPeriod
    plan: Plan
    today: date
    agencies: dict[int, AgencyFacts]  # in plan order (agency id)
    tasks: list[TaskFacts]
    answers: dict[tuple[int, int | None], Answer]  # (agency id, task id) -> answer
    secretariat_name: str = ""  # the agency that consolidates (Sở Khoa học và Công nghệ)

    def task_rows(self, task: TaskFacts) -> list[tuple[AgencyFacts, str, Answer | None]]:
        """(agency, role, answer) for everyone expected on the task or who answered it:
        leads first, then coordinating agencies, in plan order."""
        roles = dict(task.roles)
        for answer in self._by_task.get(task.id, ()):
            roles.setdefault(answer.agency_id, answer.role or TaskRole.coordinating)
        ordered = sorted(roles.items(), key=lambda item: (item[1] != TaskRole.lead, item[0]))
        return [
            (self.agencies[agency_id], role, self.answers.get((agency_id, task.id)))
            for agency_id, role in ordered
            if agency_id in self.agencies
        ]

    def general_answers(self) -> list[tuple[AgencyFacts, Answer]]:
        return [
            (self.agencies[answer.agency_id], answer)
            for answer in sorted(self._by_task.get(None, ()), key=lambda a: a.agency_id)
            if answer.agency_id in self.agencies
        ]

    @cached_property
    def _by_task(self) -> dict[int | None, list[Answer]]:
        by_task: dict[int | None, list[Answer]] = {}
        for answer in self.answers.values():
            by_task.setdefault(answer.task_id, []).append(answer)
        return by_task


def load_period(
    session: Session, *, period: ReportingPeriod, today: date, with_text: bool = False
) -> PeriodFacts:
    """Everything about one period. `with_text` also loads the answers' free text (for the
    consolidated table and the report; the summary needs only statuses and percentages)."""
    plan = session.get(Plan, period.plan_id)
    assert plan is not None and period.id is not None
    agencies = _agencies(session, period=period, today=today)
    answers = _answers(session, period_id=period.id, with_text=with_text)
    tasks = _tasks(
        session,
        plan_id=plan.id,
        owing=set(agencies),
        answered=answers,
        periodic=period.kind == PeriodKind.periodic,
    )
    secretariat = (
        session.get(Agency, plan.secretariat_agency_id) if plan.secretariat_agency_id else None
    )
    return PeriodFacts(
        period, plan, today, agencies, tasks, answers, secretariat.name if secretariat else ""
    )


def _agencies(session: Session, *, period: ReportingPeriod, today: date) -> dict[int, AgencyFacts]:
    overdue = today > period.due_on
    unsubmitted = Standing.overdue if overdue else Standing.not_due
    # A body the plan only requests counts once it reports (the submissions below).
    owing = session.exec(
        select(Agency)
        .join(PeriodAgency, col(PeriodAgency.agency_id) == col(Agency.id))
        .where(PeriodAgency.period_id == period.id, chased(period))
    ).all()
    facts = {a.id: AgencyFacts(a.id, a.code, a.name, unsubmitted) for a in owing if a.id}
    # An agency that submitted but no longer owes the period (e.g. merged since) still counts.
    # One that has ended counts by its last version: a return it can no longer answer (its
    # focal points and what it owed went to its successor) does not wait in the list for ever.
    submissions = session.exec(
        select(Submission, Agency)
        .join(Agency, col(Agency.id) == col(Submission.agency_id))
        .where(Submission.period_id == period.id, col(Submission.current_version) > 0)
    ).all()
    by_submission: dict[int, AgencyFacts] = {}
    for submission, agency in submissions:
        assert agency.id is not None and submission.id is not None
        fact = facts.setdefault(
            agency.id, AgencyFacts(agency.id, agency.code, agency.name, unsubmitted)
        )
        fact.reference = submission.reference
        fact.version = submission.current_version
        fact.return_comment = submission.return_comment
        ended = agency.ended_on is not None and agency.ended_on <= today
        awaited = submission.state == SubmissionState.returned and not ended
        fact.standing = Standing.returned if awaited else Standing.on_time
        by_submission[submission.id] = fact
    versions = session.exec(
        select_columns(
            SubmissionVersion.submission_id,
            SubmissionVersion.version,
            SubmissionVersion.submitted_at,
            SubmissionVersion.is_late,
            Person.full_name,
        )
        .join(Submission, col(Submission.id) == col(SubmissionVersion.submission_id))
        .join(Person, col(Person.id) == col(SubmissionVersion.submitted_by_person_id), isouter=True)
        .where(
            Submission.period_id == period.id,
            or_(
                col(SubmissionVersion.version) == 1,
                col(SubmissionVersion.version) == col(Submission.current_version),
            ),
        )
    ).all()
    for submission_id, version, submitted_at, late, by in versions:
        filed = by_submission.get(submission_id)
        if filed is None:
            continue
        if version == 1:
            filed.first_at, filed.late = submitted_at, bool(late)
            if late and filed.standing == Standing.on_time:
                filed.standing = Standing.late
        if version == filed.version:
            filed.last_at, filed.submitted_by = submitted_at, by or ""
    contacts = focal_contacts(session, agency_ids=set(facts))
    for agency_id, fact in facts.items():
        fact.contacts = tuple(contacts.get(agency_id, ()))
    # A past period reads under the names the agencies had at its deadline (renamed since).
    # Midday UTC falls inside the local day for the province's time zone.
    as_of = datetime.combine(min(period.due_on, today), time(12), tzinfo=UTC)
    for agency_id, name in names_on(session, agency_ids=set(facts), at=as_of).items():
        facts[agency_id].name = name
    return dict(sorted(facts.items()))


def focal_contacts(session: Session, *, agency_ids: set[int]) -> dict[int, list[Contact]]:
    """Active focal points of these agencies with their reachable channels (two queries)."""
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            Membership.role == MemberRole.focal,
            Membership.status == MemberStatus.active,
            col(Membership.agency_id).in_(agency_ids),
        )
        .order_by(col(Membership.id))
    ).all()
    person_ids = {person.id for _, person in rows}
    channels: dict[int, set[str]] = {}
    for person_id, channel in session.exec(
        select(Identity.person_id, Identity.channel).where(
            col(Identity.person_id).in_(person_ids), col(Identity.reachable).is_(True)
        )
    ).all():
        channels.setdefault(person_id, set()).add(channel)
    out: dict[int, list[Contact]] = {}
    for membership, person in rows:
        assert person.id is not None and membership.agency_id is not None
        out.setdefault(membership.agency_id, []).append(
            Contact(
                person.id,
                person.full_name,
                person.position,
                tuple(sorted(channels.get(person.id, ()))),
                membership.away_until,
            )
        )
    return out


@dataclass(frozen=True)
class Reachable:
    """One chat of an active focal point: where a reminder or a broadcast can go."""

    agency_id: int
    person_id: int
    name: str
    identity_id: int
    channel: str
    chat_id: str
    away_until: date | None


def reachable_focal_chats(session: Session, *, agency_ids: set[int] | None) -> list[Reachable]:
    """Every reachable identity of every active focal point of these agencies (all agencies
    when None), in one query."""
    query = (
        select_columns(
            Membership.agency_id, Person.id, Person.full_name, Identity, Membership.away_until
        )
        .join(Person, col(Person.id) == col(Membership.person_id))
        .join(Identity, col(Identity.person_id) == col(Person.id))
        .where(
            Membership.role == MemberRole.focal,
            Membership.status == MemberStatus.active,
            col(Membership.agency_id).is_not(None),
            col(Identity.reachable).is_(True),
        )
        .order_by(col(Membership.agency_id), col(Membership.id), col(Identity.id))
    )
    if agency_ids is not None:
        query = query.where(col(Membership.agency_id).in_(agency_ids))
    return [
        Reachable(agency_id, person_id, name, identity.id, identity.channel, identity.chat_id, away)
        for agency_id, person_id, name, identity, away in session.exec(query).all()
    ]


SUMMARY_QUESTIONS = ("status", "percent")


def _answers(
    session: Session, *, period_id: int, with_text: bool
) -> dict[tuple[int, int | None], Answer]:
    """The answers of every agency's current version (submitted or returned), grouped by
    (agency, task). Without text only the statuses and percentages are read (and which task
    sections were answered), which is all /summary needs."""
    current = and_(
        col(Submission.id) == col(SubmissionVersion.submission_id),
        col(SubmissionVersion.version) == col(Submission.current_version),
    )
    base = (
        select_columns(
            Submission.agency_id,
            ReportAnswer.task_id,
            ReportAnswer.role,
            ReportAnswer.question,
            ReportAnswer.value,
        )
        .join(SubmissionVersion, col(SubmissionVersion.id) == col(ReportAnswer.version_id))
        .join(Submission, current)
        .where(Submission.period_id == period_id)
        .order_by(col(ReportAnswer.id))
    )
    if not with_text:
        base = base.where(col(ReportAnswer.question).in_(SUMMARY_QUESTIONS))
    out: dict[tuple[int, int | None], Answer] = {}
    for agency_id, task_id, role, question, value in session.exec(base).all():
        answer = out.get((agency_id, task_id))
        if answer is None:
            answer = out[(agency_id, task_id)] = Answer(agency_id, task_id, role, {})
        answer.values[question] = value
    if not with_text:  # task sections answered without a status (coordinating agencies)
        answered = (
            select(Submission.agency_id, ReportAnswer.task_id, ReportAnswer.role)
            .join(SubmissionVersion, col(SubmissionVersion.id) == col(ReportAnswer.version_id))
            .join(Submission, current)
            .where(Submission.period_id == period_id, col(ReportAnswer.task_id).is_not(None))
            .distinct()
        )
        for agency_id, task_id, role in session.exec(answered).all():
            out.setdefault((agency_id, task_id), Answer(agency_id, task_id, role, {}))
    return out


def _tasks(
    session: Session,
    *,
    plan_id: int,
    owing: set[int],
    answered: dict[tuple[int, int | None], Answer],
    periodic: bool = True,
) -> list[TaskFacts]:
    """Active tasks, and retired ones that still have answers, with who is expected on each."""
    answered_tasks = {task_id for _, task_id in answered if task_id is not None}
    tasks = {
        t.id: TaskFacts(t.id, t.number, t.title, t.timeframe, t.retired)
        for t in session.exec(select(Task).where(Task.plan_id == plan_id)).all()
        if t.id is not None and (not t.retired or t.id in answered_tasks)
    }
    rows = session.exec(
        select(TaskAssignment, Agency.name)
        .join(Agency, col(Agency.id) == col(TaskAssignment.agency_id))
        .join(Task, col(Task.id) == col(TaskAssignment.task_id))
        .where(Task.plan_id == plan_id)
        .order_by(col(TaskAssignment.position), col(TaskAssignment.agency_id))
    ).all()
    for assignment, name in rows:
        task = tasks.get(assignment.task_id)
        if task is None:
            continue
        lead = assignment.role == TaskRole.lead
        (task.lead_names if lead else task.coordinating_names).append(name)
    # Expected on a task: the agencies whose scope requires it; one that may contribute
    # (optional) is shown once it answers (PeriodFacts.task_rows).
    # An ad-hoc request asks about its own topic, not the tasks.
    scope = plan_scope(session, plan_id=plan_id) if periodic else {}
    for task_id, by_agency in scope.items():
        task = tasks.get(task_id)
        if task is None:
            continue
        for agency_id, entry in by_agency.items():
            if agency_id in owing and entry.level == Level.required:
                task.roles[agency_id] = entry.role
    return sorted(tasks.values(), key=lambda t: t.number)


# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleTally:
    """What the agencies holding one role on a task reported."""

    expected: int
    reported: int
    counts: dict[str, int]  # status -> agencies
    average_percent: float | None  # over answers with a percentage, not-applicable excluded


@dataclass(frozen=True)
class TaskLine:
    task: TaskFacts
    lead: RoleTally
    coordinating: RoleTally


@dataclass
class PeriodSummary:
    facts: PeriodFacts
    counts: dict[Standing, int]
    tasks: list[TaskLine]

    @property
    def total(self) -> int:
        return len(self.facts.agencies)

    @property
    def submitted(self) -> int:
        return self.counts[Standing.on_time] + self.counts[Standing.late]

    @property
    def missing(self) -> list[AgencyFacts]:
        """Agencies that still owe a report: never submitted, or sent back for more."""
        return [a for a in self.facts.agencies.values() if a.missing]

    def cell(self, agency_id: int, task: TaskFacts) -> str | None:
        """The status an agency reported on a task, NOT_REPORTED, or None when not expected."""
        answer = self.facts.answers.get((agency_id, task.id))
        if answer is not None:
            return answer.status or REPORTED
        return NOT_REPORTED if agency_id in task.roles else None


def summarize(facts: PeriodFacts) -> PeriodSummary:
    counts = Counter(a.standing for a in facts.agencies.values())
    lines = []
    for task in facts.tasks:
        by_role: dict[str, list[Answer | None]] = {TaskRole.lead: [], TaskRole.coordinating: []}
        for _agency, role, answer in facts.task_rows(task):
            by_role.setdefault(role, []).append(answer)
        lines.append(
            TaskLine(task, _tally(by_role[TaskRole.lead]), _tally(by_role[TaskRole.coordinating]))
        )
    return PeriodSummary(facts, {s: counts.get(s, 0) for s in STANDINGS}, lines)


def _tally(answers: list[Answer | None]) -> RoleTally:
    # An answer without a status (a coordinating agency's short form) still counts as reported.
    given = [a for a in answers if a is not None and (a.status in TaskStatus.all or not a.status)]
    counts = Counter(a.status for a in given if a.status)
    percents = [
        a.percent for a in given if a.percent is not None and a.status != TaskStatus.not_applicable
    ]
    average = sum(percents) / len(percents) if percents else None
    return RoleTally(
        expected=len(answers),
        reported=len(given),
        counts={s: counts.get(s, 0) for s in TaskStatus.all},
        average_percent=average,
    )


def period_summary(session: Session, *, period: ReportingPeriod, today: date) -> PeriodSummary:
    return summarize(load_period(session, period=period, today=today))
