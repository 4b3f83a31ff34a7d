"""Making user text safe to put in a spreadsheet cell (invariant 5).

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, on import, a tab or
a carriage return before one) as a formula, so an answer typed into the chat could become one.
- CSV has no cell types: such a value gets a leading apostrophe, as a user types literal text
  into Excel (`=SUM(A1)` is written `'=SUM(A1)`).
- XLSX: every answer is stored as a text cell, never a formula, and a risky one also carries
  Excel's "quote prefix" flag: it shows exactly as typed (Vietnamese lists often start with
  "- "), and stays text if someone edits the cell.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_RISKY_FIRST = frozenset(FORMULA_STARTS)
# Control characters XML 1.0 (and so XLSX) cannot hold; \t, \n and \r are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_risky(text: str) -> bool:
    return text[:1] in _RISKY_FIRST


def neutralise(text: str) -> str:
    """For CSV: a leading apostrophe on a value that would start a formula."""
    return "'" + text if is_risky(text) else text


def strip_illegal(text: str) -> str:
    return _ILLEGAL.sub("", text)
