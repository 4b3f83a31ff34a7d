"""Keep the bot token (and webhook secret) out of every log line while the channel runs.

`baocao run` already installs `bot.logs.RedactSecrets` on its log handler; the channel adds the
same filter to whatever handlers are on the root logger when it starts (a test's capture
handler, an embedding program's), since httpx logs request URLs, and those carry the token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.logs import RedactSecrets


class Redaction:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = [s for s in secrets if s]
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
