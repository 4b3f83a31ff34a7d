"""What the bot says: plain text, options and files. Made by the handlers, queued and delivered
by the scheduler, rendered by the channel adapters; it imports nothing of theirs."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # A document the bot keeps: its key in the file store (a download link then names it
    # instead of copying it) and the agency it belongs to (a link to it opens only for the
    # secretariat or that agency's focal points).
    stored_key: str | None = None
    agency_id: int | None = None


@dataclass(frozen=True)
class Reply:
    """Plain text (never markup: adapters escape it), optional options and an optional file."""

    text: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    file: OutgoingFile | None = None
