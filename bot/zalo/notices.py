"""Telling the secretariat about Zalo trouble through the outbox: a user who blocked the bot
(403), and the plan's message quota used up (429 "Quota exceeded").

Runs in worker threads (database work). Each notice goes out once per cause, recipient and day.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.zalo.inbound import CHANNEL
from bot.zalo.texts import text
from handlers.messages import Language
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.models import Agency, Identity, MemberRole
from storage.outbox import enqueue
from storage.people import get_person, mark_unreachable, memberships, secretariat_identities


def record_blocked(
    make_session: SessionFactory,
    *,
    chat_id: str,
    clock: Clock,
    zone: ZoneInfo,
    language: Language,
) -> int:
    """Mark the chat unreachable; returns how many notices were queued (0 for a stranger)."""
    with transaction(make_session) as session:
        blocked = mark_unreachable(session, channel=CHANNEL, chat_id=chat_id)
        if not blocked:
            return 0
        notice = text("blocked.notice", language, who=_describe(session, blocked))
        return _tell_secretariat(
            session,
            cause=f"blocked:{CHANNEL}:{chat_id}",
            notice=notice,
            clock=clock,
            zone=zone,
            skip=lambda i: i.channel == CHANNEL and i.chat_id == chat_id,
        )


def record_quota(
    make_session: SessionFactory, *, clock: Clock, zone: ZoneInfo, language: Language
) -> int:
    """Queue the quota notice on the secretariat's other channels (Zalo itself is full)."""
    with transaction(make_session) as session:
        return _tell_secretariat(
            session,
            cause=f"quota:{CHANNEL}",
            notice=text("quota.notice", language),
            clock=clock,
            zone=zone,
            skip=lambda i: i.channel == CHANNEL,
        )


def _tell_secretariat(
    session: Session,
    *,
    cause: str,
    notice: str,
    clock: Clock,
    zone: ZoneInfo,
    skip: Callable[[Identity], bool],
) -> int:
    day = clock.now().astimezone(zone).date().isoformat()
    queued = 0
    for recipient in secretariat_identities(session):
        if not recipient.reachable or skip(recipient):
            continue
        row = enqueue(
            session,
            dedupe_key=f"{cause}:{day}:{recipient.channel}:{recipient.chat_id}",
            channel=recipient.channel,
            chat_id=recipient.chat_id,
            kind="notice",
            text=notice,
            clock=clock,
            person_id=recipient.person_id,
        )
        queued += row is not None
    return queued


def _describe(session: Session, identities: list[Identity]) -> str:
    """'Nguyễn Văn A (Sở Y tế)': who it is and for which agencies they answer."""
    names = []
    for identity in identities:
        person = get_person(session, identity.person_id)
        if person is None or person.id is None:
            continue
        agencies = [
            agency.name
            for m in memberships(session, person_id=person.id)
            if m.role == MemberRole.focal
            and m.agency_id is not None
            and (agency := session.get(Agency, m.agency_id)) is not None
        ]
        names.append(
            f"{person.full_name} ({', '.join(agencies)})" if agencies else person.full_name
        )
    return ", ".join(names) or f"Zalo {identities[0].chat_id}"
