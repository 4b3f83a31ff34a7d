"""Logging set-up that never lets a secret (bot token) reach a log line (invariant 7)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import quote


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "***")
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "***")
            record.exc_text, record.exc_info = text, None
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# httpx logs every request URL at INFO, and Bot API URLs carry the token.
QUIETED_LOGGERS = ("httpx", "apscheduler", "alembic")


class JsonFormatter(logging.Formatter):
    """One JSON object per line (BAOCAO_LOG_FORMAT=json), for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str,
    secrets: Iterable[str],
    *,
    log_format: str = "text",
    stream: TextIO | None = None,
) -> None:
    handler = logging.StreamHandler(stream)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIETED_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


@contextmanager
def quiet_console() -> Iterator[None]:
    """While a person chats in this terminal, only warnings and errors are printed into the
    conversation: the scheduler's routine INFO lines would be read as the bot's replies."""
    root = logging.getLogger()
    saved = [(h, h.level) for h in root.handlers]
    for handler, level in saved:
        handler.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        for handler, level in saved:
            handler.setLevel(level)


MIN_SECRET_PART = 8  # shorter fragments would mangle ordinary text


def secret_variants(secret: str) -> list[str]:
    """A token as it may appear: whole, URL-quoted, and its secret half after ':'."""
    if not secret:
        return []
    found = [secret, quote(secret, safe=""), quote(secret)]
    _, _, tail = secret.partition(":")
    if len(tail) >= MIN_SECRET_PART:
        found.append(tail)
    # Longest first, so a whole token is replaced before its tail.
    return sorted(set(found), key=len, reverse=True)


class Redaction:
    """Keeps a channel's secrets out of messages it builds and out of every log handler that is
    on the root logger while it runs (a test's capture handler, an embedding program's):
    httpx logs request URLs, and Bot API URLs carry the token."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = [v for s in secrets for v in secret_variants(s)]
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
