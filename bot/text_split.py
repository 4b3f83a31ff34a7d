"""Cutting a long reply into messages a platform accepts: at line ends where possible, inside
an over-long line at a space near the limit, never losing a character. Lengths are counted in
UTF-16 units, as Telegram counts them (and never less than Zalo's count)."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit`, in order, cut at line ends where possible."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        line_length = utf16_len(line)
        if current and size + 1 + line_length <= limit:
            current.append(line)
            size += 1 + line_length
            continue
        if current:
            pieces.append("\n".join(current))
        while line_length > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
            line_length = utf16_len(line)
        current, size = [line], line_length
    if current:
        pieces.append("\n".join(current))
    return [p.strip("\n") for p in pieces if p.strip()]


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of `line` within `limit` (ending after a space when one is in its
    second half), and the rest. Nothing is dropped."""
    end = min(len(line), limit)
    while utf16_len(line[:end]) > limit:
        end -= 1
    space = line.rfind(" ", 0, end)
    if space >= end // 2:
        end = space + 1
    return line[:end], line[end:]
