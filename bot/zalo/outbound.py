"""A handler's Reply as the Zalo text messages that carry it.

Zalo has no buttons: options become numbered lines ("1. …"), which the handlers read back as
a number or the option's label. Zalo takes at most 2,000 characters a message: longer text is
cut at line ends, and a single line longer than that is cut inside (at a space when one is
near). Text goes out without parse_mode, so nothing in it is read as markup.
"""

from __future__ import annotations

import unicodedata

from bot.text_split import split_text as split_at_lines
from handlers.events import Option

TEXT_LIMIT = 2000


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
    return split_at_lines(text, limit)


def plan_texts(text: str, options: tuple[Option, ...] = (), *, hint: str = "") -> list[str]:
    """Every message to send for one reply, in order."""
    return split_text(render(text, options, hint=hint))
