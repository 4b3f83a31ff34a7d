"""How one answer's value reads, by question type and language: the one place for numbers,
money, dates, yes/no and file names, used by the chats and the web console
(`handlers.report_render`) and by the exports and the draft report
(`storage.exports.questions`).

Vietnamese groups thousands with "." and writes decimals with ",": "1.250.000 đồng", "1,5".
English does the reverse: "1,250,000 VND", "1.5".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from storage.i18n import translate

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _separators(language: str) -> tuple[str, str]:
    return _SEPARATORS.get(language, _SEPARATORS["vi"])


def number_text(value: float, language: str) -> str:
    """12 -> '12'; 1.5 -> '1,5' in Vietnamese, '1.5' in English."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}".replace(".", _separators(language)[1])
    return str(int(value))


def money_text(amount: float, language: str, *, short: bool = False) -> str:
    """1250000000 -> '1.250.000.000 đồng' ('… đ' when `short`, for a phone's screen)."""
    grouped = f"{round(amount):,}".replace(",", _separators(language)[0])
    return translate("value.money_short" if short else "value.money", language, amount=grouped)


def percent_text(value: float, language: str) -> str:
    return f"{number_text(value, language)}%"


def date_text(value: str | date) -> str:
    """'2026-11-30' or a date -> '30/11/2026' (as Vietnamese documents write dates)."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if len(value) == 10:
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return value


def yes_no_text(value: object, language: str) -> str:
    return translate("report.yes" if value else "report.no", language)


def files_text(items: Iterable[Any], language: str, *, separator: str = ", ") -> str:
    """The names of stored files (dicts with 'file_name'), or the values as they are."""
    return separator.join(
        str(item.get("file_name") or translate("report.file", language))
        if isinstance(item, dict)
        else str(item)
        for item in items
    )
