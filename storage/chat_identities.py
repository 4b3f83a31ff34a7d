"""Who is behind a channel's chats: the queries the channel adapters need (command menus per
person, download links bound to their reader)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Identity


def channel_identities(session: Session, *, channel: str) -> list[Identity]:
    """Every identity the bot knows on `channel`."""
    return list(session.exec(select(Identity).where(Identity.channel == channel)).all())


def person_of_chat(session: Session, *, channel: str, chat_id: str) -> int | None:
    """The person whose identity on `channel` has this chat; None for a stranger."""
    return session.exec(
        select(Identity.person_id).where(Identity.channel == channel, Identity.chat_id == chat_id)
    ).first()
