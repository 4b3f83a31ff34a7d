"""Agency queries: lookup by code or any known name, group resolution, renames and merges,
and which agencies exist on a day (agencies have a history: `storage.agency_history`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import Agency, AgencyChange, AgencyChangeKind, AgencyName, GroupMember
from storage.names import normalise_name

LIST_SEPARATORS = re.compile(r"[;\n]")


ENDING_KINDS = (AgencyChangeKind.merge, AgencyChangeKind.split, AgencyChangeKind.dissolve)


def exists_on_clause(day: date) -> ColumnElement[bool]:
    """A condition on Agency: it has begun by `day` and not ended by then."""
    return and_(
        or_(col(Agency.valid_from).is_(None), col(Agency.valid_from) <= day),
        or_(col(Agency.ended_on).is_(None), col(Agency.ended_on) > day),
    )


def exists_on(agency: Agency, day: date) -> bool:
    begun = agency.valid_from is None or agency.valid_from <= day
    return begun and (agency.ended_on is None or agency.ended_on > day)


def ending_by(session: Session, day: date) -> set[int]:
    """Agencies a recorded change ends on or before `day` that has not taken effect yet."""
    return set(
        session.exec(
            select(AgencyChange.agency_id).where(
                col(AgencyChange.kind).in_(ENDING_KINDS),
                col(AgencyChange.carried_out_at).is_(None),
                col(AgencyChange.effective_on) <= day,
            )
        ).all()
    )


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day begins: when a change effective on that day takes effect."""
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def surviving(session: Session, agency: Agency) -> Agency:
    """Follow merges to the agency that now carries this one's history."""
    seen = {agency.id}
    while agency.merged_into_id is not None:
        nxt = session.get(Agency, agency.merged_into_id)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        agency = nxt
    return agency


@dataclass
class AgencyIndex:
    """Every agency by code and by each normalised name, loaded once per operation."""

    by_code: dict[str, Agency]
    by_name: dict[str, Agency]

    @classmethod
    def load(cls, session: Session) -> AgencyIndex:
        agencies = {a.id: a for a in session.exec(select(Agency)).all()}
        by_code = {a.code: a for a in agencies.values()}
        by_name: dict[str, Agency] = {}
        for row in session.exec(select(AgencyName)).all():
            by_name.setdefault(row.normalized, agencies[row.agency_id])
        for agency in agencies.values():  # current names win over aliases and former names
            by_name[normalise_name(agency.name)] = agency
        return cls(by_code, by_name)

    def find(self, reference: str) -> Agency | None:
        return self.by_code.get(reference.strip()) or self.by_name.get(normalise_name(reference))

    def resolve_cell(self, cell: str) -> tuple[list[Agency], list[str]]:
        """Split a list of agencies into known agencies: `;` and new lines always separate,
        `,` separates too, but longest names first, since group names hold commas ("Các sở,
        ngành, địa phương"). The same rule everywhere (CLI, /request, /broadcast, plan
        tables), so one example works in all of them.
        Returns the agencies found and the pieces that matched nothing.
        """
        found: list[Agency] = []
        unknown: list[str] = []
        for piece in LIST_SEPARATORS.split(cell):
            more, missing = self._resolve_commas(piece)
            found += more
            unknown += missing
        return found, [u for u in unknown if u]

    def _resolve_commas(self, cell: str) -> tuple[list[Agency], list[str]]:
        parts = cell.split(",")
        found: list[Agency] = []
        unknown: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                agency = self.find(",".join(parts[i:j]))
                if agency is not None:
                    found.append(agency)
                    i = j
                    break
            else:
                unknown.append(parts[i].strip())
                i += 1
        return found, [u for u in unknown if u]


def agencies_by_id(session: Session) -> dict[int, Agency]:
    """Every agency the deployment has known, ended ones too, by id."""
    return {a.id: a for a in session.exec(select(Agency)).all()}


