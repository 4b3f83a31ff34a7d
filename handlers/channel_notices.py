"""Telling the secretariat about delivery trouble a channel ran into: a user who blocked the
bot (403), a platform quota used up. Shared by the channel adapters, which only supply the
wording for their platform.

Runs in worker threads (database work). Each notice goes out through the outbox, once per
cause, recipient and day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.models import Agency, Identity, MemberRole
from storage.outbox import enqueue
from storage.people import get_person, mark_unreachable, memberships
from storage.reminders import Recipient, secretariat_recipients


def record_blocked(
    make_session: SessionFactory,
    *,
    channel: str,
    chat_id: str,
    clock: Clock,
    zone: ZoneInfo,
    notice: Callable[[str], str],
    admins: Iterable[tuple[str, str]] = (),
) -> int:
    """Mark the chat unreachable and tell the secretariat who it was; returns how many notices
    were queued (0 for a chat of nobody registered)."""
    with transaction(make_session) as session:
        blocked = mark_unreachable(session, channel=channel, chat_id=chat_id)
        if not blocked:
            return 0
        who = describe(session, blocked) or f"{channel} {chat_id}"
        return tell_secretariat(
            session,
            cause=f"blocked:{channel}:{chat_id}",
            text=notice(who),
            clock=clock,
            zone=zone,
            admins=admins,
            skip=lambda r: (r.channel, r.chat_id) == (channel, chat_id),
        )


def tell_secretariat(
    session: Session,
    *,
    cause: str,
    text: str,
    clock: Clock,
    zone: ZoneInfo,
    skip: Callable[[Recipient], bool],
    admins: Iterable[tuple[str, str]] = (),
) -> int:
    day = clock.now().astimezone(zone).date().isoformat()
    queued = 0
    for recipient in secretariat_recipients(session, admins=admins):
        if skip(recipient):
            continue
        row = enqueue(
            session,
            dedupe_key=f"{cause}:{day}:{recipient.channel}:{recipient.chat_id}",
            channel=recipient.channel,
            chat_id=recipient.chat_id,
            kind="notice",
            text=text,
            clock=clock,
            person_id=recipient.person_id,
        )
        queued += row is not None
    return queued


def describe(session: Session, identities: list[Identity]) -> str:
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
    return ", ".join(names)
