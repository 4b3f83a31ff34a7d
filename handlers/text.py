"""Text as it enters the bot, cleaned once at the edge (`IncomingEvent` creation).

Everything a channel hands over goes through `normalise_text`, so whatever a handler accepts can
be stored on every database: PostgreSQL refuses NUL in text, UTF-8 cannot encode a lone
surrogate, and control characters only hide things from the people who read the answers.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls except tab and newline (carriage returns become newlines first).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Invisible characters that carry no meaning in a report, and the bidi controls that can make
# shown text differ from stored text. ZWJ/ZWNJ stay: they belong to emoji sequences and some
# scripts, and the emoji rule must still see them.
_STRIPPED = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e]")
# Characters that show nothing though they are not format characters (fillers, blank braille).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")


def normalise_text(text: str | None) -> str | None:
    """NFC, line ends as '\\n', no control/NUL/surrogate/stripped invisible characters."""
    if text is None:
        return None
    text = _LONE_SURROGATES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = _STRIPPED.sub("", text)
    return unicodedata.normalize("NFC", text)


def is_blank(text: str | None) -> bool:
    """Nothing a reader would see: spaces, format characters (ZWJ, variation selectors) only."""
    return all(
        char.isspace()
        or char in _BLANK_LOOKING
        or unicodedata.category(char) in {"Cf", "Cc", "Mn", "Me"}
        for char in text or ""
    )


def clean_input(text: str | None) -> str | None:
    """The edge's one rule: normalised, and an answer that shows nothing is an empty one."""
    cleaned = normalise_text(text)
    if cleaned is not None and is_blank(cleaned):
        return ""
    return cleaned
