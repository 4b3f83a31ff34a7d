"""Name normalisation, so 'Sở Y tế', 'sở  y tế.' and 'SỞ Y TẾ' match the same agency."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name)
    text = _SPACES.sub(" ", text).strip().strip(".;:").strip()
    return text.casefold()
