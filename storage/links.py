"""One-time codes that attach a second chat account (Telegram, Zalo) to the same person.

Codes are random (128 bits), shown once, stored only as a SHA-256 hash, valid for an hour and
usable once. They live in the `invite` table with role "link" and are hashed with their own
prefix, so a link code can never be taken for an invite code (nor the other way round).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.invites import new_code, normalise_code
from storage.models import Identity, Invite

LINK_ROLE = "link"
VALID_FOR = timedelta(hours=1)


def hash_link_code(code: str) -> str:
    return hashlib.sha256(f"link:{normalise_code(code)}".encode("ascii", "ignore")).hexdigest()


@dataclass(frozen=True)
class NewLinkCode:
    code: str  # shown once, never stored
    invite: Invite


class LinkProblem(StrEnum):
    wrong = "wrong"
    used = "used"
    expired = "expired"


def create_link_code(
    session: Session, *, person_id: int, clock: Clock, valid_for: timedelta = VALID_FOR
) -> NewLinkCode:
    """A fresh code for `person_id`; their earlier unused codes stop working."""
    now = clock.now()
    session.exec(
        update(Invite)
        .where(
            col(Invite.role) == LINK_ROLE,
            col(Invite.created_by_person_id) == person_id,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .values(expires_at=now)
    )
    code = new_code()
    invite = Invite(
        code_hash=hash_link_code(code),
        agency_id=None,
        role=LINK_ROLE,
        created_by_person_id=person_id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    session.flush()
    return NewLinkCode(code, invite)


def check_link_code(session: Session, *, code: str, clock: Clock) -> Invite | LinkProblem:
    """The link a code opens, or why it opens nothing. Does not use it up."""
    if not normalise_code(code).isalnum():
        return LinkProblem.wrong
    invite = session.exec(
        select(Invite).where(Invite.code_hash == hash_link_code(code), Invite.role == LINK_ROLE)
    ).first()
    if invite is None or invite.created_by_person_id is None:
        return LinkProblem.wrong
    if invite.used_at is not None:
        return LinkProblem.used
    if invite.expires_at <= clock.now():
        return LinkProblem.expired
    return invite


def use_link_code(
    session: Session,
    *,
    invite: Invite,
    channel: str,
    external_id: str,
    chat_id: str,
    clock: Clock,
) -> Identity | None:
    """Use the code up (atomically: of two accounts racing for it, one wins) and attach the
    account to the code's person. None when someone else used it first."""
    person_id = invite.created_by_person_id
    assert person_id is not None
    now = clock.now()
    result = session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by_person_id=person_id)
    )
    session.expire(invite)
    if not result.rowcount:
        return None
    identity = Identity(
        person_id=person_id,
        channel=channel,
        external_id=external_id,
        chat_id=chat_id,
        created_at=now,
    )
    session.add(identity)
    session.flush()
    return identity
