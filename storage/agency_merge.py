"""Merging agencies (reorganisations): everything of the source moves to the target, and the
source stays as a record pointing at it, so nothing of its history is lost."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from storage.agencies import add_name
from storage.clock import Clock
from storage.models import (
    Agency,
    AgencyName,
    GroupMember,
    Invite,
    Membership,
    PeriodAgency,
    PlanDutyAgency,
    Submission,
    TaskAssignment,
)


class MergeError(Exception):
    pass


@dataclass
class MergeResult:
    moved: dict[str, int] = field(default_factory=dict)
    kept_with_source: list[int] = field(default_factory=list)  # submission ids (both reported)


def merge_agencies(
    session: Session, *, source: Agency, target: Agency, clock: Clock
) -> MergeResult:
    if source.id == target.id:
        raise MergeError("không thể sáp nhập một cơ quan vào chính nó")
    if source.is_group or target.is_group:
        raise MergeError("chỉ sáp nhập được cơ quan, không phải nhóm cơ quan")
    if source.merged_into_id is not None:
        raise MergeError(f"{source.name} đã được sáp nhập trước đó")
    if target.merged_into_id is not None:
        raise MergeError(f"{target.name} đã được sáp nhập vào cơ quan khác")
    result = MergeResult()

    def moved(kind: str) -> None:
        result.moved[kind] = result.moved.get(kind, 0) + 1

    for membership in session.exec(select(Membership).where(Membership.agency_id == source.id)):
        membership.agency_id = target.id
        moved("focal_points")
    for invite in session.exec(select(Invite).where(Invite.agency_id == source.id)):
        invite.agency_id = target.id

    for assignment in list(
        session.exec(select(TaskAssignment).where(TaskAssignment.agency_id == source.id))
    ):
        duplicate = session.get(TaskAssignment, (assignment.task_id, target.id, assignment.role))
        data = assignment.model_dump()
        session.delete(assignment)
        session.flush()
        if duplicate is None:
            session.add(TaskAssignment(**{**data, "agency_id": target.id}))
            moved("task_roles")

    _move_links(session, GroupMember, "member_id", "group_id", source, target)
    _move_links(session, PlanDutyAgency, "agency_id", "duty_id", source, target)
    _move_links(session, PeriodAgency, "agency_id", "period_id", source, target)

    target_periods = set(
        session.exec(select(Submission.period_id).where(Submission.agency_id == target.id)).all()
    )
    for submission in session.exec(select(Submission).where(Submission.agency_id == source.id)):
        if submission.period_id in target_periods:
            # Both answered the same period: keep this one on the merged record, still readable.
            result.kept_with_source.append(submission.id)  # type: ignore[arg-type]
        else:
            submission.agency_id = target.id
            moved("submissions")

    add_name(session, agency=target, name=source.name, kind="former", clock=clock)
    for alias in session.exec(select(AgencyName).where(AgencyName.agency_id == source.id)):
        add_name(session, agency=target, name=alias.name, kind="former", clock=clock)
    source.merged_into_id = target.id
    source.reports = False
    source.updated_at = target.updated_at = clock.now()
    session.flush()
    return result


def _move_links(
    session: Session,
    model: type,
    agency_field: str,
    other_field: str,
    source: Agency,
    target: Agency,
) -> None:
    """Re-point link rows from source to target, dropping any the target already has."""
    rows = list(session.exec(select(model).where(getattr(model, agency_field) == source.id)))
    for row in rows:
        other = getattr(row, other_field)
        session.delete(row)
        session.flush()
        key = {agency_field: target.id, other_field: other}
        exists = session.exec(
            select(model).where(*(getattr(model, k) == v for k, v in key.items()))
        ).first()
        if exists is None:
            session.add(model(**key))
    session.flush()


def preview_merge(
    session: Session, *, source: Agency, target: Agency, clock: Clock
) -> MergeResult:
    """What `merge_agencies` would move, found by doing it inside a savepoint that is then
    rolled back, so the preview is the merge itself and cannot drift from it. Raises
    MergeError as the merge would."""
    savepoint = session.begin_nested()
    try:
        return merge_agencies(session, source=source, target=target, clock=clock)
    finally:
        savepoint.rollback()
        session.expire_all()  # the objects forget the rolled-back changes
