"""A handler's Reply as the Zalo text messages that carry it.

Zalo has no buttons: options become numbered lines ("1. …"), which the handlers read back as
a number or the option's label. Zalo takes at most 2,000 characters a message: longer text is
cut at line ends, and a single line longer than that is cut inside (at a space when one is
near). Text goes out without parse_mode, so nothing in it is read as markup.
"""

from __future__ import annotations

import unicodedata

from handlers.events import Option

TEXT_LIMIT = 2000


def length(text: str) -> int:
    """Counted in UTF-16 units, which is never less than Zalo's count, whatever it uses."""
    return len(text.encode("utf-16-le")) // 2


def render(text: str, options: tuple[Option, ...] = (), *, hint: str = "") -> str:
    """The message text: the reply, then its options numbered, then how to answer."""
    body = unicodedata.normalize("NFC", text.strip())
    if not options:
        return body
    lines = [f"{number}. {option.label}" for number, option in enumerate(options, start=1)]
    if hint:
        lines.append(hint)
    return "\n\n".join(p for p in (body, "\n".join(lines)) if p)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit`, in order, cut at line ends where possible."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        line_length = length(line)
        if current and size + 1 + line_length <= limit:
            current.append(line)
            size += 1 + line_length
            continue
        if current:
            pieces.append("\n".join(current))
        while line_length > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
            line_length = length(line)
        current, size = [line], line_length
    if current:
        pieces.append("\n".join(current))
    return [p.strip("\n") for p in pieces if p.strip()]


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of `line` within `limit` (ending after a space when one is in its
    second half), and the rest. Nothing is dropped."""
    end = min(len(line), limit)
    while length(line[:end]) > limit:
        end -= 1
    space = line.rfind(" ", 0, end)
    if space >= end // 2:
        end = space + 1
    return line[:end], line[end:]


def plan_texts(text: str, options: tuple[Option, ...] = (), *, hint: str = "") -> list[str]:
    """Every message to send for one reply, in order."""
    return split_text(render(text, options, hint=hint))
