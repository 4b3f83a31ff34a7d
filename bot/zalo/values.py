"""Plain values the Zalo Bot API returns, and its millisecond timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_MILLIS_FROM = 10**11  # below this a timestamp is in seconds (year 5138 in seconds)


def from_millis(value: Any) -> datetime | None:
    """Zalo dates are milliseconds since the epoch (as a number or a string)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    seconds = number / 1000 if number >= _MILLIS_FROM else number
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def as_id(value: Any) -> str:
    """Ids are strings (20 hex characters); some clients send numbers: keep them exact."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class BotInfo:
    id: str
    account_name: str
    account_type: str = ""
    can_join_groups: bool = False

    @classmethod
    def parse(cls, data: Any) -> BotInfo:
        data = data if isinstance(data, dict) else {}
        return cls(
            id=as_id(data.get("id")),
            account_name=str(data.get("account_name") or data.get("name") or ""),
            account_type=str(data.get("account_type") or ""),
            can_join_groups=bool(data.get("can_join_groups")),
        )


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    date: datetime | None

    @classmethod
    def parse(cls, data: Any) -> SentMessage:
        data = data if isinstance(data, dict) else {}
        return cls(as_id(data.get("message_id")), from_millis(data.get("date")))


@dataclass(frozen=True)
class WebhookInfo:
    url: str
    updated_at: datetime | None

    @classmethod
    def parse(cls, data: Any) -> WebhookInfo:
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("url") or ""), from_millis(data.get("updated_at")))
