"""Reorganisations: check the changes of an org file against the database, record them
(`AgencyChange`, and the agencies they create), and carry out those whose date has come
(`storage.agency_history`). A change dated in the future waits: the scheduler carries it
out on its day (`scheduler.org_changes`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.agencies import ENDING_KINDS, AgencyIndex, add_name
from storage.agency_history import HistoryError, Moves, carry_out
from storage.clock import Clock
from storage.i18n import Text, text
from storage.models import Agency, AgencyChange, AgencyChangeKind, Plan, Task
from storage.org_file import ChangeSpec, NewAgency
from storage.plan_document import PlanFileError, Problem


@dataclass
class Applied:
    """What applying a file did: the changes recorded, those carried out now with what
    they moved, those waiting for their date, and the ones recorded before (skipped)."""

    recorded: list[AgencyChange] = field(default_factory=list)
    carried: list[tuple[AgencyChange, Moves]] = field(default_factory=list)
    scheduled: list[AgencyChange] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


class _Checker:
    """Looks up every agency a file names and collects what is wrong, one problem a line."""

    def __init__(self, session: Session, specs: list[ChangeSpec]) -> None:
        self.session = session
        self.specs = specs
        self.index = AgencyIndex.load(session)
        self.problems: list[Problem] = []
        self.new: dict[str, tuple[NewAgency, date, str]] = {}  # code -> (agency, from, where)
        self.ends: dict[str, tuple[date, str]] = {}  # code -> (day it ends, where)
        pending = session.exec(
            select(AgencyChange, Agency)
            .join(Agency, col(Agency.id) == col(AgencyChange.agency_id))
            .where(
                col(AgencyChange.kind).in_(ENDING_KINDS),
                col(AgencyChange.carried_out_at).is_(None),
            )
        ).all()
        self.pending = {agency.code: change.effective_on for change, agency in pending}
        self.plans = {p.code: p.id for p in session.exec(select(Plan)).all()}

    def problem(self, where: str, code: str, message: Text) -> None:
        self.problems.append(Problem(where, code, message))

    def find(self, where: str, reference: str) -> Agency | None:
        agency = self.index.find(reference)
        if agency is None:
            self.problem(where, "unknown_agency", text("problem.unknown_agency", code=reference))
        elif agency.is_group:
            self.problem(where, "group", text("org.problem.group", name=reference))
            return None
        return agency

    def check(self) -> list[Problem]:
        for spec in self.specs:
            self._collect_new(spec)
        for spec in self.specs:
            self._collect_ends(spec)
        cyclic = self._cycles()
        for spec in self.specs:
            self._check(spec, cyclic)
        return self.problems

    def _collect_new(self, spec: ChangeSpec) -> None:
        created = [spec.created] if spec.created else []
        created += [s for s in spec.into if isinstance(s, NewAgency)]
        for new in created:
            where = f"{spec.where}: {new.code}"
            if new.code in self.new or self.index.by_code.get(new.code) is not None:
                self.problem(where, "duplicate_code", text("org.problem.code_taken", code=new.code))
                continue
            self.new[new.code] = (new, spec.effective_on, spec.where)

    def _collect_ends(self, spec: ChangeSpec) -> None:
        if spec.kind not in ENDING_KINDS:
            return
        for position, reference in enumerate(spec.agencies, start=1):
            where = f"{spec.where}.{spec.kind}" + (
                f"[{position}]" if len(spec.agencies) > 1 else ""
            )
            if reference in self.new:  # created by an earlier entry of this file
                code, name = reference, self.new[reference][0].name
            else:
                agency = self.find(where, reference)
                if agency is None:
                    continue
                code, name = agency.code, agency.name
            if code in self.ends:
                self.problem(
                    where,
                    "changed_twice",
                    text("org.problem.changed_twice", name=name, other=self.ends[code][1]),
                )
                continue
            self.ends[code] = (spec.effective_on, spec.where)

    def _code(self, successor: str | NewAgency) -> str | None:
        if isinstance(successor, NewAgency):
            return successor.code
        if successor in self.new:
            return successor
        agency = self.index.find(successor)
        return agency.code if agency is not None else None

    def _cycles(self) -> set[str]:
        """Merges and splits that lead back to where they began (a → b → a)."""
        edges: dict[str, set[str]] = {}
        for spec in self.specs:
            if spec.kind not in (AgencyChangeKind.merge, AgencyChangeKind.split):
                continue
            targets = {c for s in spec.into if (c := self._code(s)) is not None}
            for reference in spec.agencies:
                if (code := self._code(reference)) is not None:
                    edges.setdefault(code, set()).update(targets)
        in_cycle: set[str] = set()
        reported: set[frozenset[str]] = set()

        def walk(node: str, path: list[str]) -> None:
            for nxt in sorted(edges.get(node, ())):
                if nxt in path:
                    loop = path[path.index(nxt) :]
                    in_cycle.update(loop)
                    if frozenset(loop) not in reported:
                        reported.add(frozenset(loop))
                        chain = " → ".join([*loop, nxt])
                        self.problem(
                            self._where_of(loop[0]),
                            "merge_cycle",
                            text("org.problem.cycle", chain=chain),
                        )
                elif nxt not in in_cycle:
                    walk(nxt, [*path, nxt])

        for start in sorted(edges):
            walk(start, [start])
        return in_cycle

    def _where_of(self, code: str) -> str:
        return self.ends.get(code, (None, self.specs[0].where))[1]

    def _exists(
        self,
        where: str,
        code: str,
        name: str,
        day: date,
        *,
        cyclic: set[str],
        ending: str | None = None,
    ) -> None:
        """A successor or the agency renamed must exist on the change's date (as must an agency
        this file creates and a later entry changes: `ending` is that entry's kind, whose own
        end is not held against it)."""
        if code in cyclic:
            return
        agency = self.index.by_code.get(code)
        begins = self.new[code][1] if code in self.new else (agency.valid_from if agency else None)
        ends = [
            d
            for d in (
                agency.ended_on if agency else None,
                self.pending.get(code),
                self.ends.get(code, (None, ""))[0] if ending not in ENDING_KINDS else None,
            )
            if d is not None
        ]
        if begins is not None and begins > day:
            self.problem(
                where,
                "not_yet",
                text("org.problem.begins_after", name=name, begins=_day(begins), day=_day(day)),
            )
        elif ends and min(ends) <= day:
            self.problem(where, "ended", text("org.problem.gone", name=name, day=_day(min(ends))))

    def _check(self, spec: ChangeSpec, cyclic: set[str]) -> None:
        day = spec.effective_on
        sources = []
        source_codes: set[str] = set()
        for position, reference in enumerate(spec.agencies, start=1):
            where = f"{spec.where}.{spec.kind}" + (
                f"[{position}]" if len(spec.agencies) > 1 else ""
            )
            if reference in self.new:  # created by an earlier entry: it must exist by then
                source_codes.add(reference)
                name = self.new[reference][0].name
                self._exists(where, reference, name, day, cyclic=cyclic, ending=spec.kind)
                continue
            agency = self.index.find(reference)
            if agency is None or agency.is_group:
                if spec.kind not in ENDING_KINDS:
                    self.find(where, reference)  # ending ones were reported when collected
                continue
            sources.append(agency)
            if agency.ended_on is not None:
                ended = _day(agency.ended_on)
                self.problem(where, "ended", text("org.problem.ended", name=agency.name, day=ended))
            elif agency.code in self.pending:
                self.problem(
                    where,
                    "pending",
                    text(
                        "org.problem.pending",
                        name=agency.name,
                        day=_day(self.pending[agency.code]),
                    ),
                )
            elif spec.kind == AgencyChangeKind.rename:
                self._exists(where, agency.code, agency.name, day, cyclic=cyclic)
            elif agency.valid_from is not None and agency.valid_from > day:
                begins = _day(agency.valid_from)
                self.problem(
                    where, "not_yet", text("org.problem.begins", name=agency.name, day=begins)
                )
        source_codes |= {a.code for a in sources}
        for position, successor in enumerate(spec.into, start=1):
            where = f"{spec.where}.into" + (f"[{position}]" if len(spec.into) > 1 else "")
            if isinstance(successor, NewAgency):
                self._free_name(where, successor.name, allowed=source_codes)
                continue
            agency = self.find(where, successor) if successor not in self.new else None
            code = successor if successor in self.new else (agency.code if agency else None)
            if code is None:
                continue
            if code in source_codes:
                self.problem(where, "self", text("org.problem.self", name=successor))
                continue
            name = agency.name if agency else self.new[code][0].name
            self._exists(where, code, name, day, cyclic=cyclic)
        if spec.kind == AgencyChangeKind.rename and source_codes:
            self._free_name(f"{spec.where}.to", spec.new_name, allowed=source_codes)
        if spec.created is not None:
            self._free_name(f"{spec.where}.create", spec.created.name, allowed=set())
        if spec.kind == AgencyChangeKind.split:
            self._check_split(spec)

    def _free_name(self, where: str, name: str, *, allowed: set[str]) -> None:
        holder = self.index.find(name)
        if holder is not None and holder.code not in allowed:
            self.problem(
                where, "name_taken", text("org.problem.name_taken", name=name, code=holder.code)
            )

    def _check_split(self, spec: ChangeSpec) -> None:
        codes = {c for s in spec.into if (c := self._code(s)) is not None}
        if spec.focal_points and spec.focal_points not in codes:
            self.problem(
                f"{spec.where}.focal_points",
                "unknown_successor",
                text("org.problem.not_successor_here", code=spec.focal_points),
            )
        for code, per_plan in spec.tasks.items():
            where = f"{spec.where}.tasks.{code}"
            if code not in codes:
                self.problem(
                    where, "unknown_successor", text("org.problem.not_successor", code=code)
                )
            for plan_code, numbers in per_plan.items():
                plan_id = self.plans.get(plan_code)
                if plan_id is None:
                    self.problem(
                        where, "unknown_plan", text("problem.no_such_plan", code=plan_code)
                    )
                    continue
                known = set(
                    self.session.exec(select(Task.number).where(Task.plan_id == plan_id)).all()
                )
                for number in numbers:
                    if number not in known:
                        self.problem(
                            where,
                            "unknown_task",
                            text("org.problem.no_task", plan=plan_code, number=number),
                        )


def _already(session: Session, spec: ChangeSpec, index: AgencyIndex) -> bool:
    """The same change was recorded before (the file applied twice): nothing to do."""
    if spec.created is not None:
        subjects = [index.by_code.get(spec.created.code)]
    else:
        subjects = [index.find(reference) for reference in spec.agencies]
    if not subjects or any(a is None for a in subjects):
        return False
    for agency in subjects:
        assert agency is not None
        recorded = session.exec(
            select(AgencyChange).where(
                AgencyChange.agency_id == agency.id,
                AgencyChange.kind == spec.kind,
                AgencyChange.effective_on == spec.effective_on,
            )
        ).first()
        if recorded is None:
            return False
        if spec.kind == AgencyChangeKind.rename and recorded.detail.get("to") != spec.new_name:
            return False
    return True


def check_changes(
    session: Session, specs: list[ChangeSpec], *, problems: list[Problem] | None = None
) -> tuple[list[ChangeSpec], list[str]]:
    """The changes still to record, and those recorded before; raise PlanFileError with one
    problem a line (an unknown agency, one that no longer exists, a cycle of merges…),
    after the `problems` the file's form already had."""
    index = AgencyIndex.load(session)
    fresh, skipped = [], []
    for spec in specs:
        (skipped.append(spec.where) if _already(session, spec, index) else fresh.append(spec))
    found = [*(problems or []), *_Checker(session, fresh).check()]
    if found:
        raise PlanFileError(found)
    return fresh, skipped


