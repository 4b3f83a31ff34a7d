"""Invite codes: random (128 bits), stored only as a SHA-256 hash, expiring, single-use."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import Agency, Invite

CODE_BYTES = 16  # 128 bits
_NOT_CODE = re.compile(r"[\s\-_.]+")


def normalise_code(code: str) -> str:
    """Codes are case-insensitive base32; stray spaces, dashes and dots are ignored."""
    return _NOT_CODE.sub("", code).upper()


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def new_code() -> str:
    # Base32 (A-Z, 2-7) survives being read aloud, retyped in any case, and Telegram deep links.
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class NewInvite:
    code: str  # shown once, never stored
    invite: Invite


def create_invite(
    session: Session,
    *,
    agency_id: int | None,
    role: str,
    valid_for: timedelta,
    clock: Clock,
    created_by_person_id: int | None = None,
    replaces_membership_id: int | None = None,
) -> NewInvite:
    code = new_code()
    now = clock.now()
    invite = Invite(
        code_hash=hash_code(code),
        agency_id=agency_id,
        role=role,
        created_by_person_id=created_by_person_id,
        created_at=now,
        expires_at=now + valid_for,
        replaces_membership_id=replaces_membership_id,
    )
    session.add(invite)
    session.flush()
    return NewInvite(code, invite)


class InviteProblem(StrEnum):
    wrong = "wrong"
    used = "used"
    revoked = "revoked"
    expired = "expired"


def check_invite(session: Session, *, code: str, clock: Clock) -> Invite | InviteProblem:
    """The invite a code opens, or why it opens nothing. Does not use it up."""
    if not normalise_code(code).isalnum():
        return InviteProblem.wrong
    invite = session.exec(select(Invite).where(Invite.code_hash == hash_code(code))).first()
    return _usable(invite, clock)


def get_usable_invite(session: Session, *, invite_id: int, clock: Clock) -> Invite | InviteProblem:
    return _usable(session.get(Invite, invite_id), clock)


def _usable(invite: Invite | None, clock: Clock) -> Invite | InviteProblem:
    if invite is None:
        return InviteProblem.wrong
    if invite.used_at is not None:
        return InviteProblem.used
    if invite.revoked_at is not None:
        return InviteProblem.revoked
    if invite.expires_at <= clock.now():
        return InviteProblem.expired
    return invite


def use_invite(session: Session, *, invite: Invite, person_id: int, clock: Clock) -> bool:
    """Mark the invite used, atomically: of two people racing for one code, one wins."""
    result = session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=clock.now(), used_by_person_id=person_id)
    )
    session.expire(invite)
    return bool(result.rowcount)


def list_invites(session: Session, *, limit: int = 200) -> list[tuple[Invite, Agency | None]]:
    """The latest invites first, each with its agency (None: a secretariat invite)."""
    rows = session.exec(
        select(Invite, Agency)
        .join(Agency, col(Agency.id) == col(Invite.agency_id), isouter=True)
        .order_by(col(Invite.created_at).desc(), col(Invite.id).desc())
        .limit(limit)
    ).all()
    return [(invite, agency) for invite, agency in rows]


def revoke_invite(session: Session, *, invite_id: int, clock: Clock) -> Invite | None:
    """Revoke an unused, unexpired invite, so its code opens nothing (its expiry is kept, to
    tell the two apart); None when there is no such invite or it was used, expired or revoked
    before."""
    now = clock.now()
    result = session.exec(
        update(Invite)
        .where(
            col(Invite.id) == invite_id,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
            col(Invite.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    if not result.rowcount:
        return None
    invite = session.get(Invite, invite_id)
    if invite is not None:
        session.refresh(invite)
    return invite
