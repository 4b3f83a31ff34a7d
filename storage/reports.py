"""Progress reports: what an agency answers for, drafts, versioned submissions, returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.files.documents import SIGNED_KEY, attach_to_version, files_in, signed_for_draft
from storage.forms import current_form, form_by_id
from storage.models import (
    Agency,
    GroupMember,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Person,
    Plan,
    PlanDuty,
    PlanDutyAgency,
    ReportAnswer,
    ReportDraft,
    ReportingPeriod,
    Submission,
    SubmissionState,
    SubmissionVersion,
    Task,
)
from storage.questionnaire import Questionnaire, QuestionType, SectionKind
from storage.report_form import (
    Answers,
    Instance,
    TaskInfo,
    carried_over,
    kept_answers,
    lay_out,
)
from storage.scope import ScopedTask, agency_tasks


class TaskStatus:
    """The values of the conventional `status` question (choice list `task_status`)."""

    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    not_applicable = "not_applicable"
    all = (not_started, in_progress, completed, not_applicable)


@dataclass(frozen=True)
class Layout:
    """A report's form, version row id and section instances for one agency and period, with
    the scope they were laid out from (so new answers re-lay them out without queries)."""

    form_id: int
    form: Questionnaire
    instances: list[Instance]
    tasks: tuple[ScopedTask, ...] = ()
    has_duties: bool = False

    def instance(self, key: str) -> Instance | None:
        return next((i for i in self.instances if i.key == key), None)

    def for_answers(self, answers: Answers) -> Layout:
        """The same report after new answers (the tasks an agency says it contributed to)."""
        instances = lay_out(
            self.form, tasks=list(self.tasks), has_duties=self.has_duties, answers=answers
        )
        return replace(self, instances=instances)


def layout_for(
    session: Session, *, period: ReportingPeriod, agency: Agency, answers: Answers
) -> Layout:
    """The instances an agency answers in a period, by the period's current questionnaire."""
    row, form = current_form(session, plan_id=period.plan_id, key=period.questionnaire_key)
    assert row.id is not None
    tasks = (
        agency_tasks(session, plan_id=period.plan_id, agency_id=agency.id)
        if period.kind == PeriodKind.periodic
        else []
    )
    duties = bool(agency_duties(session, period=period, agency=agency))
    instances = lay_out(form, tasks=tasks, has_duties=duties, answers=answers)
    return Layout(row.id, form, instances, tuple(tasks), duties)


def agency_duties(session: Session, *, period: ReportingPeriod, agency: Agency) -> list[PlanDuty]:
    groups = set(
        session.exec(select(GroupMember.group_id).where(GroupMember.member_id == agency.id)).all()
    )
    return list(
        session.exec(
            select(PlanDuty)
            .join(PlanDutyAgency, col(PlanDutyAgency.duty_id) == col(PlanDuty.id))
            .where(
                PlanDuty.plan_id == period.plan_id,
                col(PlanDutyAgency.agency_id).in_(groups | {agency.id}),
            )
            .order_by(col(PlanDuty.number))
            .distinct()
        ).all()
    )


def open_periods_for(session: Session, *, agency_id: int) -> list[ReportingPeriod]:
    return list(
        session.exec(
            select(ReportingPeriod)
            .join(PeriodAgency, col(PeriodAgency.period_id) == col(ReportingPeriod.id))
            .where(PeriodAgency.agency_id == agency_id, ReportingPeriod.status == PeriodStatus.open)
            .order_by(col(ReportingPeriod.due_on))
        ).all()
    )


def open_periods_touching(session: Session, *, agency_id: int) -> list[ReportingPeriod]:
    """Open periods the agency owes, filed for, or began a draft for: after a merge, split
    or dissolution it owes nothing, but what it filed or drafted stays readable."""
    owed = select(PeriodAgency.period_id).where(PeriodAgency.agency_id == agency_id)
    filed = select(Submission.period_id).where(Submission.agency_id == agency_id)
    drafted = select(ReportDraft.period_id).where(ReportDraft.agency_id == agency_id)
    return list(
        session.exec(
            select(ReportingPeriod)
            .where(
                ReportingPeriod.status == PeriodStatus.open,
                or_(
                    col(ReportingPeriod.id).in_(owed),
                    col(ReportingPeriod.id).in_(filed),
                    col(ReportingPeriod.id).in_(drafted),
                ),
            )
            .order_by(col(ReportingPeriod.due_on), col(ReportingPeriod.id))
        ).all()
    )


