"""A user who blocked the bot: marked unreachable, and the secretariat told once a day (the rule
itself: handlers.channel_notices), in the channel's own words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.app import App
from handlers import channel_notices

log = logging.getLogger(__name__)

Notice = Callable[[str], str]  # who -> the notice's text


def record_blocked(app: App, *, channel: str, chat_id: str, notice: Notice) -> int:
    """Returns how many notices were queued (0 for a chat of nobody registered)."""
    return channel_notices.record_blocked(
        app.make_session,
        channel=channel,
        chat_id=chat_id,
        clock=app.clock,
        zone=app.settings.zone,
        notice=notice,
        admins=sorted(app.dispatcher.config.admins),
    )


async def blocked(app: App, *, channel: str, chat_id: str, notice: Notice) -> None:
    """Never raises: the channel goes on serving everyone else."""
    log.warning("%s chat %s blocked the bot; marking it unreachable", channel, chat_id)
    try:
        await asyncio.to_thread(
            record_blocked, app, channel=channel, chat_id=chat_id, notice=notice
        )
    except Exception:
        log.exception("could not record that %s chat %s blocked the bot", channel, chat_id)
