"""The Telegram channel on python-telegram-bot: translates between Telegram and `handlers`.

Modules, one job each: `inbound` (updates to events), `outbound` (replies to messages),
`keyboard` (options as buttons), `sender` (sending a reply), `guard` (flood limits and
retries), `processor` (per-chat ordering), `updates` (one update start to finish), `menus`
(command menus per role), `blocked` (users who blocked the bot), `runner` (building and
receiving), `channel` (the running channel).
"""

from bot.telegram.channel import TelegramChannel, TelegramOptions, TelegramStartError
from bot.telegram.guard import Limits, RetryPolicy
from bot.telegram.runner import Timeouts

__all__ = [
    "Limits",
    "RetryPolicy",
    "TelegramChannel",
    "TelegramOptions",
    "TelegramStartError",
    "Timeouts",
]
