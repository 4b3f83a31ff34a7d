"""Start the configured chat channels; each also delivers outbox messages for the scheduler."""

from __future__ import annotations

from typing import Protocol

from bot.app import App
from handlers.events import Reply


class RunningChannel(Protocol):
    name: str

    async def deliver(self, chat_id: str, reply: Reply) -> None: ...

    async def stop(self) -> None: ...


async def start_channels(app: App) -> list[RunningChannel]:
    """Every channel whose token is set, started and ready. Empty: use the console."""
    channels: list[RunningChannel] = []
    if app.settings.telegram_token is not None:
        from bot.telegram import TelegramChannel  # python-telegram-bot loads only when used

        telegram = TelegramChannel(app)
        await telegram.start()
        channels.append(telegram)
    if app.settings.zalo_token is not None:
        from bot.zalo import ZaloChannel

        zalo = ZaloChannel(app)
        try:
            await zalo.start()
        except BaseException:
            for channel in channels:  # do not leave Telegram running on its own half-way
                await channel.stop()
            raise
        channels.append(zalo)
    return channels
