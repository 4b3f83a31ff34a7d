"""`baocao export --bundle FILE.zip`: everything the secretariat files for a period, in one ZIP.

    tong-hop-<period>.xlsx            the consolidated table (with the documents column)
    du-thao-bao-cao-<period>.docx     the draft report
    van-ban-da-ky/<agency-code>_<number>.pdf   each agency's signed report
    tep-kem-theo/<agency-code>/<name>          each agency's other attachments
    danh-muc.xlsx                     the index: agency, number, date, signer, file names, SHA-256

Documents are those of each agency's current version, read one at a time from the file store
into the ZIP, so a large period never sits in memory whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from storage.exports.cells import is_risky, strip_illegal
from storage.exports.labels import EXPORT_LANGUAGE
from storage.exports.report_options import ReportOptions
from storage.files.documents import DocumentFile, period_documents, signed_file_name
from storage.files.store import FileStore
from storage.i18n import translate
from storage.models import Agency, DocumentPurpose, ReportingPeriod

SIGNED_FOLDER = "van-ban-da-ky"
ATTACHMENTS_FOLDER = "tep-kem-theo"
INDEX = "danh-muc.xlsx"


def say(key: str, **values: object) -> str:
    """The index's words, from the catalogue (`bundle.*`), in the exports' language."""
    return translate(f"bundle.{key}", EXPORT_LANGUAGE, **values)


INDEX_HEADER = tuple(
    say(f"column.{key}")
    for key in (
        "agency_code",
        "agency",
        "kind",
        "number",
        "signed_on",
        "signer",
        "path",
        "sent_name",
        "size",
        "sha256",
    )
)
INDEX_WIDTHS = (14, 32, 16, 16, 12, 24, 40, 30, 14, 66)


@dataclass(frozen=True)
class Entry:
    agency: Agency
    file: DocumentFile
    path: str  # inside the ZIP


def _unique(path: str, taken: set[str]) -> str:
    candidate, number = path, 2
    while candidate in taken:
        pure = PurePosixPath(path)
        candidate = str(pure.with_name(f"{pure.stem}-{number}{pure.suffix}"))
        number += 1
    taken.add(candidate)
    return candidate


def entries(session: Session, *, period: ReportingPeriod) -> list[Entry]:
    """Each agency's documents with where they go in the ZIP, agencies in name order."""
    found = period_documents(session, period_id=period.id)
    agencies = {a.id: a for a in (session.get(Agency, agency_id) for agency_id in found) if a}
    taken: set[str] = set()
    out = []
    for agency in sorted(agencies.values(), key=lambda a: a.name):
        for file in found[agency.id]:
            if file.purpose == DocumentPurpose.signed:
                path = f"{SIGNED_FOLDER}/{signed_file_name(agency.code, file.number)}"
            else:
                path = f"{ATTACHMENTS_FOLDER}/{agency.code}/{file.file_name}"
            out.append(Entry(agency, file, _unique(path, taken)))
    return out


def _text_cell(sheet: Worksheet, row: int, column: int, value: str | int | None) -> None:
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        value = strip_illegal(value)
        cell.value = value
        cell.data_type = "s"  # text, never a formula
        if is_risky(value):
            cell.quotePrefix = True
    else:
        cell.value = value


def index_bytes(rows: list[Entry], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = say("sheet")
    _text_cell(sheet, 1, 1, title)
    sheet.cell(1, 1).font = Font(bold=True)
    for column, header in enumerate(INDEX_HEADER, start=1):
        _text_cell(sheet, 3, column, header)
        sheet.cell(3, column).font = Font(bold=True)
        sheet.cell(3, column).alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = INDEX_WIDTHS[column - 1]
    for number, entry in enumerate(rows, start=4):
        file = entry.file
        signed = file.purpose == DocumentPurpose.signed
        values: tuple[str | int | None, ...] = (
            entry.agency.code,
            entry.agency.name,
            say("kind.signed") if signed else say("kind.attachment"),
            file.number if signed else "",
            file.signed_on.strftime("%d/%m/%Y") if signed and file.signed_on else "",
            file.signer if signed else "",
            entry.path,
            file.file_name,
            file.size,
            file.sha256,
        )
        for column, value in enumerate(values, start=1):
            _text_cell(sheet, number, column, value)
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Bundled:
    documents: int
    table_rows: int


def write_bundle(
    stream: IO[bytes],
    *,
    session: Session,
    period: ReportingPeriod,
    store: FileStore,
    table: Callable[[IO[bytes]], int],
    draft: Callable[[IO[bytes]], None],
) -> Bundled:
    """Write the ZIP; `table` and `draft` write the XLSX and the DOCX into the streams given."""
    key = period.key
    rows = entries(session, period=period)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"tong-hop-{key}.xlsx", "w", force_zip64=True) as part:
            table_rows = table(part)
        with archive.open(f"du-thao-bao-cao-{key}.docx", "w") as part:
            draft(part)
        for entry in rows:
            # PDFs and photos are already compressed: stored as they are.
            archive.writestr(entry.path, store.get(entry.file.key), zipfile.ZIP_STORED)
        title = say("title", period=period.title)
        archive.writestr(INDEX, index_bytes(rows, title=title))
    return Bundled(len(rows), table_rows)


def write_period_bundle(
    stream: IO[bytes],
    *,
    session: Session,
    period: ReportingPeriod,
    store: FileStore,
    made_at: datetime,
    zone: ZoneInfo,
    options: ReportOptions,
    template: Path | None,
) -> Bundled:
    """The period's bundle with its table and draft made here: what `baocao export --bundle`
    and the web console's download both write."""
    from storage.exports.docx_report import write_docx
    from storage.exports.questions import load_view
    from storage.exports.table import ConsolidatedTable
    from storage.exports.xlsx import write_xlsx
    from storage.summary import load_period

    today = made_at.astimezone(zone).date()
    table = ConsolidatedTable(session, periods=[period], today=today, zone=zone, made_at=made_at)
    facts = load_period(session, period=period, today=today, with_text=True)
    view = load_view(session, periods=[period])
    return write_bundle(
        stream,
        session=session,
        period=period,
        store=store,
        table=lambda part: write_xlsx(table, part),
        draft=lambda part: write_docx(facts, view, part, options=options, template=template),
    )
