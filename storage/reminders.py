"""Queries and writes behind reminders: who owes what for each open period, who can be reached,
and the outbox state changes of the dispatcher (claim, sent, retry, failed, held).

Plain data in and out; the wording of messages lives in `scheduler`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, text, update
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, SQLModel, col, select

from storage.models import (
    Agency,
    Identity,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    OutboxStatus,
    PeriodAgency,
    PeriodStatus,
    Person,
    Plan,
    ReportingPeriod,
    Submission,
    SubmissionState,
    Task,
)
from storage.periods import chased
from storage.query import select_columns
from storage.scope import Level, plan_scope
from storage.types import UTCDateTime

# Not (yet) in OutboxStatus: a planned message that no longer applies (the agency submitted,
# the period was closed) before it could be sent.
CANCELLED = "cancelled"


# --- who owes what ------------------------------------------------------------------------


class Recipient(NamedTuple):
    """One chat a message can go to."""

    channel: str
    chat_id: str
    person_id: int | None = None
    identity_id: int | None = None
    name: str = ""


class TaskRef(NamedTuple):
    number: int
    title: str
    role: str  # lead | coordinating


class FocalPoint(NamedTuple):
    person_id: int
    name: str
    away_until: date | None
    identities: tuple[Recipient, ...]  # reachable ones only
    unreachable: int  # identities the bot can no longer reach (blocked, left)


@dataclass
class AgencyStatus:
    agency_id: int
    code: str
    name: str
    submitted: bool
    tasks: tuple[TaskRef, ...] = ()
    focal_points: tuple[FocalPoint, ...] = ()


@dataclass
class PeriodSnapshot:
    period_id: int
    plan_code: str
    key: str
    kind: str
    title: str
    due_on: date
    consolidation_due_on: date | None
    created_at: datetime
    requester: str  # the secretariat agency's name
    agencies: list[AgencyStatus] = field(default_factory=list)


def reminder_snapshot(
    session: Session, *, period_ids: Iterable[int] | None = None
) -> list[PeriodSnapshot]:
    """Every open period (or the given ones, if open) with its agencies' state."""
    query = select(ReportingPeriod, Plan).join(Plan, col(Plan.id) == col(ReportingPeriod.plan_id))
    query = query.where(ReportingPeriod.status == PeriodStatus.open)
    if period_ids is not None:
        query = query.where(col(ReportingPeriod.id).in_(list(period_ids)))
    rows = session.exec(query.order_by(col(ReportingPeriod.due_on), col(ReportingPeriod.id))).all()
    if not rows:
        return []
    agencies = {
        agency_id: (code, name)
        for agency_id, code, name in session.exec(select(Agency.id, Agency.code, Agency.name))
    }
    focal = _focal_points(session)
    tasks_by_plan: dict[int, dict[int, tuple[TaskRef, ...]]] = {}
    snapshots = []
    for period, plan in rows:
        assert period.id is not None and plan.id is not None
        if plan.id not in tasks_by_plan:
            tasks_by_plan[plan.id] = _agency_tasks(session, plan_id=plan.id)
        tasks = tasks_by_plan[plan.id]
        submitted = set(
            session.exec(
                select(Submission.agency_id).where(
                    Submission.period_id == period.id,
                    Submission.state == SubmissionState.submitted,
                )
            ).all()
        )
        owing = session.exec(
            select(PeriodAgency.agency_id)
            .join(Agency, col(Agency.id) == col(PeriodAgency.agency_id))
            .where(PeriodAgency.period_id == period.id, chased(period))
            .order_by(col(PeriodAgency.agency_id))
        ).all()
        secretariat = agencies.get(plan.secretariat_agency_id or -1, ("", ""))
        snapshot = PeriodSnapshot(
            period_id=period.id,
            plan_code=plan.code,
            key=period.key,
            kind=period.kind,
            title=period.title,
            due_on=period.due_on,
            consolidation_due_on=period.consolidation_due_on,
            created_at=period.created_at,
            requester=secretariat[1],
        )
        for agency_id in owing:
            code, name = agencies[agency_id]
            snapshot.agencies.append(
                AgencyStatus(
                    agency_id=agency_id,
                    code=code,
                    name=name,
                    submitted=agency_id in submitted,
                    tasks=tasks.get(agency_id, ()),
                    focal_points=tuple(focal.get(agency_id, ())),
                )
            )
        snapshots.append(snapshot)
    return snapshots