def _create(session: Session, new: NewAgency, day: date, clock: Clock) -> Agency:
    now = clock.now()
    agency = Agency(
        code=new.code, name=new.name, kind=new.kind, valid_from=day, created_at=now, updated_at=now
    )
    session.add(agency)
    session.flush()
    for alias in new.aliases:
        add_name(session, agency=agency, name=alias, kind="alias", clock=clock)
    return agency


def record_changes(
    session: Session, specs: list[ChangeSpec], *, source: str, clock: Clock
) -> list[AgencyChange]:
    """Write checked changes (and the agencies they create); nothing is carried out yet."""
    now = clock.now()
    rows: list[AgencyChange] = []

    def add(
        kind: str, agency: Agency, spec: ChangeSpec, successors: list[Agency], **detail: object
    ) -> None:
        row = AgencyChange(
            kind=kind,
            agency_id=agency.id,
            effective_on=spec.effective_on,
            successor_ids=[a.id for a in successors if a.id is not None],
            detail={**({"note": spec.note} if spec.note else {}), **detail},
            source=source,
            recorded_at=now,
        )
        session.add(row)
        rows.append(row)

    for spec in specs:
        index = AgencyIndex.load(session)
        sources = [index.find(r) for r in spec.agencies]
        subjects = [a for a in sources if a is not None]
        successors = []
        for successor in spec.into:
            if isinstance(successor, NewAgency):
                agency = _create(session, successor, spec.effective_on, clock)
                add(AgencyChangeKind.create, agency, spec, [], origin=[a.code for a in subjects])
            else:
                named = index.find(successor)
                assert named is not None, successor  # checked before anything is written
                agency = named
            successors.append(agency)
        if spec.created is not None:
            agency = _create(session, spec.created, spec.effective_on, clock)
            add(AgencyChangeKind.create, agency, spec, [])
        for subject in subjects:
            if spec.kind == AgencyChangeKind.rename:
                add(spec.kind, subject, spec, [], to=spec.new_name, **{"from": subject.name})
            elif spec.kind == AgencyChangeKind.split:
                add(
                    spec.kind,
                    subject,
                    spec,
                    successors,
                    tasks=spec.tasks,
                    focal_points_to=spec.focal_points or successors[0].code,
                    name=subject.name,
                )
            elif spec.kind in (AgencyChangeKind.merge, AgencyChangeKind.dissolve):
                add(spec.kind, subject, spec, successors, name=subject.name)
    session.flush()
    return rows


