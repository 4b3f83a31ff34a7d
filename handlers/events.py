"""Plain values that cross between the channel adapters and the handlers. What the bot says
(`Reply`, `Option`, `OutgoingFile`) lives in `scheduler.outgoing`, beneath both the handlers
and the scheduler, so neither imports the other's package for it."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.text import clean_input, normalise_text
from scheduler.outgoing import Option, OutgoingFile, Reply
from storage.files.content import name_is_unsafe
from storage.files.documents import Kept

__all__ = [
    "IncomingAttachment",
    "IncomingEvent",
    "Option",
    "OutgoingFile",
    "Received",
    "Reply",
]


@dataclass(frozen=True)
class Received:
    """What the bot did with an attachment's bytes when it arrived (`bot.intake`): they are
    in the file store (`kept`), or they are not and `problem` is the message key saying why
    (`file.empty`, `file.too_big`, `file.type`, `file.name`, `file.download`)."""

    intake_id: int | None
    kept: Kept | None = None
    problem: str = ""
    values: tuple[tuple[str, str | int | float], ...] = ()


@dataclass(frozen=True)
class IncomingAttachment:
    """A file the user sent; `file_ref` is the channel's own id for fetching it, `received`
    what became of its bytes (None: nobody fetched them)."""

    file_ref: str
    file_name: str = ""
    mime_type: str = ""
    size: int = 0
    received: Received | None = None
    # The name as sent had a path separator or a control character (cleaned out of
    # `file_name`): such a file is refused, not renamed behind the sender's back. Worked out
    # from the name as the channel gave it; kept as it is by dataclasses.replace.
    unsafe_name: bool | None = None

    def __post_init__(self) -> None:
        if self.unsafe_name is None:
            object.__setattr__(self, "unsafe_name", name_is_unsafe(self.file_name))
        object.__setattr__(self, "file_name", normalise_text(self.file_name) or "")
        object.__setattr__(self, "mime_type", normalise_text(self.mime_type) or "")


@dataclass(frozen=True)
class IncomingEvent:
    channel: str  # telegram | zalo | console
    user_id: str
    chat_id: str
    text: str | None = None
    choice: str | None = None  # the value of an option the user picked (a pressed button)
    attachment: IncomingAttachment | None = None
    user_name: str = ""

    def __post_init__(self) -> None:
        # Cleaned once here, whatever the channel, so no handler ever sees (or stores) a NUL,
        # a control character or an invisible-only answer.
        object.__setattr__(self, "text", clean_input(self.text))
        object.__setattr__(self, "choice", normalise_text(self.choice))
        object.__setattr__(self, "user_name", normalise_text(self.user_name) or "")
