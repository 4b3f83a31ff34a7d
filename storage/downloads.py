"""Download links for files the bot made, on channels that cannot send files (Zalo).

The token in the link is random (256 bits) and shown once; only its SHA-256 is stored, so the
table alone opens nothing. A link works until it expires; then it opens nothing either.

A link is also bound to the person it was made for (`open_link`):
- it opens only while that person still holds an active role: a revoked focal point's or a
  removed secretariat member's links stop working at once;
- the first browser that opens it gets a random cookie, whose hash the link keeps; from then on
  only a request carrying that cookie opens it, so a link forwarded after its owner opened it
  (or copied from a chat history) opens nothing;
- a single-use link opens once (BAOCAO_DOWNLOAD_SINGLE_USE);
- a link to an agency's document opens only while its person may read that agency's
  documents (the secretariat, or a focal point of that agency: `documents.may_read`).

`file_path` is the file's key in the file store (`storage.files.store`): a document the bot
keeps (`sha256/…`, never deleted with its link) or a file made for the link (`links/…`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.files.documents import may_read
from storage.models import DownloadLink, Membership, MemberStatus

KEPT_PREFIX = "sha256/"  # the store's kept documents: a link only points at them

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)  # URL-safe: it goes in a path as it is


@dataclass(frozen=True)
class NewLink:
    token: str  # shown once, never stored
    link: DownloadLink


def create_link(
    session: Session,
    *,
    file_path: str,
    file_name: str,
    mime_type: str,
    valid_for: timedelta,
    clock: Clock,
    person_id: int | None = None,
    single_use: bool = False,
    agency_id: int | None = None,
) -> NewLink:
    token = new_token()
    now = clock.now()
    link = DownloadLink(
        token_hash=hash_token(token),
        file_path=file_path,
        file_name=file_name[:300],
        mime_type=mime_type[:100] or "application/octet-stream",
        created_at=now,
        expires_at=now + valid_for,
        person_id=person_id,
        single_use=single_use,
        agency_id=agency_id,
    )
    session.add(link)
    session.flush()
    return NewLink(token, link)


def find_link(session: Session, *, token: str, clock: Clock) -> DownloadLink | None:
    """The live link a token opens; None when unknown or expired (the caller says no more)."""
    if not token or len(token) > 200:
        return None
    link = session.exec(
        select(DownloadLink).where(DownloadLink.token_hash == hash_token(token))
    ).first()
    if link is None or link.expires_at <= clock.now():
        return None
    return link


@dataclass(frozen=True)
class Opened:
    link: DownloadLink
    new_cookie: str | None  # for the browser that just claimed the link; None if it had one


def open_link(
    session: Session, *, token: str, cookie: str | None, clock: Clock
) -> Opened | None:
    """The link a request may open, or None (unknown, expired, used, its person without a
    role, or another browser's). Call inside a transaction: claiming and using are written."""
    link = find_link(session, token=token, clock=clock)
    if link is None or (link.single_use and link.used_at is not None):
        return None
    if link.person_id is not None and not _has_role(session, link.person_id):
        return None
    if (
        link.person_id is not None
        and link.agency_id is not None
        and not may_read(session, person_id=link.person_id, agency_id=link.agency_id)
    ):
        return None
    new_cookie = None
    if link.claim_hash is None:
        new_cookie = cookie or new_token()
        claimed = session.exec(
            update(DownloadLink)
            .where(col(DownloadLink.id) == link.id, col(DownloadLink.claim_hash).is_(None))
            .values(claim_hash=hash_token(new_cookie))
        )
        if claimed.rowcount != 1:
            return None
        new_cookie = None if cookie else new_cookie
    elif cookie is None or not hmac.compare_digest(link.claim_hash, hash_token(cookie)):
        return None
    if link.single_use:
        used = session.exec(
            update(DownloadLink)
            .where(col(DownloadLink.id) == link.id, col(DownloadLink.used_at).is_(None))
            .values(used_at=clock.now())
        )
        if used.rowcount != 1:
            return None
    return Opened(link, new_cookie)


def _has_role(session: Session, person_id: int) -> bool:
    return (
        session.exec(
            select(Membership.id).where(
                Membership.person_id == person_id, Membership.status == MemberStatus.active
            )
        ).first()
        is not None
    )


def purge_expired(session: Session, *, clock: Clock) -> list[str]:
    """Forget expired links; returns the keys of the files made for them, for the caller to
    delete (a kept document outlives every link to it)."""
    now = clock.now()
    expired = session.exec(
        select(DownloadLink.file_path).where(col(DownloadLink.expires_at) <= now)
    ).all()
    if expired:
        session.exec(delete(DownloadLink).where(col(DownloadLink.expires_at) <= now))
    return [key for key in expired if not key.startswith(KEPT_PREFIX)]