def _focal_points(session: Session) -> dict[int, list[FocalPoint]]:
    """Active focal points by agency, each with their identities. Plain columns, not ORM
    objects: this runs every tick over thousands of people."""
    rows = session.exec(
        select(col(Membership.agency_id), col(Membership.away_until), Person.id, Person.full_name)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            Membership.role == MemberRole.focal,
            Membership.status == MemberStatus.active,
            col(Membership.agency_id).is_not(None),
        )
        .order_by(col(Membership.agency_id), col(Membership.id))
    ).all()
    reachable: dict[int, list[tuple[str, str, int]]] = {}
    unreachable: dict[int, int] = {}
    identities = session.exec(
        select_columns(
            Identity.person_id, Identity.channel, Identity.chat_id, Identity.id, Identity.reachable
        ).order_by(col(Identity.id))
    ).all()
    for person_id, channel, chat_id, identity_id, ok in identities:
        if ok:
            reachable.setdefault(person_id, []).append((channel, chat_id, identity_id))
        else:
            unreachable[person_id] = unreachable.get(person_id, 0) + 1
    out: dict[int, list[FocalPoint]] = {}
    for agency_id, away_until, person_id, name in rows:
        assert agency_id is not None  # the query keeps members of an agency only
        chats = tuple(
            Recipient(channel, chat_id, person_id, identity_id, name)
            for channel, chat_id, identity_id in reachable.get(person_id, ())
        )
        out.setdefault(agency_id, []).append(
            FocalPoint(person_id, name, away_until, chats, unreachable.get(person_id, 0))
        )
    return out


def _agency_tasks(session: Session, *, plan_id: int) -> dict[int, tuple[TaskRef, ...]]:
    """The tasks each agency must report on (its scope, optional ones left out)."""
    tasks = {
        t.id: t
        for t in session.exec(
            select(Task).where(Task.plan_id == plan_id, col(Task.retired).is_(False))
        ).all()
    }
    out: dict[int, list[TaskRef]] = {}
    for task_id, by_agency in plan_scope(session, plan_id=plan_id).items():
        task = tasks.get(task_id)
        if task is None:
            continue
        for agency_id, entry in by_agency.items():
            if entry.level == Level.required:
                out.setdefault(agency_id, []).append(TaskRef(task.number, task.title, entry.role))
    return {agency: tuple(sorted(refs, key=lambda r: r.number)) for agency, refs in out.items()}


def secretariat_recipients(
    session: Session, *, admins: Iterable[tuple[str, str]] = ()
) -> list[Recipient]:
    """Reachable identities of active secretariat members, then the configured admins
    (whose chat is their user id), each chat once."""
    rows = session.exec(
        select(Identity, Person)
        .join(Person, col(Person.id) == col(Identity.person_id))
        .join(Membership, col(Membership.person_id) == col(Identity.person_id))
        .where(
            Membership.role == MemberRole.secretariat,
            Membership.status == MemberStatus.active,
            col(Identity.reachable).is_(True),
        )
        .order_by(col(Identity.id))
    ).all()
    out: dict[tuple[str, str], Recipient] = {}
    for identity, person in rows:
        out.setdefault(
            (identity.channel, identity.chat_id),
            Recipient(identity.channel, identity.chat_id, person.id, identity.id, person.full_name),
        )
    for channel, user_id in admins:
        out.setdefault((channel, user_id), Recipient(channel, user_id))
    return list(out.values())


# --- writing planned messages --------------------------------------------------------------


class NewMessage(NamedTuple):
    dedupe_key: str
    channel: str
    chat_id: str
    kind: str
    text: str
    payload: dict[str, Any]
    person_id: int | None = None


