"""What a file is, judged by its bytes and never by its name: the kinds a report may carry
(PDF, Word, Excel, JPG, PNG), the size cap, and a file name that is safe to keep and to
serve.

A renamed program (`setup.exe` sent as `bao-cao.pdf`) is refused because its bytes are not a
PDF's; an Office file with macros is refused too (its parts name `vbaProject.bin`).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003 (and installers)


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extension: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", ".pdf"),
        Kind("doc", "application/msword", ".doc"),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        Kind("xls", "application/vnd.ms-excel", ".xls"),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
        Kind("jpg", "image/jpeg", ".jpg"),
        Kind("png", "image/png", ".png"),
    )
}
IMAGES = frozenset({"jpg", "png"})


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_kind(data: bytes) -> str | None:
    # The compound file's directory names its streams in UTF-16: Word keeps "WordDocument",
    # Excel "Workbook" (or "Book" before 97). Other OLE files (installers, old PowerPoint) are
    # none of ours.
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return "xls"
    return None


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())  # the directory only: nothing is unpacked
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def detect_kind(data: bytes) -> Kind | None:
    """The kind of file these bytes are, or None when it is not one a report may carry."""
    name: str | None = None
    if b"%PDF-" in data[:1024]:
        name = "pdf"
    elif data.startswith(b"\xff\xd8\xff"):
        name = "jpg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        name = "png"
    elif data.startswith(OLE_MAGIC):
        name = _ole_kind(data)
    elif data.startswith(b"PK\x03\x04"):
        name = _zip_kind(data)
    return KINDS[name] if name else None


@dataclass(frozen=True)
class Blob:
    """Bytes that passed the checks, ready to keep."""

    data: bytes
    sha256: str
    kind: Kind

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Refused:
    """Why a file is not kept: a message key (`file.*`) and its values."""

    key: str
    values: tuple[tuple[str, str | int | float], ...] = ()


def megabytes(size: int) -> float:
    return round(size / 1024 / 1024, 1)


def check_content(data: bytes, *, max_bytes: int) -> Blob | Refused:
    if not data:
        return Refused("file.empty")
    if len(data) > max_bytes:
        return Refused(
            "file.too_big", (("size", megabytes(len(data))), ("limit", max_bytes // 1024 // 1024))
        )
    kind = detect_kind(data)
    if kind is None:
        return Refused("file.type")
    return Blob(data, hashlib.sha256(data).hexdigest(), kind)


# --- names ------------------------------------------------------------------------------------

_SEPARATORS = ("/", "\\")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
NAME_LIMIT = 150


def name_is_unsafe(raw: str) -> bool:
    """A name with a path separator or a control character: refused, not guessed at."""
    return any(sep in raw for sep in _SEPARATORS) or bool(_CONTROL.search(raw))


def clean_name(name: str, kind: Kind) -> str:
    """The name kept and served: NFC, no characters Windows refuses, no leading dots, at most
    150 characters, ending in the extension of what the file really is."""
    name = unicodedata.normalize("NFC", name)
    name = _WINDOWS_FORBIDDEN.sub("_", _CONTROL.sub("", name)).strip().lstrip(".").strip()
    path = PurePosixPath(name.replace("/", "_").replace("\\", "_"))
    stem = path.stem if path.suffix.lower() in _EXTENSIONS else path.name
    stem = stem.strip(" .") or "tep"
    return stem[: NAME_LIMIT - len(kind.extension)] + kind.extension


_EXTENSIONS = {k.extension for k in KINDS.values()} | {".jpeg", ".jpe", ".exe", ".bat", ".cmd"}
