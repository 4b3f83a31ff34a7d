"""Write a checked plan into the database, in place: re-importing never duplicates and
never drops submissions (tasks missing from the new file are retired, not deleted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exists
from sqlmodel import Session, col, delete, select

from storage.agencies import AgencyIndex, add_name, rename_agency, successors
from storage.clock import Clock
from storage.forms import ensure_forms, store_form
from storage.i18n import text
from storage.models import (
    Agency,
    AgencyChange,
    AgencyChangeKind,
    AgencyKind,
    GroupMember,
    Plan,
    PlanAgency,
    PlanDuty,
    PlanDutyAgency,
    Task,
    TaskAssignment,
    TaskRole,
)
from storage.plan_document import (
    PlanDocument,
    PlanFileError,
    Problem,
    TaskTable,
    month_day,
    parse_table,
    parse_yaml,
)
from storage.questionnaire import Questionnaire
from storage.xlsform import read_xlsform
from storage.xlsform_sheets import is_xlsform


@dataclass
class ImportResult:
    plan_code: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    retired_tasks: list[int] = field(default_factory=list)
    # Agencies another plan shares, whose name or kind this file gives otherwise: kept.
    kept_agencies: list[str] = field(default_factory=list)
    form_versions: list[tuple[str, int, bool]] = field(default_factory=list)  # key, version, new

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1


def load_plan_file(path: Path) -> PlanDocument | TaskTable | Questionnaire:
    """A YAML plan, an XLSForm questionnaire (a workbook with a `survey` sheet) or a task table."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return parse_yaml(path)
    if is_xlsform(path):
        return read_xlsform(path)
    return parse_table(path)


def import_file(
    session: Session, *, path: Path, clock: Clock, plan_code: str | None = None
) -> ImportResult:
    """Import a YAML plan, an XLSForm questionnaire or an appendix table; raise PlanFileError
    and write nothing on error."""
    parsed = load_plan_file(path)
    if isinstance(parsed, PlanDocument):
        return import_document(session, document=parsed, clock=clock)
    if isinstance(parsed, Questionnaire):
        return import_questionnaire(
            session, name=path.name, form=parsed, clock=clock, plan_code=plan_code
        )
    return import_task_table(session, table=parsed, clock=clock, plan_code=plan_code)


