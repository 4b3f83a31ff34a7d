"""Telegram updates stored before Telegram forgets them, as Zalo's are (`bot.adapter.Inbox`).

python-telegram-bot acknowledges a polled update with the next getUpdates (its offset moves
past it), which may go out before the handler has run; a webhook update is acknowledged by the
HTTP answer. So each batch getUpdates returns is stored, in one insert, before getUpdates
returns it to PTB (`runner.PollingRequest`); a webhook update before the answer
(`StoringQueue`). If the
database does not take them, nothing is acknowledged and Telegram sends them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import NetworkError

from bot.adapter.inbox import Inbox

log = logging.getLogger(__name__)


class NotStored(NetworkError):
    """The database did not take fetched updates: PTB retries getUpdates (with backoff) at the
    same offset, so Telegram hands them over again."""


def update_key(update: Update) -> str:
    return str(update.update_id)


async def keep(inbox: Inbox, updates: Sequence[dict[str, Any]]) -> None:
    """Store updates as Telegram sent them (JSON objects); raises NotStored."""
    try:
        await inbox.keep([(str(u["update_id"]), u) for u in updates])
    except Exception as error:
        log.error("could not store %d Telegram update(s): %s", len(updates), type(error).__name__)
        raise NotStored("the updates could not be stored; fetched again") from error


class StoringQueue(asyncio.Queue[object]):
    """The update queue of webhook mode: PTB's webhook answers Telegram only after `put`."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            # Raises: the webhook answers 500, and Telegram sends the update again.
            await keep(self.inbox, [item.to_dict()])
        await super().put(item)
