"""A handler's Reply as the Telegram messages that carry it: split, escaped, with a keyboard.

Handlers speak plain text; every message goes out with parse_mode HTML, so all of it is
escaped here (invariant 5), after splitting, so an escape is never cut in half.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.text_split import split_text as split_at_lines
from bot.text_split import utf16_len
from handlers.events import Option, OutgoingFile, Reply

TEXT_LIMIT = 4096  # characters after entity parsing, counted in UTF-16 code units
CAPTION_LIMIT = 1024


def escape(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class TextPart:
    text: str  # plain
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class DocumentPart:
    file: OutgoingFile
    caption: str = ""  # plain
    options: tuple[Option, ...] = ()


Part = TextPart | DocumentPart


def plan_reply(reply: Reply) -> list[Part]:
    """The messages for one reply; the keyboard goes on the last one, under everything."""
    text = reply.text.strip()
    if reply.file is not None:
        if utf16_len(text) <= CAPTION_LIMIT:
            return [DocumentPart(reply.file, text, reply.options)]
        return [TextPart(chunk) for chunk in split_text(text)] + [
            DocumentPart(reply.file, "", reply.options)
        ]
    chunks = split_text(text)
    if not chunks:
        if not reply.options:
            return []
        chunks = ["…"]  # Telegram refuses an empty message, and the buttons need one
    parts = [TextPart(chunk) for chunk in chunks]
    parts[-1] = TextPart(chunks[-1], reply.options)
    return parts


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    return split_at_lines(text, limit)
