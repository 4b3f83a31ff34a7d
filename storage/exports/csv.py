"""The consolidated table (one row per task and agency) as CSV: UTF-8 with a byte order mark,
so Excel shows Vietnamese correctly when the file is opened by double-click; comma-separated by
default (`separator=";"` for Excel on a Vietnamese-locale Windows, whose list separator is the
semicolon: a comma file opens there as one column), CRLF line ends; values that would start a
formula get a leading apostrophe (see cells.py)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import IO

from storage.exports.cells import neutralise, strip_illegal
from storage.exports.table import ConsolidatedTable, Value

BOM = "\ufeff"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class _Texts:
    """Values as CSV text; remembered, since most cells repeat (titles, names, statuses)."""

    def __init__(self) -> None:
        self.known: dict[Value, str] = {}

    def __call__(self, value: Value) -> str:
        found = self.known.get(value)
        if found is None:
            if value is None:
                found = ""
            elif isinstance(value, datetime):
                found = value.strftime(DATETIME_FORMAT)
            elif isinstance(value, str):
                found = neutralise(strip_illegal(value))
            else:
                found = str(value)
            if len(self.known) > 20_000:
                self.known.clear()
            self.known[value] = found
        return found


SEPARATORS = (",", ";", "\t")


def write_csv(table: ConsolidatedTable, stream: IO[bytes], *, separator: str = ",") -> int:
    """Write the CSV to `stream`; returns the number of data rows."""
    if separator not in SEPARATORS:
        raise ValueError(f"separator must be one of {SEPARATORS!r}")
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    try:
        text.write(BOM)
        # The "excel" dialect (quotes as needed, CRLF), with the separator asked for.
        writer = csv.writer(text, delimiter=separator)
        writer.writerow([c.header for c in table.task_columns])
        rows = 0
        text_of = _Texts()
        for period in table:
            writer.writerows([text_of(v) for v in row] for row in period.task_rows)
            rows += len(period.task_rows)
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
    return rows


def csv_bytes(table: ConsolidatedTable, *, separator: str = ",") -> tuple[bytes, int]:
    buffer = io.BytesIO()
    rows = write_csv(table, buffer, separator=separator)
    return buffer.getvalue(), rows
