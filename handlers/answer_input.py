"""Turn what a person typed (or picked) into the value of a typed question, or a clear message
showing the expected form. Pure functions: no database, no context."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from handlers.validation import Invalid, check_free_text, check_percent, clean_line
from storage.questionnaire import Question, QuestionType

CHOICE_PREFIX = "a:"
NONE_WORDS = frozenset({"0", "không", "khong", "không có", "khong co", "none", "no", "-"})
YES_WORDS = frozenset({"có", "co", "yes", "y", "rồi", "roi"})
NO_WORDS = frozenset({"không", "khong", "no", "n", "chưa", "chua"})

# Only ASCII digits: a full-width or Arabic-Indic digit is refused, not guessed.
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,\s]*$")
_MONEY = re.compile(
    r"^(?P<number>[0-9][0-9.,\s]*?)\s*(?P<unit>tỷ|tỉ|ty|ti|triệu|trieu|tr|nghìn|ngàn|nghin|ngan|k"
    r"|đồng|dong|đ|d|vnđ|vnd)?\.?$",
    re.IGNORECASE,
)
_MONEY_UNITS = {
    "tỷ": 10**9,
    "tỉ": 10**9,
    "ty": 10**9,
    "ti": 10**9,
    "triệu": 10**6,
    "trieu": 10**6,
    "tr": 10**6,
    "nghìn": 10**3,
    "ngàn": 10**3,
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
}
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_SEPARATORS = re.compile(r"[,;\s]+")


def vietnamese_number(text: str) -> Decimal | None:
    """'1.200' -> 1200, '1,5' -> 1.5, '250.000.000' -> 250000000, '2.5' -> 2.5.

    In Vietnamese '.' groups thousands and ',' marks decimals; a lone '.' followed by other
    than three digits is read as a decimal point, as people also type it that way."""
    value = text.replace(" ", "")
    if not value or not _NUMBER.match(value):
        return None
    if "," in value and "." in value:
        value = value.replace(".", "").replace(",", ".")
    elif "," in value:
        # Several commas group thousands (English style); one comma is a decimal point.
        value = value.replace(",", "") if value.count(",") > 1 else value.replace(",", ".")
    elif "." in value:
        groups = value.split(".")
        if len(groups) > 2 or (len(groups[-1]) == 3 and groups[0].lstrip("+-") != "0"):
            value = value.replace(".", "")
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def parse_money(text: str) -> int | None:
    """'250 triệu', '1,5 tỷ', '250.000.000', '250000000 đồng' -> VND as an integer."""
    match = _MONEY.match(clean_line(text).lower())
    if match is None:
        return None
    number = vietnamese_number(match["number"])
    if number is None or number < 0:
        return None
    unit = _MONEY_UNITS.get((match["unit"] or "").lower(), 1)
    return int(number * unit)


def parse_choices(text: str, count: int) -> list[int] | None:
    """'1, 3' or '1 3' -> [1, 3] (1-based, each once); None when something is not a number in
    range; [] for 'không' / '0'."""
    value = clean_line(text).lower()
    if value in NONE_WORDS:
        return []
    picked: list[int] = []
    for word in _SEPARATORS.split(value):
        if not word:
            continue
        if not word.isascii() or not word.isdigit() or not 1 <= int(word) <= count:
            return None
        if int(word) not in picked:
            picked.append(int(word))
    return picked or None


def parse_answer(
    question: Question,
    *,
    text: str | None,
    choice: str | None,
    values: list[Any],
    numbered_by_value: bool = False,
) -> Any:
    """The value for `question`, or Invalid. `values` are the choice values offered (single,
    multiple), in the numbered order shown; with `numbered_by_value` the numbers shown are the
    values themselves (task numbers)."""
    kind = question.type
    if kind == QuestionType.single:
        picked = (choice or "").removeprefix(CHOICE_PREFIX) if choice else None
        if picked in values:
            return picked
        return Invalid("answer.pick_one", {"count": len(values)})
    if kind == QuestionType.yes_no:
        picked = (choice or "").removeprefix(CHOICE_PREFIX)
        word = clean_line(text).lower()
        if picked in {"yes", "no"}:
            return picked == "yes"
        if word in YES_WORDS or word in NO_WORDS:
            return word in YES_WORDS
        return Invalid("answer.yes_no", {})
    if choice is not None:
        return Invalid("answer.type_it", {})
    if kind == QuestionType.multiple:
        if numbered_by_value:
            numbers = parse_choices(text or "", max(values, default=0))
            if numbers is not None and any(n not in values for n in numbers):
                numbers = None
            shown = ", ".join(str(v) for v in values)
            if numbers is None:
                return Invalid("answer.pick_tasks", {"numbers": shown})
            chosen: list[Any] = numbers
        else:
            numbers = parse_choices(text or "", len(values))
            if numbers is None:
                return Invalid("answer.pick_many", {"count": len(values)})
            chosen = [values[n - 1] for n in numbers]
        if not chosen and question.required:
            return Invalid("answer.pick_at_least_one", {})
        return chosen
    if kind == QuestionType.percent:
        return check_percent(text)
    if kind in {QuestionType.integer, QuestionType.decimal}:
        return _number(question, text or "")
    if kind == QuestionType.money:
        amount = parse_money(text or "")
        if amount is None:
            return Invalid("answer.money", {})
        return _in_range(question, amount) or amount
    if kind == QuestionType.date:
        match = _DATE.match(clean_line(text))
        try:
            if match is None:
                raise ValueError
            return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        except ValueError:
            return Invalid("answer.date", {})
    return check_free_text(text, max_length=question.limit, required=question.required)


def _number(question: Question, text: str) -> Any:
    number = vietnamese_number(clean_line(text))
    if number is None:
        key = "answer.integer" if question.type == QuestionType.integer else "answer.decimal"
        return Invalid(key, {})
    if question.type == QuestionType.integer:
        if number != number.to_integral_value():
            return Invalid("answer.integer", {})
        value: int | float = int(number)
    else:
        value = float(number)
    return _in_range(question, value) or value


def _in_range(question: Question, value: float) -> Invalid | None:
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        shown = [f"{v:g}" if v is not None else "" for v in (low, high)]
        if low is not None and high is not None:
            return Invalid("answer.range", {"low": shown[0], "high": shown[1]})
        if low is not None:
            return Invalid("answer.at_least", {"low": shown[0]})
        return Invalid("answer.at_most", {"high": shown[1]})
    return None
