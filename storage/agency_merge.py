"""Merging one agency into another now: a one-change reorganisation (`storage.org_changes`),
for the callers that merge a pair at a time. From the day it takes effect, the source's focal
points, task roles, duties, groups and owed reports belong to the target; the source stays as
the record of what it filed, which keeps its reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage.clock import Clock
from storage.i18n import Text, text
from storage.models import Agency, Submission
from storage.org_changes import apply_changes
from storage.org_file import ChangeSpec
from storage.plan_document import PlanFileError

PROVINCE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class MergeError(Exception):
    """Why a merge cannot be done; `render` words it in the reader's language."""

    def __init__(self, *reasons: Text | str) -> None:
        self.reasons = reasons
        super().__init__(self.render("vi"))

    def render(self, language: str) -> str:
        return "; ".join(
            reason.render(language) if isinstance(reason, Text) else reason
            for reason in self.reasons
        )


@dataclass
class MergeResult:
    moved: dict[str, int] = field(default_factory=dict)
    kept_with_source: list[int] = field(default_factory=list)  # the source's reports (ids)


def merge_agencies(
    session: Session,
    *,
    source: Agency,
    target: Agency,
    clock: Clock,
    zone: ZoneInfo = PROVINCE_ZONE,
    effective_on: date | None = None,
) -> MergeResult:
    """Record the merge (from today, or `effective_on`) and carry it out if due."""
    if source.id == target.id:
        raise MergeError(text("merge.self"))
    if source.is_group or target.is_group:
        raise MergeError(text("merge.group"))
    if source.ended_on is not None:
        raise MergeError(text("merge.source_gone", name=source.name))
    if target.ended_on is not None:
        raise MergeError(text("merge.target_gone", name=target.name))
    today = clock.now().astimezone(zone).date()
    spec = ChangeSpec("merge", "merge", effective_on or today, [source.code], [target.code])
    try:
        applied = apply_changes(
            session, [spec], source="merge", clock=clock, zone=zone, today=today
        )
    except PlanFileError as error:
        raise MergeError(*(problem.detail for problem in error.problems)) from None
    result = MergeResult()
    for _change, moves in applied.carried:
        if moves.focal_points:
            result.moved["focal_points"] = len(moves.focal_points)
        if moves.task_roles:
            result.moved["task_roles"] = len(moves.task_roles)
    result.kept_with_source = sorted(
        i
        for i in session.exec(select(Submission.id).where(Submission.agency_id == source.id))
        if i is not None
    )
    return result


def preview_merge(session: Session, *, source: Agency, target: Agency, clock: Clock) -> MergeResult:
    """What `merge_agencies` would move, found by doing it inside a savepoint that is then
    rolled back, so the preview is the merge itself and cannot drift from it. Raises
    MergeError as the merge would."""
    savepoint = session.begin_nested()
    try:
        return merge_agencies(session, source=source, target=target, clock=clock)
    finally:
        savepoint.rollback()
        session.expire_all()  # the objects forget the rolled-back changes