def due_changes(session: Session, *, today: date) -> list[AgencyChange]:
    """Recorded changes whose date has come and that were not carried out yet, in order."""
    return list(
        session.exec(
            select(AgencyChange)
            .where(
                col(AgencyChange.carried_out_at).is_(None), col(AgencyChange.effective_on) <= today
            )
            .order_by(col(AgencyChange.effective_on), col(AgencyChange.id))
        ).all()
    )


def carry_out_all(
    session: Session,
    changes: list[AgencyChange],
    *,
    clock: Clock,
    zone: ZoneInfo,
    failed: list[tuple[AgencyChange, str]] | None = None,
) -> list[tuple[AgencyChange, Moves]]:
    """Carry the changes out in date order. With `failed`, a change that cannot be carried
    out (its successors ended meanwhile) is rolled back alone and listed there, so the
    others still happen; without it the error propagates."""
    done = []
    for change in sorted(changes, key=lambda c: (c.effective_on, c.id or 0)):
        if failed is None:
            done.append((change, carry_out(session, change=change, clock=clock, zone=zone)))
            continue
        try:
            with session.begin_nested():
                done.append((change, carry_out(session, change=change, clock=clock, zone=zone)))
        except HistoryError as error:
            failed.append((change, str(error)))
    return done


def apply_changes(
    session: Session,
    specs: list[ChangeSpec],
    *,
    source: str,
    clock: Clock,
    zone: ZoneInfo,
    today: date,
    preview: bool = False,
    problems: list[Problem] | None = None,
) -> Applied:
    """Check, record, and carry out what is due today. With `preview`, every change of the
    file is carried out, dated ones too, so the caller can show what would move (and then
    roll back: nothing of a preview is meant to stay). `problems`: the file's own, refused
    together with those found here."""
    fresh, skipped = check_changes(session, specs, problems=problems)
    applied = Applied(skipped=skipped)
    applied.recorded = record_changes(session, fresh, source=source, clock=clock)
    due = [c for c in applied.recorded if preview or c.effective_on <= today]
    applied.scheduled = [c for c in applied.recorded if c.effective_on > today]
    applied.carried = carry_out_all(session, due, clock=clock, zone=zone)
    return applied


def history(session: Session) -> list[tuple[AgencyChange, Agency, list[Agency]]]:
    """Every recorded change with its agency and successors, by date."""
    agencies = {a.id: a for a in session.exec(select(Agency)).all()}
    rows = session.exec(
        select(AgencyChange).order_by(col(AgencyChange.effective_on), col(AgencyChange.id))
    ).all()
    return [
        (c, agencies[c.agency_id], [agencies[i] for i in c.successor_ids if i in agencies])
        for c in rows
    ]
