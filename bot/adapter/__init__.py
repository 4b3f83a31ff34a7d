"""What every chat channel shares, written once: per-chat ordering, storing an update before it
is handled (and replaying what a stop left), the update-handling pipeline (the typing
indicator, the handlers off the event loop, the outbox fallback when a reply cannot go out now),
and the notices when a user blocked the bot.

A channel (`bot.telegram`, `bot.zalo`) supplies only how to read its updates, how to send, and
how to judge its send errors.
"""

from bot.adapter.failures import Failure, SendFailed, Verdict
from bot.adapter.inbox import Inbox, StoredUpdate
from bot.adapter.ordering import ChatLocks, ChatProcessor
from bot.adapter.pipeline import Handled, Inbound, UpdatePipeline

__all__ = [
    "ChatLocks",
    "ChatProcessor",
    "Failure",
    "Handled",
    "Inbound",
    "Inbox",
    "SendFailed",
    "StoredUpdate",
    "UpdatePipeline",
    "Verdict",
]
