"""Checks on what users type. Each returns the cleaned value or the key of a clear message."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from handlers.text import is_blank, normalise_text

_SPACES = re.compile(r"\s+")
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")
_POSITION_FORBIDDEN = re.compile(r"[<>{}\[\]\\|`~^*=+#@$]")


@dataclass(frozen=True)
class Invalid:
    key: str  # message key in handlers.messages
    values: dict[str, object]


# Emoji, by a precise rule rather than "any symbol" (Unicode category So), so that °, ©, ±, ≤,
# µ, №, ™, arrows and box or check marks used in reports stay accepted:
# - the pictographic blocks of the supplementary planes (faces, objects, flags, keycaps...);
# - the few BMP symbols that phones show as emoji by default (Emoji_Presentation=Yes);
# - any symbol followed by VS16 (U+FE0F, "show as emoji"), e.g. ❤️ or ©️;
# - the joiners and modifiers only emoji use (ZWJ between symbols, skin tones, tag characters).
_EMOJI_RANGES = (
    (0x1F000, 0x1F0FF),  # mahjong, dominoes, playing cards
    (0x1F100, 0x1F2FF),  # enclosed letters and ideographs, regional indicators (flags)
    (0x1F300, 0x1F6FF),  # pictographs, emoticons, transport and map symbols
    (0x1F7E0, 0x1F7FF),  # coloured circles and squares
    (0x1F900, 0x1F9FF),  # supplemental pictographs
    (0x1FA70, 0x1FAFF),  # pictographs extended-A
    (0xE0020, 0xE007F),  # tag characters (subdivision flags)
)
_EMOJI_BMP = frozenset(
    [0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614,
     0x2615, *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE,
     0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705,
     0x270A, 0x270B, 0x2728, 0x274C, 0x274E, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796,
     0x2797, 0x27B0, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55]
)  # fmt: skip
_VS16 = "\ufe0f"
_ZWJ = "\u200d"
_KEYCAP = "\u20e3"


def _is_pictograph(char: str) -> bool:
    code = ord(char)
    return code in _EMOJI_BMP or any(low <= code <= high for low, high in _EMOJI_RANGES)


def has_emoji(text: str) -> bool:
    """True for emoji (see the rule above) and for private-use or unpaired surrogate characters,
    which show as nothing or as a box on the reader's screen."""
    for index, char in enumerate(text):
        if _is_pictograph(char) or unicodedata.category(char) in {"Cs", "Co"}:
            return True
        if char in (_VS16, _KEYCAP) and index > 0 and not text[index - 1].isspace():
            return True
        if char == _ZWJ and 0 < index < len(text) - 1:
            before, after = text[index - 1], text[index + 1]
            if not (before.isalpha() and after.isalpha()):  # between letters it is a script's
                return True
    return False


def clean_line(text: str | None) -> str:
    cleaned = normalise_text(text) or ""
    return "" if is_blank(cleaned) else _SPACES.sub(" ", cleaned).strip()


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
    cleaned = normalise_text(text) or ""
    lines = [_SPACES.sub(" ", line).strip() for line in cleaned.splitlines()]
    value = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if is_blank(value):  # zero-width spaces alone are no answer
        value = ""
    if not value:
        return Invalid("report.empty", {}) if required else ""
    if len(value) > max_length:
        return Invalid("invalid.too_long", {"limit": max_length, "length": len(value)})
    if has_emoji(value):
        return Invalid("invalid.emoji", {})
    if _TAG.search(value):
        return Invalid("invalid.tags", {})
    return value


# ASCII digits only: `\d` would also take full-width (７０) and Arabic-Indic (٧٠) digits.
_PERCENT = re.compile(r"^([0-9]{1,4})\s*%?$", re.ASCII)


def check_percent(text: str | None) -> int | Invalid:
    value = clean_line(text)
    match = _PERCENT.match(value)
    if not match:
        return Invalid("report.bad_percent", {"text": value[:40]})
    number = int(match[1])
    if number > 100:
        return Invalid("report.percent_range", {"value": number})
    return number
