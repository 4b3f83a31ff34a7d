"""A reply that did not go out, and what to do about it: the channel judges its own errors."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SendFailed(Exception):
    """Raised by a channel's send: `cause` is the channel's own error (after its retries)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


class Verdict(enum.Enum):
    BLOCKED = "blocked"  # the user blocked the bot: mark them unreachable, tell the secretariat
    LATER = "later"  # the channel will take it later: keep the rest in the outbox
    REFUSED = "refused"  # the channel refuses this message as such: trying again is useless


@dataclass(frozen=True)
class Failure:
    verdict: Verdict
    delay: float = 0.0  # for LATER: seconds before the outbox tries again
