"""The adapter's own user-facing text (Vietnamese first, English second).

Only what is about Telegram itself lives here; everything a handler says is in
`handlers.messages`.
"""

from __future__ import annotations

from handlers.messages import Language, translate


def text(key: str, language: Language, **values: object) -> str:
    return translate("telegram." + key, language, **values)


def file_size(size: int, language: Language) -> str:
    """A size people read: '25,3 MB' in Vietnamese, '25.3 MB' in English."""
    shown = f"{size / (1024 * 1024):.1f} MB"
    return shown if language == "en" else shown.replace(".", ",")
