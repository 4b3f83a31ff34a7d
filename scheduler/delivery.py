"""What the scheduler needs from a chat channel to deliver outbox messages."""

from __future__ import annotations

from typing import Protocol

from scheduler.outgoing import Reply


class DeliveryError(Exception):
    """A send that failed. `retry_after` (seconds) when the platform said when to retry, for
    the whole channel or (`whole_channel=False`) for this chat only; `permanent` when retrying
    cannot help (the user blocked the bot, the chat is gone); `uncertain` when the platform may
    have delivered it though no answer came (never resent automatically)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        whole_channel: bool = True,
        uncertain: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.whole_channel = whole_channel
        self.uncertain = uncertain


class Channel(Protocol):
    name: str  # telegram | zalo | console

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """Send one message; raise DeliveryError on failure."""
        ...
