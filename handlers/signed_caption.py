"""The facts a signed report bears, read from one line a person types (or the caption of the
document): "Số 123/BC-SYT, ngày 25/11/2026, người ký Nguyễn Văn An". The words may be left
out ("123/BC-SYT; 25/11/2026; Nguyễn Văn An"), the date written out ("ngày 25 tháng 11 năm
2026"); what is missing is asked for by name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NUMBER_LIMIT = 60
SIGNER_LIMIT = 120

_NUMBER = re.compile(r"(?:^|[\s,;(])(?:số|so|no\.?|number)\s*[:.]?\s*(\d[\w./\-–]*)", re.I)
_BARE_NUMBER = re.compile(r"(?<![\w/])(\d{1,7}/[^\W\d_][\w./\-–]*)")
_WORDED_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE = re.compile(r"(?<![\w/])(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?![\w/])")
_SIGNER = re.compile(r"(?:người\s*ký|ký\s*bởi|signed\s*by|signer)\s*[:.]?\s*([^\n,;]+)", re.I)
_LEAD_WORDS = re.compile(r"^(?:(?:ngày|date|dated|số|no\.?|number)\b[\s:.]*)+", re.I)


@dataclass(frozen=True)
class SignedFacts:
    number: str = ""
    signed_on: date | None = None
    signer: str = ""
    bad_date: str = ""  # a date that is not a real day, as typed

    @property
    def missing(self) -> list[str]:
        names = []
        if not self.number:
            names.append("number")
        if self.signed_on is None:
            names.append("date")
        if not self.signer:
            names.append("signer")
        return names

    def merged(self, newer: SignedFacts) -> SignedFacts:
        """Later words complete (or correct) earlier ones."""
        return SignedFacts(
            newer.number or self.number,
            newer.signed_on or self.signed_on,
            newer.signer or self.signer,
            newer.bad_date,
        )

    def as_json(self) -> dict[str, str | None]:
        return {
            "number": self.number,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "signer": self.signer,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SignedFacts:
        day = data.get("signed_on")
        return cls(
            str(data.get("number") or ""),
            date.fromisoformat(str(day)) if day else None,
            str(data.get("signer") or ""),
        )


def _date(match: re.Match[str] | None, today: date) -> tuple[date | None, str]:
    if match is None:
        return None, ""
    day, month, year = (int(g) for g in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        return None, match.group(0)
    if found > today or year < 1945:
        return None, match.group(0)
    return found, ""


def parse_facts(text: str, *, today: date) -> SignedFacts:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    number_match = _NUMBER.search(text) or _BARE_NUMBER.search(text)
    number = number_match.group(1).rstrip(".,;–-") if number_match else ""
    date_match = _WORDED_DATE.search(text) or _DATE.search(text)
    signed_on, bad = _date(date_match, today)
    signer = ""
    if found := _SIGNER.search(text):
        signer = found.group(1)
    else:
        # What is neither the number nor the date: "123/BC-SYT, 25/11/2026, Nguyễn Văn An"
        rest = text
        for match in (number_match, date_match):
            if match is not None:
                rest = rest.replace(match.group(0), ",")
        for part in re.split(r"[,;\n]", rest):
            part = _LEAD_WORDS.sub("", part.strip())
            if any(char.isalpha() for char in part):
                signer = part
    signer = signer.strip(" .:-–")
    return SignedFacts(number[:NUMBER_LIMIT], signed_on, signer[:SIGNER_LIMIT], bad)