def successors(session: Session, agency: Agency) -> list[Agency]:
    """Who carries an agency today: itself; its survivor when merged; the agencies it was
    split into (their own successors, in turn); nobody when dissolved."""
    if agency.ended_on is None:
        return [agency]
    change = session.exec(
        select(AgencyChange)
        .where(
            AgencyChange.agency_id == agency.id,
            col(AgencyChange.kind).in_(ENDING_KINDS),
            col(AgencyChange.carried_out_at).is_not(None),
        )
        .order_by(col(AgencyChange.id).desc())
    ).first()
    if change is None:  # ended before there was a history: follow the merge, if any
        survivor = surviving(session, agency)
        return [] if survivor.id == agency.id else [survivor]
    out: dict[int, Agency] = {}
    for successor_id in change.successor_ids:
        successor = session.get(Agency, successor_id)
        if successor is not None and successor.id != agency.id:
            for current in successors(session, successor):
                out.setdefault(current.id, current)
    return list(out.values())


def find_agency(session: Session, reference: str, *, follow_merges: bool = True) -> Agency | None:
    """An agency by code or any of its names; by default the one that now carries it."""
    agency = AgencyIndex.load(session).find(reference)
    if agency is None or not follow_merges:
        return agency
    return surviving(session, agency)


def name_holder(session: Session, name: str, *, other_than: Agency) -> Agency | None:
    """Another agency already known by `name` (its name, an alias or a former name): renaming
    to it would make the name ambiguous, and a lookup by name would silently pick one."""
    holder = AgencyIndex.load(session).find(name)
    if holder is None or holder.id == other_than.id:
        return None
    return holder


def group_members(session: Session, group: Agency) -> list[Agency]:
    if not group.is_group:
        return [group]
    rows = session.exec(
        select(Agency)
        .join(GroupMember, col(GroupMember.member_id) == col(Agency.id))
        .where(GroupMember.group_id == group.id)
        .order_by(col(Agency.id))
    ).all()
    return list(rows)


def add_name(session: Session, *, agency: Agency, name: str, kind: str, clock: Clock) -> None:
    normalized = normalise_name(name)
    existing = session.exec(
        select(AgencyName).where(
            AgencyName.agency_id == agency.id, AgencyName.normalized == normalized
        )
    ).first()
    if existing is None:
        session.add(
            AgencyName(
                agency_id=agency.id,
                name=name,
                normalized=normalized,
                kind=kind,
                valid_from=clock.now(),
            )
        )


def rename_agency(
    session: Session,
    *,
    agency: Agency,
    new_name: str,
    clock: Clock,
    at: datetime | None = None,
) -> None:
    """Give an agency a new name from `at` (default: now); the old one stays findable as a
    former name, and what the agency filed before reads under it (`names_on`)."""
    if normalise_name(new_name) == normalise_name(agency.name):
        agency.name = new_name
        return
    now = at or clock.now()
    old = agency.name
    normalized_old = normalise_name(old)
    row = session.exec(
        select(AgencyName).where(
            AgencyName.agency_id == agency.id, AgencyName.normalized == normalized_old
        )
    ).first()
    if row is None:
        session.add(
            AgencyName(
                agency_id=agency.id,
                name=old,
                normalized=normalized_old,
                kind="former",
                valid_from=agency.created_at,
                valid_to=now,
            )
        )
    else:
        row.kind, row.valid_to = "former", now
    agency.name = new_name
    agency.updated_at = clock.now()


def names_on(session: Session, *, agency_ids: set[int], at: datetime) -> dict[int, str]:
    """The names these agencies had at an instant, where a rename since changed them: the
    former name whose validity ended first after `at`. Agencies not renamed since are left
    out (their current name is the one)."""
    rows = session.exec(
        select(AgencyName)
        .where(
            col(AgencyName.agency_id).in_(agency_ids),
            AgencyName.kind == "former",
            col(AgencyName.valid_to).is_not(None),
            col(AgencyName.valid_to) > at,
        )
        .order_by(col(AgencyName.valid_to).desc())
    ).all()
    return {row.agency_id: row.name for row in rows}  # the earliest validity end wins
