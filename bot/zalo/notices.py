"""Telling the secretariat, in Zalo's words, that the plan's message quota is used up (429
"Quota exceeded"); a user who blocked the bot is the shared rule of bot.adapter.notices."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bot.zalo.inbound import CHANNEL
from bot.zalo.texts import text
from handlers import channel_notices
from handlers.messages import Language
from storage.clock import Clock
from storage.db import SessionFactory, transaction


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
