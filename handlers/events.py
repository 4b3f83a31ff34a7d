"""Plain values that cross between the channel adapters and the handlers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IncomingAttachment:
    """A file the user sent; `file_ref` is the channel's own id for fetching it later."""

    file_ref: str
    file_name: str = ""
    mime_type: str = ""
    size: int = 0


@dataclass(frozen=True)
class IncomingEvent:
    channel: str  # telegram | zalo | console
    user_id: str
    chat_id: str
    text: str | None = None
    choice: str | None = None  # the value of an option the user picked (a pressed button)
    attachment: IncomingAttachment | None = None
    user_name: str = ""


@dataclass(frozen=True)
class Option:
    """A choice offered to the user: a button on Telegram, a numbered line elsewhere."""

    label: str
    value: str


@dataclass(frozen=True)
class OutgoingFile:
    file_name: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """Plain text (never markup: adapters escape it), optional options and an optional file."""

    text: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    file: OutgoingFile | None = None