def existing_keys(session: Session, *, prefix: str) -> set[str]:
    """Dedupe keys already in the outbox that start with `prefix` (one period's messages)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return set(
        session.exec(
            select(OutboxMessage.dedupe_key).where(
                col(OutboxMessage.dedupe_key).like(pattern, escape="\\")
            )
        ).all()
    )


def enqueue_many(session: Session, messages: Sequence[NewMessage], *, now: datetime) -> list[str]:
    """Insert messages in bulk; a key already present (another process was first) is skipped.
    Returns the keys actually inserted."""
    if not messages:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _enqueue_postgresql(session, messages, now=now)
    table = SQLModel.metadata.tables[OutboxMessage.__tablename__]
    statement = (
        sqlite.insert(table)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.dedupe_key)
    )
    rows = [
        {
            "dedupe_key": m.dedupe_key,
            "channel": m.channel,
            "chat_id": m.chat_id,
            "person_id": m.person_id,
            "kind": m.kind,
            "text": m.text,
            "payload": m.payload,
            "status": OutboxStatus.pending.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "sent_at": None,
            "last_error": "",
        }
        for m in messages
    ]
    inserted: list[str] = []
    for start in range(0, len(rows), 1000):
        result = session.exec(statement, params=rows[start : start + 1000])
        inserted.extend(result.scalars().all())
    return inserted


# One JSON parameter per chunk: psycopg would otherwise parse a query with one placeholder per
# value (13 per row), which costs seconds for ten thousand rows.
_PG_BULK_INSERT = text(
    """
    INSERT INTO outbox_message (dedupe_key, channel, chat_id, person_id, kind, text, payload,
                                status, attempts, next_attempt_at, created_at, sent_at, last_error)
    SELECT r.dedupe_key, r.channel, r.chat_id, r.person_id, r.kind, r.text, r.payload,
           :status, 0, :now, :now, NULL, ''
    FROM json_to_recordset(CAST(:rows AS json)) AS r(
        dedupe_key text, channel text, chat_id text, person_id integer, kind text, text text,
        payload json)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING dedupe_key
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


def _enqueue_postgresql(
    session: Session, messages: Sequence[NewMessage], *, now: datetime
) -> list[str]:
    inserted: list[str] = []
    for start in range(0, len(messages), 2000):
        rows = json.dumps([m._asdict() for m in messages[start : start + 2000]], ensure_ascii=False)
        result = session.execute(
            _PG_BULK_INSERT, {"rows": rows, "now": now, "status": OutboxStatus.pending.value}
        )
        inserted.extend(result.scalars().all())
    return inserted


def pending_planned(session: Session, *, kinds: Iterable[str]) -> list[OutboxMessage]:
    """Not-yet-sent planned messages (usually few: they leave within seconds)."""
    return list(
        session.exec(
            select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.pending,
                col(OutboxMessage.kind).in_(list(kinds)),
            )
        ).all()
    )


def cancel(session: Session, *, ids: Iterable[int], reason: str) -> int:
    ids = list(ids)
    if not ids:
        return 0
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), col(OutboxMessage.status) == OutboxStatus.pending)
        .values(status=CANCELLED, last_error=reason)
    )
    return int(result.rowcount)


def cancel_keys(session: Session, *, keys: Iterable[str], reason: str) -> int:
    """Cancel pending messages by dedupe key (written only to mark a step as done)."""
    keys = list(keys)
    if not keys:
        return 0
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.dedupe_key).in_(keys),
            col(OutboxMessage.status) == OutboxStatus.pending,
        )
        .values(status=CANCELLED, last_error=reason)
    )
    return int(result.rowcount)


def open_period_ids(session: Session) -> set[int]:
    return set(
        session.exec(
            select(ReportingPeriod.id).where(ReportingPeriod.status == PeriodStatus.open)
        ).all()
    )


