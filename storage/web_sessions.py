"""Sign-in to the web console from the chat, without passwords.

A secretariat member sends `/web`; the bot answers with a personal link that opens once within
10 minutes (`issue_signin`). Opening it (`open_signin`) starts a browser session: a new random
token goes into the browser's cookie and the link is used up. As with download links
(`storage.downloads`), tokens are 256 random bits shown once; only their SHA-256 is stored, so
the table alone opens nothing.

A session is bound to the chat identity that asked for the link; the caller checks on every
request that this identity still holds the secretariat role (a removed member's session stops
at once), and the session ends at sign-out or when it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.downloads import hash_token, new_token
from storage.models import WebSession

LINK_VALID = timedelta(minutes=10)
KEEP_ENDED = timedelta(days=30)  # ended and expired rows are forgotten after this


@dataclass(frozen=True)
class NewSignIn:
    token: str  # the link's token: shown once in the chat, never stored
    row: WebSession


@dataclass(frozen=True)
class OpenedSession:
    token: str  # the session's token, for the browser's cookie; never stored
    row: WebSession


def issue_signin(
    session: Session,
    *,
    channel: str,
    external_id: str,
    chat_id: str,
    person_id: int | None,
    clock: Clock,
) -> NewSignIn:
    """A one-time sign-in link for this chat identity, valid for LINK_VALID."""
    now = clock.now()
    _forget_old(session, now=now)
    token = new_token()
    row = WebSession(
        link_hash=hash_token(token),
        channel=channel,
        external_id=external_id,
        chat_id=chat_id,
        person_id=person_id,
        created_at=now,
        link_expires_at=now + LINK_VALID,
    )
    session.add(row)
    session.flush()
    return NewSignIn(token, row)


def pending_signin(session: Session, *, token: str, clock: Clock) -> WebSession | None:
    """The sign-in a link would open, without using it (the confirmation page); None when the
    link is unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    row = session.exec(select(WebSession).where(WebSession.link_hash == hash_token(token))).first()
    if row is None or row.opened_at is not None or row.link_expires_at <= clock.now():
        return None
    return row


def open_signin(
    session: Session, *, token: str, valid_for: timedelta, clock: Clock
) -> OpenedSession | None:
    """Use the link up and start its session, atomically: of two browsers opening one link,
    one gets the session. None when the link is unknown, used or expired."""
    row = pending_signin(session, token=token, clock=clock)
    if row is None:
        return None
    now = clock.now()
    session_token = new_token()
    opened = session.exec(
        update(WebSession)
        .where(col(WebSession.id) == row.id, col(WebSession.opened_at).is_(None))
        .values(opened_at=now, expires_at=now + valid_for, session_hash=hash_token(session_token))
    )
    if opened.rowcount != 1:
        return None
    session.refresh(row)
    return OpenedSession(session_token, row)


def find_session(session: Session, *, token: str | None, clock: Clock) -> WebSession | None:
    """The live session a browser's cookie names; None when unknown, ended or expired."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(WebSession).where(WebSession.session_hash == hash_token(token))
    ).first()
    if row is None or row.ended_at is not None or row.expires_at is None:
        return None
    return row if row.expires_at > clock.now() else None


def end_session(session: Session, *, row: WebSession, clock: Clock) -> None:
    """Sign-out: the cookie opens nothing from now on."""
    row.ended_at = clock.now()
    session.add(row)
    session.flush()


def _forget_old(session: Session, *, now: datetime) -> None:
    """Links never opened and sessions long over (so the table stays small)."""
    cutoff = now - KEEP_ENDED
    session.exec(
        delete(WebSession).where(
            col(WebSession.link_expires_at) < cutoff,
            or_(col(WebSession.expires_at).is_(None), col(WebSession.expires_at) < cutoff),
        )
    )
