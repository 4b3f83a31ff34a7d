"""The outbox: every message the bot sends on its own initiative (reminders, notices).

A row is written with a unique dedupe key before anything is sent, so a message goes out at
most once per key (invariant 2); the dispatcher in `scheduler` delivers pending rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import OutboxMessage, OutboxStatus


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    channel: str,
    chat_id: str,
    kind: str,
    text: str,
    clock: Clock,
    options: list[tuple[str, str]] | None = None,
    person_id: int | None = None,
    not_before: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Add a message unless one with this key exists. Returns the new row, or None."""
    exists = session.exec(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()
    if exists is not None:
        return None
    now = clock.now()
    payload: dict[str, Any] = {"options": [list(o) for o in options or []]}
    payload.update(extra or {})
    row = OutboxMessage(
        dedupe_key=dedupe_key,
        channel=channel,
        chat_id=chat_id,
        person_id=person_id,
        kind=kind,
        text=text,
        payload=payload,
        status=OutboxStatus.pending,
        next_attempt_at=not_before or now,
        created_at=now,
    )
    try:
        with session.begin_nested():  # a concurrent writer may insert the same key first
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def pending(session: Session, *, clock: Clock, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.pending,
                col(OutboxMessage.next_attempt_at) <= clock.now(),
            )
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        ).all()
    )
