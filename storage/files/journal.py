"""The journal of files being fetched (`FileIntake` rows).

A row is written when a file arrives, before its bytes are fetched; it is deleted in the same
transaction that hands the outcome (kept, or refused) to the handlers. So after a crash a row
means: this file's sender was not told anything yet. `claim` makes the hand-over happen once
even when two processes recover the same row.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import FileIntake


def ref_hash(file_ref: str) -> str:
    return hashlib.sha256(file_ref.encode()).hexdigest()


def begin(
    session: Session,
    *,
    channel: str,
    chat_id: str,
    file_ref: str,
    event: dict[str, Any],
    clock: Clock,
) -> int:
    """The journal row of this arrival (the same row when the same file is seen again, as a
    channel that replays an update after a crash does)."""
    digest = ref_hash(file_ref)
    existing = _find(session, channel=channel, chat_id=chat_id, digest=digest)
    if existing is not None:
        return existing
    row = FileIntake(
        channel=channel, chat_id=chat_id, ref_hash=digest, event=event, started_at=clock.now()
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same file, recorded at the same moment by another process
        found = _find(session, channel=channel, chat_id=chat_id, digest=digest)
        assert found is not None
        return found
    assert row.id is not None
    return row.id


def _find(session: Session, *, channel: str, chat_id: str, digest: str) -> int | None:
    return session.exec(
        select(FileIntake.id).where(
            FileIntake.channel == channel,
            FileIntake.chat_id == chat_id,
            FileIntake.ref_hash == digest,
        )
    ).first()


def claim(session: Session, *, intake_id: int) -> bool:
    """Take the row away (inside the handlers' transaction): True for the one transaction that
    does, False when another already handed this file over."""
    done = session.exec(delete(FileIntake).where(col(FileIntake.id) == intake_id))
    return bool(done.rowcount)


def pending(session: Session, *, channel: str, before: datetime) -> list[FileIntake]:
    """Rows of a channel written before `before` (this process's start): left by a crash."""
    return list(
        session.exec(
            select(FileIntake)
            .where(FileIntake.channel == channel, col(FileIntake.started_at) < before)
            .order_by(col(FileIntake.id))
        ).all()
    )


def forget_older_than(session: Session, *, channel: str, before: datetime) -> int:
    done = session.exec(
        delete(FileIntake).where(
            col(FileIntake.channel) == channel, col(FileIntake.started_at) < before
        )
    )
    return int(done.rowcount or 0)
