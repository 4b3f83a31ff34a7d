"""Read models for the secretariat's web console that the chat does not need: a cheap stamp
of a period's last change (the board polls it), an agency's names over time and its reports
in every period. The figures themselves come from `storage.summary`, as for /summary."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import (
    Agency,
    AgencyName,
    ReportingPeriod,
    Submission,
)


def period_stamp(session: Session, *, period_id: int) -> str:
    """Changes when a report of the period is submitted, returned or edited, or an agency is
    renamed or merged: one small aggregate query, cheap enough to poll every few seconds."""
    submissions = session.exec(
        select(
            func.count(col(Submission.id)),
            func.coalesce(func.sum(col(Submission.revision)), 0),
            func.max(col(Submission.updated_at)),
        ).where(Submission.period_id == period_id)
    ).one()
    agencies = session.exec(select(func.max(col(Agency.updated_at)))).one()
    count, revisions, last = submissions
    parts = [str(count), str(revisions), _instant(last), _instant(agencies)]
    return "-".join(parts)


def _instant(value: object) -> str:
    # SQLite returns aggregates of the UTC column as text; PostgreSQL as a datetime.
    text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return "".join(ch for ch in text if ch.isalnum())


def agency_names(session: Session, *, agency_id: int) -> list[AgencyName]:
    """Former names and aliases, oldest first (the agency's own name is on the agency)."""
    return list(
        session.exec(
            select(AgencyName)
            .where(AgencyName.agency_id == agency_id)
            .order_by(col(AgencyName.valid_from), col(AgencyName.id))
        ).all()
    )


def agency_submissions(
    session: Session, *, agency_id: int
) -> list[tuple[ReportingPeriod, Submission]]:
    """The agency's reports in every period (latest deadline first), drafts excluded."""
    return [
        (period, submission)
        for period, submission in session.exec(
            select(ReportingPeriod, Submission)
            .join(Submission, col(Submission.period_id) == col(ReportingPeriod.id))
            .where(Submission.agency_id == agency_id, col(Submission.current_version) > 0)
            .order_by(col(ReportingPeriod.due_on).desc(), col(ReportingPeriod.id).desc())
        ).all()
    ]


def merged_into(session: Session, *, agency: Agency) -> Agency | None:
    return session.get(Agency, agency.merged_into_id) if agency.merged_into_id else None