def agency_drafts(
    session: Session, *, period_id: int, agency_id: int
) -> list[tuple[ReportDraft, Person]]:
    """Every draft begun for the agency in a period, latest first."""
    return list(
        session.exec(
            select(ReportDraft, Person)
            .join(Person, col(Person.id) == col(ReportDraft.person_id))
            .where(ReportDraft.period_id == period_id, ReportDraft.agency_id == agency_id)
            .order_by(col(ReportDraft.updated_at).desc())
        ).all()
    )


def find_submission(session: Session, *, period_id: int, agency_id: int) -> Submission | None:
    return session.exec(
        select(Submission).where(
            Submission.period_id == period_id, Submission.agency_id == agency_id
        )
    ).first()


# --- drafts ----------------------------------------------------------------------------------


def get_draft(
    session: Session, *, period_id: int, agency_id: int, person_id: int
) -> ReportDraft | None:
    return session.exec(
        select(ReportDraft).where(
            ReportDraft.period_id == period_id,
            ReportDraft.agency_id == agency_id,
            ReportDraft.person_id == person_id,
        )
    ).first()


def previous_report(
    session: Session, *, period: ReportingPeriod, agency_id: int
) -> tuple[ReportingPeriod, Answers] | None:
    """The agency's latest submitted report of an earlier periodic period of the same plan."""
    row = session.exec(
        select(ReportingPeriod, Submission)
        .join(Submission, col(Submission.period_id) == col(ReportingPeriod.id))
        .where(
            ReportingPeriod.plan_id == period.plan_id,
            ReportingPeriod.kind == PeriodKind.periodic,
            col(ReportingPeriod.due_on) < period.due_on,
            Submission.agency_id == agency_id,
            col(Submission.current_version) > 0,
        )
        .order_by(col(ReportingPeriod.due_on).desc())
    ).first()
    if row is None:
        return None
    earlier, submission = row
    return earlier, version_answers(
        session, submission=submission, version=submission.current_version
    )


