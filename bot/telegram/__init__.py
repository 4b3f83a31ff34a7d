"""The Telegram channel on python-telegram-bot: translates between Telegram and `handlers`.

What every channel shares (storing updates first, the handling pipeline, per-chat ordering,
the outbox fallback, blocked users) is `bot.adapter`. Modules here, one job each: `inbound`
(updates to events), `outbound` (replies to messages), `keyboard` (options as buttons),
`sender` (sending a reply), `guard` (flood limits and retries), `processor` (per-chat ordering
inside PTB), `storing` (updates stored before Telegram is told they arrived), `pipeline` (what
is Telegram's own in handling an update), `menus` (command menus per role), `runner` (building
and receiving), `channel` (the running channel).
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
