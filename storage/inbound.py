"""Inbound updates kept before they are handled (Zalo forgets an update once it returns it;
Telegram once the next getUpdates asks past it).

Stored first, handled next, marked handled in the handler's own transaction: a crash between
fetching and handling loses nothing, and an update that arrives twice is stored (and handled)
once, since `update_key` is unique per channel.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects.postgresql import Insert as PostgreSQLInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import InboundUpdate

ReturningInsert = SQLiteInsert | PostgreSQLInsert
ERROR_LIMIT = 500  # characters of an error kept on the row
KEEP_HANDLED = timedelta(days=7)  # a handled update is kept this long, to drop late duplicates
_TABLE = InboundUpdate.metadata.tables["inbound_update"]  # for the statements run per update


def store_update(
    session: Session, *, channel: str, update_key: str, payload: dict[str, Any], clock: Clock
) -> InboundUpdate | None:
    """Keep an update; None when one with this key was kept already (a duplicate)."""
    exists = session.exec(
        select(InboundUpdate.id).where(
            col(InboundUpdate.channel) == channel, InboundUpdate.update_key == update_key
        )
    ).first()
    if exists is not None:
        return None
    row = InboundUpdate(
        channel=channel, update_key=update_key, payload=payload, received_at=clock.now()
    )
    try:
        with session.begin_nested():  # a webhook retry may race the first delivery
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def store_updates(
    session: Session, *, channel: str, updates: list[tuple[str, dict[str, Any]]], clock: Clock
) -> list[int | None]:
    """Keep a batch of updates `(update_key, payload)` in one statement (it runs for every
    batch a channel fetches); the row id of each, None for one kept already (a duplicate,
    also within the batch: the first is kept)."""
    if not updates:
        return []
    now = clock.now()
    rows = [
        {
            "channel": channel,
            "update_key": key,
            "payload": payload,
            "received_at": now,
            "attempts": 0,
            "last_error": "",
        }
        for key, payload in updates
    ]
    conflict = ["channel", "update_key"]
    dialect = session.get_bind().dialect.name
    insert: ReturningInsert
    if dialect == "sqlite":
        insert = sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=conflict)
    elif dialect == "postgresql":
        insert = postgresql_insert(_TABLE).on_conflict_do_nothing(index_elements=conflict)
    else:  # another database: one at a time
        return [
            row.id if (row := store_update(
                session, channel=channel, update_key=key, payload=payload, clock=clock
            )) is not None else None
            for key, payload in updates
        ]  # fmt: skip
    statement = insert.returning(_TABLE.c.update_key, _TABLE.c.id)
    kept: dict[str, int] = {
        key: row_id for key, row_id in session.connection().execute(statement, rows)
    }
    ids: list[int | None] = []
    for key, _payload in updates:
        ids.append(kept.pop(key, None))  # a key twice in the batch: the first is kept
    return ids


def take_unhandled(
    session: Session, *, channel: str, max_attempts: int, now: datetime, limit: int = 1000
) -> list[InboundUpdate]:
    """At start-up: the updates kept but not handled (the process stopped in between),
    oldest first, each counted as one more attempt. One that was tried `max_attempts` times
    is set aside (marked handled, with the reason) instead of failing for ever."""
    session.execute(
        update(InboundUpdate)
        .where(col(InboundUpdate.channel) == channel, col(InboundUpdate.handled_at).is_(None))
        .values(attempts=InboundUpdate.attempts + 1)
    )
    session.execute(
        update(InboundUpdate)
        .where(
            col(InboundUpdate.channel) == channel,
            col(InboundUpdate.handled_at).is_(None),
            col(InboundUpdate.attempts) >= max_attempts,
        )
        .values(handled_at=now, last_error="set aside after repeated failures")
    )
    return unhandled(session, channel=channel, limit=limit)


def begin_attempt(session: Session, *, update_id: int) -> int:
    """Count one more try at handling; returns the count including this one."""
    session.execute(
        update(InboundUpdate)
        .where(col(InboundUpdate.id) == update_id)
        .values(attempts=InboundUpdate.attempts + 1)
    )
    attempts = session.exec(
        select(InboundUpdate.attempts).where(InboundUpdate.id == update_id)
    ).one()
    return int(attempts)


# Built once: it runs in every handled update's transaction, and the ORM's bulk UPDATE path
# (session synchronisation) cost as much again as the statement itself.
_MARK = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.handled_at.is_(None))
    .values(handled_at=bindparam("now"))
)
_MARK_WITH_ERROR = _MARK.values(last_error=bindparam("error"))


def mark_handled(session: Session, *, update_id: int, now: datetime, error: str = "") -> bool:
    """Mark handled once; False when it was already (or does not exist)."""
    values: dict[str, Any] = {"row_id": update_id, "now": now}
    statement = _MARK
    if error:
        values["error"] = error[:ERROR_LIMIT]
        statement = _MARK_WITH_ERROR
    result = session.connection().execute(statement, values)
    return bool(result.rowcount)


_MARK_MANY = (
    _TABLE.update()
    .where(_TABLE.c.id.in_(bindparam("row_ids", expanding=True)), _TABLE.c.handled_at.is_(None))
    .values(handled_at=bindparam("now"))
)


def mark_many_handled(session: Session, *, update_ids: list[int], now: datetime) -> None:
    """Mark updates handled that changed nothing (their handlers wrote no row), in one
    statement: see `bot.adapter.inbox.Inbox.defer_mark`."""
    if update_ids:
        session.connection().execute(_MARK_MANY, {"row_ids": update_ids, "now": now})


def record_error(session: Session, *, update_id: int, error: str) -> None:
    session.execute(
        update(InboundUpdate)
        .where(col(InboundUpdate.id) == update_id)
        .values(last_error=error[:ERROR_LIMIT])
    )


def unhandled(session: Session, *, channel: str, limit: int = 1000) -> list[InboundUpdate]:
    """Kept but not yet handled, oldest first (the order they arrived in)."""
    return list(
        session.exec(
            select(InboundUpdate)
            .where(col(InboundUpdate.channel) == channel, col(InboundUpdate.handled_at).is_(None))
            .order_by(col(InboundUpdate.id))
            .limit(limit)
        ).all()
    )


def get_update(session: Session, *, update_id: int) -> InboundUpdate | None:
    return session.get(InboundUpdate, update_id)


def purge_handled(session: Session, *, before: datetime, channel: str | None = None) -> int:
    """Forget updates handled before `before` (kept that long to drop late duplicates), of
    one channel or of all."""
    handled = col(InboundUpdate.handled_at)
    conditions = [handled.is_not(None), handled < before]
    if channel is not None:
        conditions.append(col(InboundUpdate.channel) == channel)
    result = session.execute(delete(InboundUpdate).where(*conditions))
    return int(result.rowcount)  # type: ignore[attr-defined]
