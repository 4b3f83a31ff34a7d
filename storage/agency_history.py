"""What a reorganisation does when it takes effect (an `AgencyChange` carried out).

- Reports stay with the agency that filed them, readable under the name it had then.
- From the effective date, focal points, unused invites, task roles, scope decisions,
  section IV duties and group memberships follow the successor(s); so do the reports still
  owed to open periods whose deadline is on or after that date (a period's reporting
  agencies are those that exist on its deadline), with the drafts begun for them.
- A dissolved agency's focal points' roles end (they are told, by the caller); its drafts
  are kept and stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.agencies import add_name, rename_agency, start_of
from storage.agencies import successors as current_holders
from storage.clock import Clock
from storage.members import end_membership
from storage.models import (
    Agency,
    AgencyChange,
    AgencyChangeKind,
    AgencyName,
    GroupMember,
    Invite,
    MemberRole,
    Membership,
    MemberStatus,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Person,
    Plan,
    PlanAgency,
    PlanDuty,
    PlanDutyAgency,
    ReportDraft,
    ReportingPeriod,
    ScopeOverride,
    Submission,
    Task,
    TaskAssignment,
    TaskRole,
)
from storage.periods import plan_participants

LIVE = (MemberStatus.active, MemberStatus.pending)


@dataclass(frozen=True)
class Told:
    """A focal point to tell about a change: moved to a successor, or role ended."""

    person_id: int
    agency: str  # the agency as it was
    successor: str  # where the role went ("" when it ended)


@dataclass
class Moves:
    """What one change moved (or would move: the dry run), for the operator to read."""

    focal_points: list[tuple[str, str, str]] = field(default_factory=list)  # person, from, to
    ended_roles: list[tuple[str, str]] = field(default_factory=list)  # person, agency
    owed: list[tuple[str, str, str, str]] = field(default_factory=list)  # plan, period, from, to
    drafts: list[tuple[str, str, str]] = field(default_factory=list)  # period, from, to
    kept_drafts: list[tuple[str, str]] = field(default_factory=list)  # period, agency
    task_roles: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    scopes: list[tuple[str, int, str, str]] = field(default_factory=list)  # plan, task, from, to
    duties: list[tuple[str, int, str, str]] = field(default_factory=list)  # plan, duty, from, to
    groups: list[tuple[str, str, str]] = field(default_factory=list)  # group, from, to
    kept_reports: list[tuple[str, str, str]] = field(default_factory=list)  # plan, period, filer
    renamed: tuple[str, str] | None = None
    told: list[Told] = field(default_factory=list)


class HistoryError(Exception):
    """A change that cannot be carried out (the org file check catches these first)."""


def carry_out(session: Session, *, change: AgencyChange, clock: Clock, zone: ZoneInfo) -> Moves:
    """Do what the change does, as of its effective date; mark it carried out."""
    agency = session.get(Agency, change.agency_id)
    if agency is None:
        raise HistoryError(f"no agency {change.agency_id}")
    # A successor that itself ended since the change was recorded hands on to its own.
    named = [a for i in change.successor_ids if (a := session.get(Agency, i)) is not None]
    successors = list({s.id: s for a in named for s in current_holders(session, a)}.values())
    if change.kind in (AgencyChangeKind.merge, AgencyChangeKind.split) and not successors:
        raise HistoryError(f"{agency.code}: its successors no longer exist")
    moves = Moves()
    if change.kind == AgencyChangeKind.rename:
        old = agency.name
        new_name = str(change.detail.get("to", agency.name))
        at = start_of(change.effective_on, zone)
        rename_agency(session, agency=agency, new_name=new_name, clock=clock, at=at)
        moves.renamed = (old, agency.name)
    elif change.kind == AgencyChangeKind.merge:
        target = successors[0]
        _hand_over(session, agency, successors, {}, target, change.effective_on, moves, clock)
        add_name(session, agency=target, name=agency.name, kind="former", clock=clock)
        for alias in session.exec(select(AgencyName).where(AgencyName.agency_id == agency.id)):
            add_name(session, agency=target, name=alias.name, kind="former", clock=clock)
        agency.merged_into_id = target.id
    elif change.kind == AgencyChangeKind.split:
        by_code = {a.code: a for a in successors}
        focal_to = by_code.get(str(change.detail.get("focal_points_to") or ""), successors[0])
        targets = _task_targets(session, agency, change.detail.get("tasks") or {}, by_code)
        _hand_over(
            session, agency, successors, targets, focal_to, change.effective_on, moves, clock
        )
    elif change.kind == AgencyChangeKind.dissolve:
        _dissolve(session, agency, change.effective_on, moves, clock)
    if change.kind in (AgencyChangeKind.merge, AgencyChangeKind.split, AgencyChangeKind.dissolve):
        agency.ended_on = change.effective_on
    agency.updated_at = clock.now()
    change.carried_out_at = clock.now()
    session.add_all([agency, change])
    session.flush()
    return moves


def _task_targets(
    session: Session, source: Agency, wanted: dict[str, object], by_code: dict[str, Agency]
) -> dict[int, list[Agency]]:
    """A split's `tasks` ({successor code: {plan code: [task numbers]}}) as task id ->
    successors; a task no successor names goes to all of them."""
    plans = {p.code: p.id for p in session.exec(select(Plan)).all()}
    out: dict[int, list[Agency]] = {}
    for code, per_plan in wanted.items():
        successor = by_code.get(code)
        if successor is None or not isinstance(per_plan, dict):
            continue
        for plan_code, numbers in per_plan.items():
            tasks = session.exec(
                select(Task.id).where(
                    Task.plan_id == plans.get(plan_code), col(Task.number).in_(list(numbers))
                )
            ).all()
            for task_id in tasks:
                out.setdefault(task_id, []).append(successor)
    return out


def _give_role(session: Session, *, task_id: int, role: str, position: int, target: Agency) -> None:
    """A task role for the successor; leading a task includes coordinating it, so the
    stronger of the two roles is kept, once."""
    lead = session.get(TaskAssignment, (task_id, target.id, TaskRole.lead))
    if role == TaskRole.coordinating and lead is not None:
        return
    if role == TaskRole.lead:
        coordinating = session.get(TaskAssignment, (task_id, target.id, TaskRole.coordinating))
        if coordinating is not None:
            session.delete(coordinating)
            session.flush()
    held = session.get(TaskAssignment, (task_id, target.id, role))
    if held is None:
        session.add(
            TaskAssignment(task_id=task_id, agency_id=target.id, role=role, position=position)
        )
    else:  # the earlier place in the appendix's list, as a re-import of the plan file puts it
        held.position = min(held.position, position)


def _owed_periods(session: Session, source: Agency, on: date) -> list[ReportingPeriod]:
    """Open periods the agency owes whose deadline is on or after `on`."""
    return list(
        session.exec(
            select(ReportingPeriod)
            .join(PeriodAgency, col(PeriodAgency.period_id) == col(ReportingPeriod.id))
            .where(
                PeriodAgency.agency_id == source.id,
                ReportingPeriod.status == PeriodStatus.open,
                col(ReportingPeriod.due_on) >= on,
            )
            .order_by(col(ReportingPeriod.due_on), col(ReportingPeriod.id))
        ).all()
    )


def _plan_codes(session: Session) -> dict[int, str]:
    return {p.id: p.code for p in session.exec(select(Plan)).all() if p.id is not None}


def _filed(session: Session, period: ReportingPeriod, agency: Agency) -> bool:
    row = session.exec(
        select(Submission.current_version).where(
            Submission.period_id == period.id, Submission.agency_id == agency.id
        )
    ).first()
    return bool(row)


def _hand_over(
    session: Session,
    source: Agency,
    successors: list[Agency],
    task_targets: dict[int, list[Agency]],
    focal_to: Agency,
    effective_on: date,
    moves: Moves,
    clock: Clock,
) -> None:
    """Everything of `source` that follows its successors from the effective date."""
    if not successors:
        raise HistoryError(f"{source.code} has no successor")
    plans = _plan_codes(session)
    for membership in session.exec(
        select(Membership).where(
            Membership.agency_id == source.id,
            Membership.role == MemberRole.focal,
            col(Membership.status).in_(LIVE),
        )
    ).all():
        person = membership.person_id
        moves.focal_points.append((_person_name(session, person), source.code, focal_to.code))
        moves.told.append(Told(person, source.name, focal_to.name))
        twin = session.exec(
            select(Membership).where(
                Membership.person_id == person,
                Membership.agency_id == focal_to.id,
                Membership.role == MemberRole.focal,
                col(Membership.status).in_(LIVE),
            )
        ).first()
        if twin is not None:  # already a focal point there: one role is enough
            end_membership(session, membership=membership, status=MemberStatus.left, clock=clock)
        else:
            membership.agency_id = focal_to.id
    for invite in session.exec(
        select(Invite).where(Invite.agency_id == source.id, col(Invite.used_at).is_(None))
    ).all():
        invite.agency_id = focal_to.id

    tasks = {t.id: t for t in session.exec(select(Task)).all()}
    for assignment in list(
        session.exec(select(TaskAssignment).where(TaskAssignment.agency_id == source.id)).all()
    ):
        task = tasks[assignment.task_id]
        role, position = assignment.role, assignment.position
        session.delete(assignment)
        session.flush()
        for target in task_targets.get(task.id, successors):
            _give_role(session, task_id=task.id, role=role, position=position, target=target)
            moves.task_roles.append(
                (plans[task.plan_id], task.number, role, source.code, target.code)
            )
    for override in list(
        session.exec(select(ScopeOverride).where(ScopeOverride.agency_id == source.id)).all()
    ):
        task = tasks[override.task_id]
        data = override.model_dump()
        session.delete(override)
        session.flush()
        for target in task_targets.get(override.task_id, successors):
            if session.get(ScopeOverride, (override.task_id, target.id)) is None:
                session.add(ScopeOverride(**{**data, "agency_id": target.id}))
            moves.scopes.append((plans[task.plan_id], task.number, source.code, target.code))
    duties = {d.id: d for d in session.exec(select(PlanDuty)).all()}
    for link in list(
        session.exec(select(PlanDutyAgency).where(PlanDutyAgency.agency_id == source.id)).all()
    ):
        duty = duties[link.duty_id]
        session.delete(link)
        session.flush()
        for target in successors:
            if session.get(PlanDutyAgency, (link.duty_id, target.id)) is None:
                session.add(PlanDutyAgency(duty_id=link.duty_id, agency_id=target.id))
            moves.duties.append((plans[duty.plan_id], duty.number, source.code, target.code))
    for member in list(
        session.exec(select(GroupMember).where(GroupMember.member_id == source.id)).all()
    ):
        group = session.get(Agency, member.group_id)
        session.delete(member)
        session.flush()
        for target in successors:
            if session.get(GroupMember, (member.group_id, target.id)) is None:
                session.add(GroupMember(group_id=member.group_id, member_id=target.id))
            moves.groups.append((group.code if group else "", source.code, target.code))
    for named in session.exec(select(PlanAgency).where(PlanAgency.agency_id == source.id)).all():
        for target in successors:
            if session.get(PlanAgency, (named.plan_id, target.id)) is None:
                session.add(
                    PlanAgency(plan_id=named.plan_id, agency_id=target.id, obliged=named.obliged)
                )
    session.flush()

    for period in _owed_periods(session, source, effective_on):
        plan = plans[period.plan_id]
        if _filed(session, period, source):
            moves.kept_reports.append((plan, period.key, source.code))
        session.delete(session.get(PeriodAgency, (period.id, source.id)))
        if period.kind == PeriodKind.periodic:
            taking_part = {
                a.id for a in plan_participants(session, plan_id=period.plan_id, on=period.due_on)
            }
            heirs = [a for a in successors if a.id in taking_part]
        else:  # an ad-hoc request named the agency itself: its focal points' successor owes it
            heirs = [focal_to]
        for heir in heirs:
            if session.get(PeriodAgency, (period.id, heir.id)) is None:
                session.add(PeriodAgency(period_id=period.id, agency_id=heir.id))
            moves.owed.append((plan, period.key, source.code, heir.code))
        if not heirs:
            moves.owed.append((plan, period.key, source.code, ""))
        _move_drafts(session, period, source, focal_to, moves)
    session.flush()


def _move_drafts(
    session: Session, period: ReportingPeriod, source: Agency, heir: Agency, moves: Moves
) -> None:
    """Drafts begun for the source follow its focal points, unless they already have one."""
    for draft in session.exec(
        select(ReportDraft).where(
            ReportDraft.period_id == period.id, ReportDraft.agency_id == source.id
        )
    ).all():
        taken = session.exec(
            select(ReportDraft.id).where(
                ReportDraft.period_id == period.id,
                ReportDraft.agency_id == heir.id,
                ReportDraft.person_id == draft.person_id,
            )
        ).first()
        if taken is None:
            draft.agency_id = heir.id
            moves.drafts.append((period.key, source.code, heir.code))
        else:
            moves.kept_drafts.append((period.key, source.code))


def _dissolve(
    session: Session, agency: Agency, effective_on: date, moves: Moves, clock: Clock
) -> None:
    """Roles end, the plan forgets the agency's tasks and duties, owed reports lapse; what it
    filed and the drafts begun stay."""
    plans = _plan_codes(session)
    for membership in session.exec(
        select(Membership).where(
            Membership.agency_id == agency.id,
            Membership.role == MemberRole.focal,
            col(Membership.status).in_(LIVE),
        )
    ).all():
        name = _person_name(session, membership.person_id)
        end_membership(session, membership=membership, status=MemberStatus.ended, clock=clock)
        moves.ended_roles.append((name, agency.code))
        moves.told.append(Told(membership.person_id, agency.name, ""))
    for invite in session.exec(
        select(Invite).where(Invite.agency_id == agency.id, col(Invite.used_at).is_(None))
    ).all():
        invite.expires_at = min(invite.expires_at, clock.now())
    tasks = {t.id: t for t in session.exec(select(Task)).all()}
    for assignment in session.exec(
        select(TaskAssignment).where(TaskAssignment.agency_id == agency.id)
    ).all():
        task = tasks[assignment.task_id]
        moves.task_roles.append(
            (plans[task.plan_id], task.number, assignment.role, agency.code, "")
        )
        session.delete(assignment)
    for override in session.exec(
        select(ScopeOverride).where(ScopeOverride.agency_id == agency.id)
    ).all():
        task = tasks[override.task_id]
        moves.scopes.append((plans[task.plan_id], task.number, agency.code, ""))
        session.delete(override)
    duties = {d.id: d for d in session.exec(select(PlanDuty)).all()}
    for link in session.exec(
        select(PlanDutyAgency).where(PlanDutyAgency.agency_id == agency.id)
    ).all():
        duty = duties[link.duty_id]
        moves.duties.append((plans[duty.plan_id], duty.number, agency.code, ""))
        session.delete(link)
    for member in session.exec(select(GroupMember).where(GroupMember.member_id == agency.id)).all():
        group = session.get(Agency, member.group_id)
        moves.groups.append((group.code if group else "", agency.code, ""))
        session.delete(member)
    for period in _owed_periods(session, agency, effective_on):
        plan = plans[period.plan_id]
        if _filed(session, period, agency):
            moves.kept_reports.append((plan, period.key, agency.code))
        moves.owed.append((plan, period.key, agency.code, ""))
        session.delete(session.get(PeriodAgency, (period.id, agency.id)))
        for _draft in session.exec(
            select(ReportDraft.id).where(
                ReportDraft.period_id == period.id, ReportDraft.agency_id == agency.id
            )
        ).all():
            moves.kept_drafts.append((period.key, agency.code))
    session.flush()


def _person_name(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    return person.full_name if person else str(person_id)
