"""A user blocked the bot (403): mark them unreachable and tell the secretariat, in
Telegram's words (the rule itself is shared: handlers.channel_notices)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from bot.telegram.inbound import CHANNEL
from bot.telegram.texts import text
from handlers import channel_notices
from handlers.messages import Language
from storage.clock import Clock
from storage.db import SessionFactory


def record_blocked(
    make_session: SessionFactory,
    *,
    chat_id: str,
    clock: Clock,
    zone: ZoneInfo,
    language: Language,
    admins: Iterable[tuple[str, str]] = (),
) -> int:
    """Returns how many notices were queued (0 for a chat of nobody registered)."""
    return channel_notices.record_blocked(
        make_session,
        channel=CHANNEL,
        chat_id=chat_id,
        clock=clock,
        zone=zone,
        notice=lambda who: text("blocked.notice", language, who=who),
        admins=admins,
    )
