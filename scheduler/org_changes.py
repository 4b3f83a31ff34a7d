"""Reorganisations on their day: carry out the recorded agency changes whose date has come,
and tell the focal points concerned through the outbox (their role moved to a successor, or
ended with a dissolved agency). Called on every planning tick and by `baocao org apply`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.texts import day_text
from storage import audit
from storage import reminders as store
from storage.agency_history import Moves
from storage.clock import Clock
from storage.i18n import Language, translate
from storage.members import person_identities
from storage.models import AgencyChange, AgencyChangeKind
from storage.org_changes import carry_out_all, due_changes

KIND = "org_change"
log = logging.getLogger(__name__)


def notice_text(
    change: AgencyChange, *, agency: str, successor: str, language: Language = "vi"
) -> str:
    """What a focal point reads, in the bot's language."""
    day = day_text(change.effective_on, language)
    if not successor:
        return translate("org.notice.dissolved", language, agency=agency, day=day)
    key = "org.notice.merged" if change.kind == AgencyChangeKind.merge else "org.notice.split"
    return translate(key, language, agency=agency, day=day, successor=successor)


def notices(
    session: Session, carried: Sequence[tuple[AgencyChange, Moves]], language: Language = "vi"
) -> list[store.NewMessage]:
    out = []
    for change, moves in carried:
        for told in moves.told:
            text = notice_text(
                change, agency=told.agency, successor=told.successor, language=language
            )
            for identity in person_identities(session, person_id=told.person_id):
                if not identity.reachable:
                    continue
                out.append(
                    store.NewMessage(
                        dedupe_key=f"org:{change.id}:{identity.channel}:{identity.chat_id}",
                        channel=identity.channel,
                        chat_id=identity.chat_id,
                        kind=KIND,
                        text=text,
                        payload={"options": [], "change_id": change.id},
                        person_id=told.person_id,
                    )
                )
    return out


def tell(
    session: Session,
    carried: Sequence[tuple[AgencyChange, Moves]],
    *,
    clock: Clock,
    language: Language = "vi",
) -> int:
    """Queue the notices of changes just carried out; returns how many were queued."""
    queued = notices(session, carried, language)
    return len(store.enqueue_many(session, queued, now=clock.now()))


def carry_out_due(
    session: Session,
    *,
    clock: Clock,
    zone: ZoneInfo,
    today: date | None = None,
    language: Language = "vi",
) -> list[tuple[AgencyChange, Moves]]:
    """The changes whose day has come: carried out, and the people concerned told."""
    day = today or clock.now().astimezone(zone).date()
    changes = due_changes(session, today=day)
    if not changes:
        return []
    failed: list[tuple[AgencyChange, str]] = []
    carried = carry_out_all(session, changes, clock=clock, zone=zone, failed=failed)
    for change, reason in failed:  # left pending: the operator sees it in `baocao org list`
        log.warning("agency change %s cannot take effect: %s", change.id, reason)
    told = tell(session, carried, clock=clock, language=language)
    for change, _moves in carried:
        audit.record(
            session,
            clock=clock,
            action=f"agency:{change.kind}",
            outcome="ok",
            channel="scheduler",
            detail={"change_id": change.id, "effective": change.effective_on.isoformat()},
        )
    if told:
        audit.record(
            session, clock=clock, action="org:notices", outcome="ok", detail={"queued": told}
        )
    return carried