def _assign(row: object, **values: object) -> bool:
    """Set the attributes; True when any of them changed (so an unchanged re-import reports
    nothing updated)."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def import_document(session: Session, *, document: PlanDocument, clock: Clock) -> ImportResult:
    """Write a whole plan. Agencies belong to the deployment: one another plan shares keeps
    its name and kind (a rename goes through `baocao agency rename` or an org file), and a
    group another plan uses must keep its members, so importing a plan never changes
    another. An agency code that was merged, split or dissolved stands for its successors."""
    now = clock.now()
    result = ImportResult(document.plan.code)
    existing_plan = session.exec(select(Plan).where(Plan.code == document.plan.code)).first()
    plan_id = existing_plan.id if existing_plan else None
    problems = _shared_group_problems(session, document=document, plan_id=plan_id)
    if problems:
        raise PlanFileError(problems)
    agencies: dict[str, list[Agency]] = {}
    obliged: dict[int, bool] = {}

    for spec in document.agencies:
        agency = session.exec(select(Agency).where(Agency.code == spec.code)).first()
        if agency is None:
            agency = Agency(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                reports=spec.reports,
                created_at=now,
                updated_at=now,
            )
            session.add(agency)
            session.flush()
            result.count(result.created, "agency")
        elif agency.ended_on is None and not _shared(session, agency=agency, plan_id=plan_id):
            renamed = agency.name != spec.name and not _renamed_by_change(session, agency)
            if renamed:
                rename_agency(session, agency=agency, new_name=spec.name, clock=clock)
            if _assign(agency, kind=spec.kind, reports=spec.reports) or renamed:
                agency.updated_at = now
                result.count(result.updated, "agency")
        elif agency.ended_on is None and (agency.name, agency.kind) != (spec.name, spec.kind):
            result.kept_agencies.append(agency.code)
        for alias in spec.aliases:
            add_name(session, agency=agency, name=alias, kind="alias", clock=clock)
        agencies[spec.code] = successors(session, agency)
        for holder in agencies[spec.code]:
            obliged[holder.id] = obliged.get(holder.id, False) or spec.obliged

    for group_spec in document.groups:
        group = session.exec(select(Agency).where(Agency.code == group_spec.code)).first()
        is_new = group is None
        if group is None:
            group = Agency(
                code=group_spec.code,
                name=group_spec.name,
                kind=AgencyKind.group,
                is_group=True,
                reports=False,
                broad=group_spec.broad,
                created_at=now,
                updated_at=now,
            )
            session.add(group)
            session.flush()
            result.count(result.created, "group")
        member_ids = {a.id for code in group_spec.members for a in agencies[code]} - {None}
        current = set(
            session.exec(select(GroupMember.member_id).where(GroupMember.group_id == group.id))
        )
        if not is_new:
            changed = _assign(group, name=group_spec.name, broad=group_spec.broad)
            if changed or current != member_ids:
                group.updated_at = now
                result.count(result.updated, "group")
        for alias in group_spec.aliases:
            add_name(session, agency=group, name=alias, kind="alias", clock=clock)
        if current != member_ids:
            session.exec(delete(GroupMember).where(col(GroupMember.group_id) == group.id))
            for member_id in sorted(i for i in member_ids if i is not None):
                session.add(GroupMember(group_id=group.id, member_id=member_id))
        agencies[group_spec.code] = [group]

    agencies_due = month_day(document.reporting.periodic.agencies_due)
    consolidation_due = month_day(document.reporting.periodic.consolidation_due)
    plan = existing_plan
    created = plan is None
    if plan is None:
        plan = Plan(code=document.plan.code, imported_at=now)
        session.add(plan)
        result.count(result.created, "plan")
    secretariat = document.plan.secretariat
    changed = _assign(
        plan,
        title=document.plan.title,
        issuer=document.plan.issuer,
        issued_on=document.plan.issued_on,
        secretariat_agency_id=(
            agencies[secretariat][0].id if secretariat and agencies[secretariat] else None
        ),
        agencies_due_month=agencies_due[0],
        agencies_due_day=agencies_due[1],
        consolidation_due_month=consolidation_due[0],
        consolidation_due_day=consolidation_due[1],
        reporting_note=document.reporting.periodic.description,
        adhoc_allowed=document.reporting.adhoc,
    )
    if changed and not created:
        result.count(result.updated, "plan")
    plan.imported_at = now
    session.flush()
    assert plan.id is not None
    for agency_id, is_obliged in obliged.items():
        row = session.get(PlanAgency, (plan.id, agency_id))
        if row is None:
            session.add(PlanAgency(plan_id=plan.id, agency_id=agency_id, obliged=is_obliged))
        else:
            row.obliged = is_obliged

    for duty_spec in document.duties:
        duty = session.exec(
            select(PlanDuty).where(PlanDuty.plan_id == plan.id, PlanDuty.number == duty_spec.number)
        ).first()
        if duty is None:
            duty = PlanDuty(plan_id=plan.id, number=duty_spec.number, heading=duty_spec.heading)
            session.add(duty)
            session.flush()
        duty.heading, duty.text = duty_spec.heading, duty_spec.text
        session.exec(delete(PlanDutyAgency).where(col(PlanDutyAgency.duty_id) == duty.id))
        for agency_id in dict.fromkeys(a.id for c in duty_spec.agencies for a in agencies[c]):
            session.add(PlanDutyAgency(duty_id=duty.id, agency_id=agency_id))

    rows = [
        (
            spec.number,
            spec.title,
            spec.timeframe,
            [a for c in spec.lead for a in agencies[c]],
            [a for c in spec.coordinating for a in agencies[c]],
        )
        for spec in document.tasks
    ]
    _write_tasks(session, plan=plan, rows=rows, result=result)
    for form in document.questionnaires:
        _row, created = store_form(session, plan_id=plan.id, form=form, clock=clock)
        if created:
            result.count(result.created, "questionnaire")
    ensure_forms(session, plan=plan, clock=clock)
    session.flush()
    return result


def _shared(session: Session, *, agency: Agency, plan_id: int | None) -> bool:
    """Whether another plan than this one names the agency, gives it a task or a duty."""
    others = col(Plan.id) != plan_id if plan_id is not None else col(Plan.id).is_not(None)
    for link in (
        select(PlanAgency.plan_id).where(PlanAgency.agency_id == agency.id),
        select(Task.plan_id)
        .join(TaskAssignment, col(TaskAssignment.task_id) == col(Task.id))
        .where(TaskAssignment.agency_id == agency.id),
        select(PlanDuty.plan_id)
        .join(PlanDutyAgency, col(PlanDutyAgency.duty_id) == col(PlanDuty.id))
        .where(PlanDutyAgency.agency_id == agency.id),
    ):
        found = session.exec(select(Plan.id).where(others, col(Plan.id).in_(link))).first()
        if found is not None:
            return True
    return False


def _renamed_by_change(session: Session, agency: Agency) -> bool:
    """A reorganisation renamed it: an older plan file does not give the old name back."""
    return bool(
        session.exec(
            select(
                exists().where(
                    col(AgencyChange.agency_id) == agency.id,
                    col(AgencyChange.kind) == AgencyChangeKind.rename,
                    col(AgencyChange.carried_out_at).is_not(None),
                )
            )
        ).one()
    )


def _shared_group_problems(
    session: Session, *, document: PlanDocument, plan_id: int | None
) -> list[Problem]:
    """A group another plan uses, given other members or breadth here: refused, since
    changing it would change that plan's scope."""
    problems = []
    for index, spec in enumerate(document.groups):
        group = session.exec(select(Agency).where(Agency.code == spec.code)).first()
        if group is None or not _shared(session, agency=group, plan_id=plan_id):
            continue
        wanted: set[int | str] = set()
        for code in spec.members:
            agency = session.exec(select(Agency).where(Agency.code == code)).first()
            if agency is None:
                wanted.add(code)  # new to the deployment: certainly not a member yet
            else:
                wanted |= {a.id for a in successors(session, agency) if a.id is not None}
        current = set(
            session.exec(select(GroupMember.member_id).where(GroupMember.group_id == group.id))
        )
        if wanted != current or spec.broad != group.broad:
            problems.append(
                Problem(
                    f"{document.plan.code}: groups[{index}]",
                    "shared_group",
                    text("problem.shared_group", code=spec.code),
                )
            )
    return problems


