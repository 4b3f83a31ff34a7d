"""Checks on what users type. Each returns the cleaned value or the key of a clear message."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_SPACES = re.compile(r"\s+")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")
_POSITION_FORBIDDEN = re.compile(r"[<>{}\[\]\\|`~^*=+#@$%]")


@dataclass(frozen=True)
class Invalid:
    key: str  # message key in handlers.messages
    values: dict[str, object]


def has_emoji(text: str) -> bool:
    for char in text:
        code = ord(char)
        if unicodedata.category(char) in {"So", "Cs", "Co"}:
            return True
        if 0xFE00 <= code <= 0xFE0F or code == 0x200D or 0x1F000 <= code <= 0x1FAFF:
            return True
    return False


def clean_line(text: str | None) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def check_full_name(text: str | None, *, max_length: int = 80) -> str | Invalid:
    name = clean_line(text)
    if not name:
        return Invalid("invalid.name.empty", {})
    if len(name) > max_length:
        return Invalid("invalid.too_long", {"limit": max_length, "length": len(name)})
    if has_emoji(name):
        return Invalid("invalid.emoji", {})
    if "<" in name or ">" in name:
        return Invalid("invalid.markup", {})
    letters = sum(ch.isalpha() for ch in name)
    if not _NAME_CHARS.match(name) or letters < 2:
        return Invalid("invalid.name.chars", {})
    return name


def check_position(text: str | None, *, max_length: int = 120) -> str | Invalid:
    position = clean_line(text)
    if not position:
        return Invalid("invalid.position.empty", {})
    if len(position) > max_length:
        return Invalid("invalid.too_long", {"limit": max_length, "length": len(position)})
    if has_emoji(position):
        return Invalid("invalid.emoji", {})
    if "<" in position or ">" in position:
        return Invalid("invalid.markup", {})
    if _POSITION_FORBIDDEN.search(position) or sum(ch.isalpha() for ch in position) < 2:
        return Invalid("invalid.position.chars", {})
    return position


_DATE_FORMATS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})$"),
)


def parse_local_date(text: str, *, today: date) -> date | None:
    """'05/12/2026', '2026-12-05' or '5/12' (the next such date) -> a date; None if not one."""
    value = clean_line(text)
    for pattern in _DATE_FORMATS:
        match = pattern.match(value)
        if not match:
            continue
        parts = match.groupdict()
        try:
            if parts.get("y"):
                return date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            guess = date(today.year, int(parts["m"]), int(parts["d"]))
            return guess if guess >= today else date(today.year + 1, guess.month, guess.day)
        except ValueError:
            return None
    return None


# A markup tag: an ASCII tag name, then attributes or the end ('<Cư Jút>' is just text).
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|<!--")
_BLANK_LINES = re.compile(r"\n{3,}")


def check_free_text(text: str | None, *, max_length: int, required: bool) -> str | Invalid:
    """A paragraph answer: line breaks kept, emoji and markup tags refused, length checked."""
    lines = [
        _SPACES.sub(" ", line).strip()
        for line in unicodedata.normalize("NFC", text or "").splitlines()
    ]
    value = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if not value:
        return Invalid("report.empty", {}) if required else ""
    if len(value) > max_length:
        return Invalid("invalid.too_long", {"limit": max_length, "length": len(value)})
    if has_emoji(value):
        return Invalid("invalid.emoji", {})
    if _TAG.search(value):
        return Invalid("invalid.tags", {})
    return value


_PERCENT = re.compile(r"^(\d{1,4})\s*%?$")


def check_percent(text: str | None) -> int | Invalid:
    value = clean_line(text)
    match = _PERCENT.match(value)
    if not match:
        return Invalid("report.bad_percent", {"text": value[:40]})
    number = int(match[1])
    if number > 100:
        return Invalid("report.percent_range", {"value": number})
    return number
