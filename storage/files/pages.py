"""Photos of a signed report's pages, as one PDF in the order they were sent (Zalo cannot send
documents, so a focal point there photographs the letter). img2pdf embeds each JPEG as it is,
without re-encoding; a PNG with transparency is flattened onto white first, which PDF needs."""

from __future__ import annotations

import io

import img2pdf
from PIL import Image

A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))


def _flattened(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        if image.mode not in {"RGBA", "LA", "P"}:
            return data
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        page.save(out, format="PNG")
        return out.getvalue()


def pages_to_pdf(images: list[bytes]) -> bytes:
    """One A4 PDF, a page per image, each image fitted to its page (turned for landscape)."""
    layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into, auto_orient=True)
    converted = img2pdf.convert([_flattened(image) for image in images], layout_fun=layout)
    assert converted is not None
    return bytes(converted)
