"""Download links for files the bot made, on channels that cannot send files (Zalo).

The token in the link is random (256 bits) and shown once; only its SHA-256 is stored, so the
table alone opens nothing. A link works until it expires; then it opens nothing either.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import DownloadLink

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


def purge_expired(session: Session, *, clock: Clock) -> list[str]:
    """Forget expired links; returns their file paths, for the caller to delete the files."""
    now = clock.now()
    expired = session.exec(
        select(DownloadLink.file_path).where(col(DownloadLink.expires_at) <= now)
    ).all()
    if expired:
        session.execute(delete(DownloadLink).where(col(DownloadLink.expires_at) <= now))
    return list(expired)