def start_draft(
    session: Session,
    *,
    period_id: int,
    agency_id: int,
    person_id: int,
    clock: Clock,
    from_previous: bool = False,
) -> ReportDraft:
    """A new draft, pre-filled with the agency's latest submitted answers (for an edit), or
    with last period's answers when asked to start from them."""
    period = session.get(ReportingPeriod, period_id)
    assert period is not None
    row, form = current_form(session, plan_id=period.plan_id, key=period.questionnaire_key)
    submission = find_submission(session, period_id=period_id, agency_id=agency_id)
    answers: Answers = {}
    base = 0
    if submission is not None and submission.current_version > 0:
        base = submission.current_version
        answers = version_answers(session, submission=submission, version=base)
        # An edit keeps the signed report it was submitted with, until another is sent.
        submitted = version_row(session, submission=submission, version=base)
        signed = signed_for_draft(session, version_id=submitted.id) if submitted else None
        if signed is not None:
            answers[SIGNED_KEY] = signed
    elif from_previous:
        previous = previous_report(session, period=period, agency_id=agency_id)
        if previous is not None:
            answers = carried_over(form, previous[1])
    now = clock.now()
    draft = ReportDraft(
        period_id=period_id,
        agency_id=agency_id,
        person_id=person_id,
        answers=answers,
        base_version=base,
        questionnaire_id=row.id,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def save_answer(
    draft: ReportDraft, *, instance: str, question: str, value: Any, clock: Clock
) -> None:
    # New objects, so SQLAlchemy sees the JSON column change.
    answers = {k: dict(v) if isinstance(v, dict) else v for k, v in draft.answers.items()}
    answers.setdefault(instance, {})[question] = value
    draft.answers = answers
    draft.updated_at = clock.now()


def other_drafts(
    session: Session, *, period_id: int, agency_id: int, person_id: int
) -> list[tuple[ReportDraft, Person]]:
    return list(
        session.exec(
            select(ReportDraft, Person)
            .join(Person, col(Person.id) == col(ReportDraft.person_id))
            .where(
                ReportDraft.period_id == period_id,
                ReportDraft.agency_id == agency_id,
                ReportDraft.person_id != person_id,
            )
        ).all()
    )


# --- submitting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    submission: Submission
    version: SubmissionVersion


@dataclass(frozen=True)
class Conflict:
    """Someone else submitted while this draft was being written; nothing was saved."""

    current_version: int
    by: Person | None
    at: datetime | None


def is_late(submitted_at: datetime, period: ReportingPeriod, zone: ZoneInfo) -> bool:
    """On time means on or before the due date, local time."""
    return submitted_at.astimezone(zone).date() > period.due_on


def reference_for(session: Session, period: ReportingPeriod, agency: Agency) -> str:
    """'2026-SO-YTE'; a plan imported after the first adds its code ('2026-SO-YTE-15-KH-SKHCN'),
    since the same agency reports for the same year under each plan."""
    reference = f"{period.key.upper()}-{agency.code.upper()}"
    first = session.exec(select(Plan.id).order_by(col(Plan.id))).first()
    if period.plan_id != first:
        plan = session.get(Plan, period.plan_id)
        suffix = re.sub(r"[^A-Z0-9]+", "-", plan.code.upper()).strip("-") if plan else ""
        reference = f"{reference}-{suffix or period.plan_id}"
    return reference[:120]


def submit_draft(
    session: Session,
    *,
    draft: ReportDraft,
    layout: Layout,
    period: ReportingPeriod,
    agency: Agency,
    person_id: int,
    zone: ZoneInfo,
    clock: Clock,
) -> Submitted | Conflict:
    now = clock.now()
    submission = find_submission(session, period_id=period.id, agency_id=agency.id)
    if submission is None:
        submission = Submission(
            period_id=period.id,
            agency_id=agency.id,
            reference=reference_for(session, period, agency),
            updated_at=now,
        )
        try:
            with session.begin_nested():  # a colleague may create it at the same moment
                session.add(submission)
                session.flush()
        except IntegrityError:
            submission = find_submission(session, period_id=period.id, agency_id=agency.id)
            assert submission is not None
    base = draft.base_version
    # Compare-and-set on the version number: of two colleagues submitting from the same base,
    # exactly one succeeds; the other gets a Conflict and keeps the draft.
    claimed = session.exec(
        update(Submission)
        .where(col(Submission.id) == submission.id, col(Submission.current_version) == base)
        .values(
            current_version=base + 1,
            revision=col(Submission.revision) + 1,
            state=SubmissionState.submitted,
            updated_at=now,
            return_comment="",
            returned_at=None,
        )
    )
    if not claimed.rowcount:
        session.refresh(submission)
        latest = session.exec(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.version == submission.current_version,
            )
        ).first()
        by = (
            session.get(Person, latest.submitted_by_person_id)
            if latest and latest.submitted_by_person_id
            else None
        )
        return Conflict(submission.current_version, by, latest.submitted_at if latest else None)
    session.refresh(submission)
    version = SubmissionVersion(
        submission_id=submission.id,
        version=base + 1,
        submitted_at=now,
        submitted_by_person_id=person_id,
        is_late=is_late(now, period, zone),
        questionnaire_id=layout.form_id,
    )
    session.add(version)
    session.flush()
    rows = []
    for instance in layout.instances:
        values = kept_answers([instance], draft.answers).get(instance.key, {})
        for question, value in values.items():
            rows.append(
                ReportAnswer(
                    version_id=version.id,
                    section=instance.section.id,
                    task_id=instance.task.id if instance.task else None,
                    role=instance.role,
                    question=question,
                    value=value,
                )
            )
    session.add_all(rows)
    files_questions = {
        (section.id, question.id)
        for section in layout.form.sections
        for question in section.questions
        if question.type == QuestionType.files
    }
    kept = kept_answers(layout.instances, draft.answers)
    signed = draft.answers.get(SIGNED_KEY) if layout.form.signed_document != "none" else None
    attach_to_version(
        session,
        version_id=version.id,
        signed=signed if isinstance(signed, dict) else None,
        attachments=files_in(kept, files_questions),
    )
    session.delete(draft)
    session.flush()
    return Submitted(submission, version)


