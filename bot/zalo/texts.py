"""The Zalo adapter's own user-facing text (Vietnamese first, English second).

The words are in the catalogue under "zalo."; everything a handler says is under its own key.
"""

from __future__ import annotations

from handlers.messages import Language, translate


def text(key: str, language: Language, **values: object) -> str:
    return translate("zalo." + key, language, **values)