def import_task_table(
    session: Session, *, table: TaskTable, clock: Clock, plan_code: str | None
) -> ImportResult:
    """Update the tasks of an existing plan from an appendix-like table."""
    name = table.path.name
    plan = _choose_plan(session, name=name, plan_code=plan_code)
    index = AgencyIndex.load(session)
    problems: list[Problem] = []
    rows = []
    for row in table.rows:
        resolved: dict[str, list[Agency]] = {}
        for role, names in (("lead", row.lead), ("coordinating", row.coordinating)):
            resolved[role] = []
            for cell in names:
                found, unknown = index.resolve_cell(cell)
                resolved[role].extend(h for a in found for h in successors(session, a))
                problems.extend(
                    Problem(
                        text("problem.at_line", file=name, line=row.row),
                        "unknown_agency",
                        text(f"problem.unknown_{role}", name=piece),
                    )
                    for piece in unknown
                )
        rows.append(
            (row.number, row.title, row.timeframe, resolved["lead"], resolved["coordinating"])
        )
    if problems:
        raise PlanFileError(problems)
    result = ImportResult(plan.code)
    _write_tasks(session, plan=plan, rows=rows, result=result)
    ensure_forms(session, plan=plan, clock=clock)
    session.flush()
    return result


def import_questionnaire(
    session: Session, *, name: str, form: Questionnaire, clock: Clock, plan_code: str | None
) -> ImportResult:
    """Store a questionnaire (from an XLSForm workbook) as the next version of its key."""
    plan = _choose_plan(session, name=name, plan_code=plan_code)
    assert plan.id is not None
    result = ImportResult(plan.code)
    row, created = store_form(session, plan_id=plan.id, form=form, clock=clock)
    if created:
        result.count(result.created, "questionnaire")
    result.form_versions.append((row.key, row.version, created))
    session.flush()
    return result


def _choose_plan(session: Session, *, name: str, plan_code: str | None) -> Plan:
    """The plan named by --plan, or the only one; a table or a questionnaire needs a plan."""
    plans = session.exec(select(Plan).order_by(col(Plan.id))).all()
    if plan_code is not None:
        plans = [p for p in plans if p.code == plan_code]
    if len(plans) != 1:
        message = (
            text("problem.no_such_plan", code=plan_code)
            if plan_code
            else text("problem.which_plan")
            if plans
            else text("problem.no_plan_yet")
        )
        raise PlanFileError([Problem(name, "unknown_plan", message)])
    return plans[0]


def _write_tasks(
    session: Session,
    *,
    plan: Plan,
    rows: list[tuple[int, str, str, list[Agency], list[Agency]]],
    result: ImportResult,
) -> None:
    existing = {t.number: t for t in session.exec(select(Task).where(Task.plan_id == plan.id))}
    unchanged_candidates = set(existing)  # tasks that were there before this import
    for number, title, timeframe, lead, coordinating in rows:
        task = existing.pop(number, None)
        if task is None:
            task = Task(plan_id=plan.id, number=number, title=title, timeframe=timeframe)
            session.add(task)
            session.flush()
            result.count(result.created, "task")
        wanted = []
        leads = {agency.id for agency in lead}
        for role, members in ((TaskRole.lead, lead), (TaskRole.coordinating, coordinating)):
            # Leading a task includes coordinating it (two codes merged into one agency).
            seen: set[int] = set() if role == TaskRole.lead else set(leads)
            for position, agency in enumerate(members):
                if agency.id not in seen:
                    seen.add(agency.id)
                    wanted.append((agency.id, str(role), position))
        current = sorted(
            (a.agency_id, a.role, a.position)
            for a in session.exec(select(TaskAssignment).where(TaskAssignment.task_id == task.id))
        )
        if task.id is not None and number in unchanged_candidates:
            changed = _assign(task, title=title, timeframe=timeframe, retired=False)
            if changed or current != sorted(wanted):
                result.count(result.updated, "task")
        if current != sorted(wanted):
            session.exec(delete(TaskAssignment).where(col(TaskAssignment.task_id) == task.id))
            for agency_id, assigned, position in wanted:
                session.add(
                    TaskAssignment(
                        task_id=task.id, agency_id=agency_id, role=assigned, position=position
                    )
                )
    for task in existing.values():  # dropped from the file: keep it (and its answers), retired
        if not task.retired:
            task.retired = True
            result.retired_tasks.append(task.number)
