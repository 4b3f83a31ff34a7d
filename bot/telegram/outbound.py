"""A handler's Reply as the Telegram messages that carry it: split, escaped, with a keyboard.

Handlers speak plain text; every message goes out with parse_mode HTML, so all of it is
escaped here (invariant 5), after splitting, so an escape is never cut in half.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from handlers.events import Option, OutgoingFile, Reply

TEXT_LIMIT = 4096  # characters after entity parsing, counted in UTF-16 code units
CAPTION_LIMIT = 1024


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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
    """Pieces of at most `limit`, cut at line ends; a line too long alone is cut at a space."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        length = utf16_len(line)
        if current and size + 1 + length <= limit:
            current.append(line)
            size += 1 + length
            continue
        if current:
            pieces.append("\n".join(current))
        current, size = [], 0
        while length > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
            length = utf16_len(line)
        current, size = [line], length
    if current:
        pieces.append("\n".join(current))
    return [p.strip("\n") for p in pieces if p.strip()]


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of `line` within `limit`, preferably ending at a space."""
    end = min(len(line), limit)
    while utf16_len(line[:end]) > limit:
        end -= 1
    space = line.rfind(" ", 0, end + 1)
    if space > end // 2:  # a word boundary not too far back
        return line[:space], line[space + 1 :]
    return line[:end], line[end:]
