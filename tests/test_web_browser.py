"""The web console in a real browser (issue 13): Debian's Chromium driven by Playwright. The
secretariat signs in with the link the chat gives, reads the board (which updates by itself
when a report arrives), opens a report, returns it with a comment (and the focal point is
told), downloads the XLSX; a screenshot of each page goes to test-artifacts/web-console/.

Skipped where Chromium or Playwright is missing; `.ci/run` installs Chromium from Debian and
sets BAOCAO_REQUIRE_BROWSER=1, so there a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import select

from bot.webconsole.base import ConsoleOptions
from storage.models import OutboxMessage
from tests.documents import pdf, png
from tests.secretariat_world import submit
from tests.web_support import keep_signed_report, running_console, signin_link, web_world

CHROMIUM = Path(os.environ.get("BAOCAO_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web-console"
WAIT_MS = 10_000  # what the browser may take, at most, to show what is expected
COMMENT = "Đề nghị bổ sung kết quả nhiệm vụ 4 và kinh phí"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright is not installed (pip install playwright)"
    if missing is None and not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    if missing is not None:
        if os.environ.get("BAOCAO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BAOCAO_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def console(make_app, tmp_path):
    # The board asks for changes every half second here (10 s by default).
    with running_console(
        web_world(make_app, tmp_path), options=ConsoleOptions(poll_seconds=0.5)
    ) as running:
        yield running


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_secretariat_works_through_the_console_in_a_browser(console, browser, tmp_path):
    app = console.app
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Sign in with the link from the chat.
    page.goto(console.local(signin_link(app)))
    shoot(page, "01-sign-in")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{console.url}/web/")

    # The board: every agency, coloured by where its report stands.
    assert page.locator("tbody tr").count() == 5
    assert page.locator('tr[data-agency="so-a"] td.st').get_attribute("class") == "st ot"
    assert page.locator('[data-count="od"]').inner_text() == "2"
    shoot(page, "02-board")

    # A report arrives: the open board shows it without being reloaded.
    submit(app, "u4", "so-d", {"coordinating:4": {"results": "Đã phối hợp khảo sát"}})
    page.wait_for_selector('tr[data-agency="so-d"] td.st.lt', timeout=WAIT_MS)
    assert page.locator('[data-count="od"]').inner_text() == "1"
    shoot(page, "03-board-updated")

    # A task's answers side by side.
    page.locator("thead a", has_text="1").first.click()
    page.wait_for_url(re.compile(r".*/web/task/1\b.*"))
    assert "Đã tổ chức 2 hội thảo" in page.inner_text("main")
    shoot(page, "04-task")

    # Open Sở B's report, its signed letter and a photo shown on the page, and return it with
    # a comment.
    keep_signed_report(
        app, "so-b", pdf("so b"), photo=png(), number="45/BC-SB", signed_on="2026-11-25"
    )
    page.goto(f"{console.url}/web/")
    page.get_by_role("link", name="Sở B").click()
    main = page.inner_text("main")
    assert "Trần Văn Bình" in main and "Đã chuyển giao 3 quy trình nhân giống" in main
    assert "Văn bản báo cáo đã ký số 45/BC-SB, ngày 25/11/2026" in main
    photo = page.locator("img.document-view")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img.document-view').complete")
    assert photo.evaluate("image => image.naturalWidth") > 0  # loaded, not refused
    letter = page.frame_locator("iframe.document-view")
    assert page.locator("iframe.document-view").count() == 1 and letter is not None
    shoot(page, "05-agency")
    page.fill("textarea[name=comment]", COMMENT)
    page.get_by_role("button", name="Trả lại báo cáo").click()
    assert "đã báo cho 1 đầu mối" in page.inner_text("main")
    shoot(page, "06-returned")
    with app.make_session() as session:
        returned = select(OutboxMessage).where(OutboxMessage.kind == "returned")
        notices = session.exec(returned).all()
    assert [(n.chat_id, COMMENT in n.text) for n in notices] == [("u2", True)]

    # Download the consolidated table.
    page.get_by_role("link", name="Tải về").click()
    shoot(page, "07-downloads")
    with page.expect_download() as waiting:
        page.locator('a[href$="/download/2026.xlsx"]').click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    assert saved.name.startswith("bang-tong-hop-2026") and saved.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(saved).worksheets[0]
    values = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert "Sở B" in values and any("Đã chuyển giao 3 quy trình" in v for v in values)

    # The other pages.
    pages = (("08-reminders", "Nhắc nhở"), ("09-invites", "Mã mời"), ("10-agencies", "Cơ quan"))
    for name, link in pages:
        page.get_by_role("link", name=link, exact=True).click()
        page.wait_for_load_state()
        assert page.locator("h1").count() == 1
        shoot(page, name)
    assert errors == []  # no script error, nothing refused by the content security policy
    context.close()


def test_the_board_fits_a_phone_screen(console, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(console.local(signin_link(console.app)))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{console.url}/web/")
    # The page itself does not scroll sideways: the wide table scrolls inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("link", name="Tải về").is_visible()
    shoot(page, "11-board-phone")
    page.get_by_role("link", name="Sở A").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "12-agency-phone")
    context.close()