def submitted_pairs(session: Session, *, period_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(period id, agency id) of every submitted report in these periods."""
    rows = session.exec(
        select(Submission.period_id, Submission.agency_id).where(
            col(Submission.period_id).in_(list(period_ids)),
            Submission.state == SubmissionState.submitted,
        )
    ).all()
    return {(p, a) for p, a in rows}


# --- the dispatcher's state changes --------------------------------------------------------
# While a row is "sending", next_attempt_at holds the instant it was claimed: a row left in
# "sending" long after that belongs to a process that died between send and mark.


@dataclass(frozen=True)
class Claimable:
    id: int
    channel: str
    chat_id: str


def due_messages(
    session: Session,
    *,
    channels: Iterable[str],
    now: datetime,
    limit: int,
    skip_ids: Iterable[int] = (),
) -> list[Claimable]:
    query = (
        select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.chat_id)
        .where(
            OutboxMessage.status == OutboxStatus.pending,
            col(OutboxMessage.channel).in_(list(channels)),
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    skip = list(skip_ids)
    if skip:
        query = query.where(col(OutboxMessage.id).not_in(skip))
    return [Claimable(i, c, chat) for i, c, chat in session.exec(query).all()]


def claim(session: Session, *, message_id: int, now: datetime) -> OutboxMessage | None:
    """Take a pending, due row for sending. Atomic: of two racing processes only one gets
    rowcount 1 (the other's UPDATE re-reads the row and no longer matches)."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.pending,
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .values(
            status=OutboxStatus.sending,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now,
        )
    )
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def mark_sent(session: Session, *, message_id: int, now: datetime) -> None:
    # "held" too: a slow send may have been taken for a dead one, but it did go out.
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status).in_([OutboxStatus.sending, OutboxStatus.held]),
        )
        .values(status=OutboxStatus.sent, sent_at=now, last_error="")
    )


def mark_retry(
    session: Session, *, message_id: int, at: datetime, error: str, count_attempt: bool = True
) -> None:
    values: dict[str, Any] = {
        "status": OutboxStatus.pending,
        "next_attempt_at": at,
        "last_error": error,
    }
    if not count_attempt:  # the platform asked us to wait: that is not a failed attempt
        values["attempts"] = OutboxMessage.attempts - 1
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == OutboxStatus.sending
        )
        .values(**values)
    )


def mark_failed(session: Session, *, message_id: int, error: str) -> None:
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == OutboxStatus.sending
        )
        .values(status=OutboxStatus.failed, last_error=error)
    )


def hold_stale(session: Session, *, claimed_before: datetime) -> list[OutboxMessage]:
    """Rows claimed before `claimed_before` and never marked: their sender died between
    claiming and marking, so the message may or may not have gone out. Hold them."""
    stale = list(
        session.exec(
            select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.sending,
                col(OutboxMessage.next_attempt_at) < claimed_before,
            )
        ).all()
    )
    held = []
    for row in stale:
        result = session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == row.id, col(OutboxMessage.status) == OutboxStatus.sending
            )
            .values(
                status=OutboxStatus.held,
                last_error="stopped between sending and recording: not resent",
            )
        )
        if result.rowcount == 1:
            held.append(row)
    return held


# --- the operator's view -------------------------------------------------------------------


def list_outbox(
    session: Session, *, statuses: Iterable[str], limit: int = 200
) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.status).in_(list(statuses)))
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        ).all()
    )


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    ).all()
    return {status: int(n) for status, n in rows}


def release(session: Session, *, ids: Iterable[int]) -> int:
    """Held or failed rows back to pending: the operator accepts a possible duplicate.
    Their next_attempt_at (the last claim) is already past, so they go out at once."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(list(ids)),
            col(OutboxMessage.status).in_([OutboxStatus.held, OutboxStatus.failed]),
        )
        .values(status=OutboxStatus.pending, attempts=0, last_error="released by the operator")
    )
    return int(result.rowcount)


def dismiss(session: Session, *, ids: Iterable[int]) -> int:
    """Pending, held or failed rows the operator settles by hand: never sent by the bot.
    (A row being sent right now is left alone: its fate is decided by the send.)"""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(list(ids)),
            col(OutboxMessage.status).in_(
                [OutboxStatus.pending, OutboxStatus.held, OutboxStatus.failed]
            ),
        )
        .values(status=CANCELLED, last_error="dismissed by the operator")
    )
    return int(result.rowcount)
