"""The draft report converted to PDF by LibreOffice, read as a person would: the page count,
the national motto on one line of the first page, the page number on page 2 (issue 17).

Skipped where `soffice` or `pdftotext` is missing; `.ci/run` installs them from Debian and sets
BAOCAO_REQUIRE_SOFFICE=1, so there a missing converter is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.secretariat_world import build_world
from tests.test_draft_report import draft

TOOLS = ("soffice", "pdftotext", "pdfinfo")


@pytest.fixture
def tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install libreoffice-writer poppler-utils)"
        if os.environ.get("BAOCAO_REQUIRE_SOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


def to_pdf(source: Path) -> Path:
    # A profile of its own: two LibreOffice processes sharing one refuse to start.
    profile = source.parent / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(".pdf")


def page_text(pdf: Path, page: int) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


@pytest.mark.processes
def test_the_draft_prints_as_an_official_document(tools, make_app, tmp_path):
    world = build_world(make_app, tmp_path)
    source = tmp_path / "du-thao.docx"
    source.write_bytes(draft(world).file.data)
    pdf = to_pdf(source)
    # The report (two portrait pages), appendix I and appendix II (landscape, one each).
    assert pages(pdf) == 5
    first = page_text(pdf, 1).splitlines()
    motto = [line for line in first if "CỘNG HÒA" in line]
    assert len(motto) == 1 and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in motto[0]
    # The number on the line of the place and date.
    dated = next(line for line in first if "ngày … tháng … năm" in line)
    assert "Số: …/BC-SKHCN" in dated
    # No number on page 1; "2" alone at the top of page 2.
    assert first[0].strip() != "1"
    second = [line.strip() for line in page_text(pdf, 2).splitlines() if line.strip()]
    assert second[0] == "2"
    last = [line.strip() for line in page_text(pdf, 5).splitlines() if line.strip()]
    assert last[0] == "5" and "PHỤ LỤC II" in last
