"""Small real files for the document tests: photos, PDFs and Office files made in memory."""

from __future__ import annotations

import io
import zipfile

import pikepdf
from PIL import Image


def jpeg(colour: str = "red", size: tuple[int, int] = (40, 56)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def png(colour: str = "blue", size: tuple[int, int] = (30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def pdf(text: str = "bao cao") -> bytes:
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


def office(kind: str = "docx", *, macros: bool = False) -> bytes:
    """A minimal OOXML package: the parts a reader looks for to tell Word from Excel."""
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<x/>")
        if macros:
            archive.writestr(main.split("/")[0] + "/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def ole(stream: str) -> bytes:
    """The start of a compound file (Word 97 or Excel 97) that names its main stream."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + stream.encode("utf-16-le")


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode."


def page_images(data: bytes) -> list[bytes]:
    """The image embedded on each page of a PDF, in page order (img2pdf keeps JPEGs as sent)."""
    with pikepdf.open(io.BytesIO(data)) as document:
        images = []
        for page in document.pages:
            (image,) = page.get_images().values()
            images.append(bytes(image.read_raw_bytes()))
        return images
