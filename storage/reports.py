"""Progress reports: what an agency answers for, drafts, versioned submissions, returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import (
    Agency,
    Attachment,
    GroupMember,
    PeriodAgency,
    PeriodStatus,
    Person,
    PlanDuty,
    PlanDutyAgency,
    ReportDraft,
    ReportingPeriod,
    Submission,
    SubmissionState,
    SubmissionVersion,
    Task,
    TaskAssignment,
    TaskReport,
    TaskRole,
)

GENERAL = "general"  # the part for the agency's own duties (section IV), not tied to a task


class TaskStatus:
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    not_applicable = "not_applicable"
    all = (not_started, in_progress, completed, not_applicable)


@dataclass(frozen=True)
class Part:
    """One block of a report: a task (with the agency's role) or the general part."""

    key: str  # "t<task id>" or "general"
    task_id: int | None
    number: int | None
    title: str
    role: str  # lead | coordinating | "" for the general part


def agency_parts(session: Session, *, period: ReportingPeriod, agency: Agency) -> list[Part]:
    """The tasks the agency leads or coordinates (directly or through a group), then the
    general part. A lead role wins over a coordinating one on the same task."""
    groups = set(
        session.exec(select(GroupMember.group_id).where(GroupMember.member_id == agency.id)).all()
    )
    holders = groups | {agency.id}
    rows = session.exec(
        select(Task, TaskAssignment.role)
        .join(TaskAssignment, col(TaskAssignment.task_id) == col(Task.id))
        .where(
            Task.plan_id == period.plan_id,
            col(Task.retired).is_(False),
            col(TaskAssignment.agency_id).in_(holders),
        )
        .order_by(col(Task.number))
    ).all()
    roles: dict[int, tuple[Task, str]] = {}
    for task, role in rows:
        assert task.id is not None
        if task.id not in roles or role == TaskRole.lead:
            roles[task.id] = (task, role)
    parts = [
        Part(f"t{task.id}", task.id, task.number, task.title, role)
        for task, role in sorted(roles.values(), key=lambda item: item[0].number)
    ]
    parts.append(Part(GENERAL, None, None, "", ""))
    return parts


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


def start_draft(
    session: Session, *, period_id: int, agency_id: int, person_id: int, clock: Clock
) -> ReportDraft:
    """A new draft, pre-filled with the agency's latest submitted answers (for an edit)."""
    submission = find_submission(session, period_id=period_id, agency_id=agency_id)
    answers: dict[str, Any] = {}
    base = 0
    if submission is not None and submission.current_version > 0:
        base = submission.current_version
        answers = version_answers(session, submission=submission, version=base)
    now = clock.now()
    draft = ReportDraft(
        period_id=period_id,
        agency_id=agency_id,
        person_id=person_id,
        answers=answers,
        base_version=base,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def save_answer(draft: ReportDraft, *, part: str, field: str, value: Any, clock: Clock) -> None:
    # New objects, so SQLAlchemy sees the JSON column change.
    answers = {k: dict(v) if isinstance(v, dict) else v for k, v in draft.answers.items()}
    answers.setdefault(part, {})[field] = value
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


def reference_for(period: ReportingPeriod, agency: Agency) -> str:
    return f"{period.key.upper()}-{agency.code.upper()}"


def submit_draft(
    session: Session,
    *,
    draft: ReportDraft,
    parts: list[Part],
    period: ReportingPeriod,
    agency: Agency,
    person_id: int,
    zone: ZoneInfo,
    clock: Clock,
) -> Submitted | Conflict:
    now = clock.now()
    submission = find_submission(session, period_id=period.id, agency_id=agency.id)  # type: ignore[arg-type]
    if submission is None:
        submission = Submission(
            period_id=period.id,
            agency_id=agency.id,  # type: ignore[arg-type]
            reference=reference_for(period, agency),
            updated_at=now,
        )
        try:
            with session.begin_nested():  # a colleague may create it at the same moment
                session.add(submission)
                session.flush()
        except IntegrityError:
            submission = find_submission(session, period_id=period.id, agency_id=agency.id)  # type: ignore[arg-type]
            assert submission is not None
    base = draft.base_version
    # Compare-and-set on the version number: of two colleagues submitting from the same base,
    # exactly one succeeds; the other gets a Conflict and keeps the draft.
    claimed = session.execute(
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
    if not claimed.rowcount:  # type: ignore[attr-defined]
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
        version=base + 1,  # type: ignore[arg-type]
        submitted_at=now,
        submitted_by_person_id=person_id,
        is_late=is_late(now, period, zone),
    )
    session.add(version)
    session.flush()
    for part in parts:
        answer = draft.answers.get(part.key, {})
        report = TaskReport(
            version_id=version.id,  # type: ignore[arg-type]
            task_id=part.task_id,
            role=part.role,
            status=answer.get("status", ""),
            percent=answer.get("percent"),
            results=answer.get("results", ""),
            difficulties=answer.get("difficulties", ""),
            proposals=answer.get("proposals", ""),
            not_applicable_reason=answer.get("na_reason", ""),
        )
        session.add(report)
        session.flush()
        for item in answer.get("attachments", []):
            session.add(
                Attachment(
                    task_report_id=report.id,
                    channel=item["channel"],  # type: ignore[arg-type]
                    file_ref=item["file_ref"],
                    file_name=item.get("file_name", ""),
                    mime_type=item.get("mime_type", ""),
                    size=item.get("size", 0),
                )
            )
    session.delete(draft)
    session.flush()
    return Submitted(submission, version)


def version_answers(session: Session, *, submission: Submission, version: int) -> dict[str, Any]:
    """A submitted version as draft answers (for editing or display), keyed by part."""
    row = session.exec(
        select(SubmissionVersion).where(
            SubmissionVersion.submission_id == submission.id, SubmissionVersion.version == version
        )
    ).first()
    if row is None:
        return {}
    answers: dict[str, Any] = {}
    for report in session.exec(
        select(TaskReport).where(TaskReport.version_id == row.id).order_by(col(TaskReport.id))
    ):
        key = f"t{report.task_id}" if report.task_id is not None else GENERAL
        answer: dict[str, Any] = {
            "status": report.status,
            "percent": report.percent,
            "results": report.results,
            "difficulties": report.difficulties,
            "proposals": report.proposals,
            "na_reason": report.not_applicable_reason,
        }
        answer["attachments"] = [
            {
                "channel": a.channel,
                "file_ref": a.file_ref,
                "file_name": a.file_name,
                "mime_type": a.mime_type,
                "size": a.size,
            }
            for a in session.exec(select(Attachment).where(Attachment.task_report_id == report.id))
        ]
        answers[key] = {k: v for k, v in answer.items() if v not in ("", None, [])}
    return answers


@dataclass
class VersionInfo:
    version: int
    submitted_at: datetime
    is_late: bool
    by: str
    comment: str = field(default="")


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
