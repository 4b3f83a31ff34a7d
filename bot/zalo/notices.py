"""Telling the secretariat about Zalo trouble through the outbox, in Zalo's words: a user who
blocked the bot (403), and the plan's message quota used up (429 "Quota exceeded"). The rule
itself is shared with the other channels: handlers.channel_notices."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bot.zalo.inbound import CHANNEL
from bot.zalo.texts import text
from handlers import channel_notices
from handlers.messages import Language
from storage.clock import Clock
from storage.db import SessionFactory, transaction


def record_blocked(
    make_session: SessionFactory,
    *,
    chat_id: str,
    clock: Clock,
    zone: ZoneInfo,
    language: Language,
    admins: Iterable[tuple[str, str]] = (),
) -> int:
    """Mark the chat unreachable; returns how many notices were queued (0 for a stranger)."""
    return channel_notices.record_blocked(
        make_session,
        channel=CHANNEL,
        chat_id=chat_id,
        clock=clock,
        zone=zone,
        notice=lambda who: text("blocked.notice", language, who=who),
        admins=admins,
    )


def record_quota(
    make_session: SessionFactory,
    *,
    clock: Clock,
    zone: ZoneInfo,
    language: Language,
    admins: Iterable[tuple[str, str]] = (),
) -> int:
    """Queue the quota notice on the secretariat's other channels (Zalo itself is full)."""
    with transaction(make_session) as session:
        return channel_notices.tell_secretariat(
            session,
            cause=f"quota:{CHANNEL}",
            text=text("quota.notice", language),
            clock=clock,
            zone=zone,
            skip=lambda r: r.channel == CHANNEL,
            admins=admins,
        )
