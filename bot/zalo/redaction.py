"""Keep the Zalo bot token (and webhook secret) out of every message and log line.

The token sits in every request URL, and httpx logs request URLs; `baocao run` already filters
its own log handler (`bot.logs`), and the channel adds the same filter to whatever handlers are
on the root logger while it runs (a test's capture handler, an embedding program's).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

from bot.logs import RedactSecrets

MIN_PART = 8  # shorter fragments would mangle ordinary text


def variants(secret: str) -> list[str]:
    """The secret as it may appear: whole, URL-quoted, and its secret half after ':'."""
    if not secret:
        return []
    found = [secret, quote(secret, safe=""), quote(secret)]
    _, _, tail = secret.partition(":")
    if len(tail) >= MIN_PART:
        found.append(tail)
    # Longest first, so a whole token is replaced before its tail.
    return sorted(set(found), key=len, reverse=True)


class Redaction:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = [v for s in secrets for v in variants(s)]
        self._filter = RedactSecrets(self.secrets)
        self._handlers: list[logging.Handler] = []

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def install(self) -> None:
        for handler in logging.getLogger().handlers:
            if self._filter not in handler.filters:
                handler.addFilter(self._filter)
                self._handlers.append(handler)

    def uninstall(self) -> None:
        for handler in self._handlers:
            handler.removeFilter(self._filter)
        self._handlers.clear()