def answered_layout(
    session: Session, *, form_id: int, answers: Answers, roles: dict[str, str]
) -> Layout | None:
    """The instances a submitted version answered, in form order: what it says is read from
    its own answers, whatever the agency's scope is today."""
    form = form_by_id(session, form_id)
    if form is None:
        return None
    task_ids = {int(tail) for key in answers if (tail := key.partition(":")[2]).isdigit()}
    tasks = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(task_ids))).all()}
    instances: list[Instance] = []
    for section in form.sections:
        if section.kind != SectionKind.task:
            if section.id in answers:
                instances.append(Instance(section.id, section))
            continue
        found = []
        for key in answers:
            head, _, tail = key.partition(":")
            task = tasks.get(int(tail)) if head == section.id and tail.isdigit() else None
            if task is not None and task.id is not None:
                info = TaskInfo(task.id, task.number, task.title, task.timeframe)
                found.append(Instance(key, section, info, roles.get(key, "")))
        instances += sorted(found, key=lambda i: i.task.number if i.task else 0)
    return Layout(form_id, form, instances)


def version_roles(session: Session, *, version_id: int) -> dict[str, str]:
    rows = session.exec(
        select(ReportAnswer.section, ReportAnswer.task_id, ReportAnswer.role)
        .where(ReportAnswer.version_id == version_id, col(ReportAnswer.task_id).is_not(None))
        .distinct()
    ).all()
    return {instance_key(section, task_id): role for section, task_id, role in rows}


def instance_key(section: str, task_id: int | None) -> str:
    return f"{section}:{task_id}" if task_id is not None else section


def version_row(
    session: Session, *, submission: Submission, version: int
) -> SubmissionVersion | None:
    return session.exec(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id, SubmissionVersion.version == version
        )
    ).first()


def version_answers(session: Session, *, submission: Submission, version: int) -> Answers:
    """A submitted version as draft answers (for editing or display), keyed by instance."""
    row = version_row(session, submission=submission, version=version)
    if row is None:
        return {}
    answers: Answers = {}
    for answer in session.exec(
        select(ReportAnswer).where(ReportAnswer.version_id == row.id).order_by(col(ReportAnswer.id))
    ):
        key = instance_key(answer.section, answer.task_id)
        answers.setdefault(key, {})[answer.question] = answer.value
    return answers


@dataclass
class VersionInfo:
    version: int
    submitted_at: datetime
    is_late: bool
    by: str
    comment: str = field(default="")


def versions_submitted_between(
    session: Session, *, start: datetime, end: datetime
) -> list[tuple[SubmissionVersion, Agency, ReportingPeriod]]:
    """Every version submitted in [start, end), oldest first, with its agency and period."""
    return list(
        session.exec(
            select(SubmissionVersion, Agency, ReportingPeriod)
            .join(Submission, col(Submission.id) == col(SubmissionVersion.submission_id))
            .join(Agency, col(Agency.id) == col(Submission.agency_id))
            .join(ReportingPeriod, col(ReportingPeriod.id) == col(Submission.period_id))
            .where(
                col(SubmissionVersion.submitted_at) >= start,
                col(SubmissionVersion.submitted_at) < end,
            )
            .order_by(col(SubmissionVersion.submitted_at))
        ).all()
    )


def version_history(session: Session, *, submission: Submission) -> list[VersionInfo]:
    rows = session.exec(
        select(SubmissionVersion, Person)
        .join(Person, col(Person.id) == col(SubmissionVersion.submitted_by_person_id), isouter=True)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(col(SubmissionVersion.version))
    ).all()
    return [
        VersionInfo(v.version, v.submitted_at, v.is_late, p.full_name if p else "", v.comment)
        for v, p in rows
    ]


def return_submission(
    session: Session, *, submission: Submission, comment: str, clock: Clock
) -> None:
    """The secretariat asks for more ("cần bổ sung"): reopened for the agency to edit."""
    submission.state = SubmissionState.returned
    submission.return_comment = comment
    submission.returned_at = clock.now()
    submission.revision += 1
    latest = session.exec(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id,
            SubmissionVersion.version == submission.current_version,
        )
    ).first()
    if latest is not None:
        latest.comment = comment
    session.flush()
