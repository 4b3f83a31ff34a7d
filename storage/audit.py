"""The audit log: who did what, and every refusal."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import AuditLog


def record(
    session: Session,
    *,
    clock: Clock,
    action: str,
    outcome: str,
    channel: str = "",
    external_id: str = "",
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            at=clock.now(),
            channel=channel,
            external_id=external_id,
            person_id=person_id,
            action=action,
            outcome=outcome,
            detail=detail or {},
        )
    )


def entries(session: Session, *, action: str | None = None, limit: int = 100) -> list[AuditLog]:
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if action is not None:
        query = query.where(AuditLog.action == action)
    return list(session.exec(query).all())
