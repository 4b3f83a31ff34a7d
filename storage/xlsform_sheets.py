"""The cells of an XLSForm workbook: sheets by lower-case name, rows as cells keyed by column
and language (`label::English (en)` -> ("label", "en")), every value as stripped text.

Kept apart from `storage/xlsform.py`, which gives the cells their meaning.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TRANSLATED = frozenset(
    {
        "label", "hint", "baocao::unit", "constraint_message", "required_message",
        "guidance_hint", "form_title",
    }
)  # fmt: skip
_CHOICE_ALIASES = {"list name": "list_name", "value": "name"}
_LANGUAGE_NAMES = {
    "vietnamese": "vi", "tiếng việt": "vi", "tieng viet": "vi", "english": "en", "tiếng anh": "en",
}  # fmt: skip
_LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\s*\)\s*$")

Column = tuple[str, str | None]  # (column name in lower case, language code)


@dataclass
class Row:
    number: int
    cells: dict[Column, str]

    def get(self, column: str) -> str:
        return self.cells.get((column, None), "")

    def labels(self, column: str) -> dict[str, str]:
        # A plain column is Vietnamese; an explicit `::vi` column wins over it.
        out: dict[str, str] = {}
        for (name, language), text in sorted(self.cells.items(), key=lambda i: i[0][1] or ""):
            if name == column and text:
                out[language or "vi"] = text
        return out


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[Row]


def is_xlsform(path: Path) -> bool:
    """A workbook with a `survey` sheet is a questionnaire; others are appendix tables."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return False
    try:
        workbook = open_workbook(path)
    except Exception:  # a broken file: the table reader reports it
        return False
    try:
        return any(title.strip().lower() == "survey" for title in workbook.sheetnames)
    finally:
        workbook.close()


def open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # Workbooks made from the ODK/KoBo templates carry dropdowns openpyxl cannot keep;
        # it says so with a UserWarning on every read. Only the values matter here.
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path, read_only=True, data_only=True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores the choice name 1 as 1.0
    return str(value).strip()


def _read_sheet(sheet: Any) -> Sheet:
    rows = iter(sheet.iter_rows(values_only=True))
    header = [_text(cell) for cell in next(rows, ())]
    columns = [_column(cell) for cell in header]
    out: list[Row] = []
    for number, values in enumerate(rows, start=2):
        cells = {
            columns[i]: _text(value)
            for i, value in enumerate(values)
            if i < len(columns) and columns[i][0] and _text(value)
        }
        if cells:
            out.append(Row(number, cells))
    return Sheet(sheet.title, columns, out)


def _column(header: str) -> Column:
    parts = [part.strip() for part in header.split("::")]
    if parts[0].lower() == "baocao" and len(parts) > 1:
        parts = [f"baocao::{parts[1]}", *parts[2:]]
    base = parts[0].lower()
    base = _CHOICE_ALIASES.get(base, base)
    if len(parts) == 1:
        return base, None
    if base not in _TRANSLATED:
        return header.lower(), None  # refused later as an unknown column if it is used
    return base, _language("::".join(parts[1:]))


def _language(text: str) -> str:
    match = _LANGUAGE_CODE.search(text)
    if match:
        return match[1].lower().replace("_", "-")
    lowered = text.strip().lower()
    if re.fullmatch(r"[a-z]{2,3}", lowered):
        return lowered
    return _LANGUAGE_NAMES.get(lowered, f"?{text}")  # '?': an unknown language, refused


def read_sheets(workbook: Any) -> dict[str, Sheet]:
    return {title.strip().lower(): _read_sheet(workbook[title]) for title in workbook.sheetnames}
