"""The web console on a real tornado listener, for the console's tests: the secretariat's world
(`tests.secretariat_world`) opened with BAOCAO_PUBLIC_URL set (built once per test process),
the sign-in link asked for in the chat, and a plain HTTP client that keeps cookies like a
browser. The public address is the proxy's; tests reach the listener at the link's path."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlmodel import select

from bot.app import App
from bot.web import WebServer, files_route
from bot.webconsole import console_routes
from bot.webconsole.base import ConsoleOptions
from storage.agencies import find_agency
from storage.db import transaction
from tests.people import say
from tests.secretariat_world import _build_world

PUBLIC_URL = "http://bot.example.gov.vn"
LINK = re.compile(r"(https?://\S+/web/signin/[A-Za-z0-9_\-]+)")
XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')


def web_world(make_app, tmp_path: Path, **settings: object) -> App:
    """The secretariat's world with the web console on (made once per test process); more
    settings build the App again on a copy of it."""
    app = make_app.shared(
        "web console world",
        lambda: _build_world(make_app, tmp_path, public_url=PUBLIC_URL),
    )
    if not settings:
        return app
    return make_app(**make_app.last_settings | settings)


class ServerThread:
    """The web server on an event loop of its own thread (`asyncio.run`, so the loop is shut
    down inside that thread: the main thread may be running Playwright's loop)."""

    def __init__(self, routes: list) -> None:
        self.routes = routes
        self.server: WebServer | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="web-console", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = WebServer(listen="127.0.0.1", port=0, routes=self.routes)
        await server.start()
        self.server = server
        self._ready.set()
        await self._stop.wait()
        await server.stop()

    def __enter__(self) -> WebServer:
        self._thread.start()
        assert self._ready.wait(10), "the web server did not start"
        assert self.server is not None
        return self.server

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@dataclass
class RunningConsole:
    app: App
    server: WebServer

    @property
    def url(self) -> str:
        return self.server.url

    def local(self, link: str) -> str:
        """A public address (from the chat) on this listener."""
        return self.url + urlsplit(link).path


@contextmanager
def running_console(app: App, *, options: ConsoleOptions | None = None) -> Iterator[RunningConsole]:
    routes = [*console_routes(app, options), files_route(app.make_session, app.clock, app.files)]
    with ServerThread(routes) as server:
        yield RunningConsole(app, server)


def signin_link(app: App, user: str = "operator", *, channel: str = "console") -> str:
    """What `/web` answers in the chat: the personal link."""
    text = say(app, user, "/web", channel=channel)
    found = LINK.search(text)
    assert found, text
    return found.group(1)


def xsrf_of(html: str) -> str:
    found = XSRF_FIELD.search(html)
    assert found, html[:500]
    return found.group(1)


def client() -> httpx.Client:
    return httpx.Client(follow_redirects=False, timeout=10)


def sign_in(http: httpx.Client, console: RunningConsole, link: str) -> httpx.Response:
    """Open the link, press «Đăng nhập»: the browser then holds the session cookie."""
    page = http.get(console.local(link))
    assert page.status_code == 200, page.text[:300]
    return http.post(console.local(link), data={"_xsrf": xsrf_of(page.text)})


def keep_signed_report(
    app: App, agency_code: str, data: bytes, *, photo: bytes | None = None, **facts: str
) -> int:
    """Give the agency's current version a signed report (and a photo attached) kept in the
    bot's file store, as the report conversation leaves them; returns the report's id."""
    from hashlib import sha256

    from storage.files.documents import Kept, attach_to_version, keep
    from storage.files.store import blob_key
    from storage.models import DocumentPurpose, Submission, SubmissionVersion

    def kept(content: bytes, kind: str) -> Kept:
        digest = sha256(content).hexdigest()
        app.files.put(blob_key(digest), content)
        return Kept(digest, len(content), kind)

    with transaction(app.make_session) as session:
        agency = find_agency(session, agency_code)
        submission = session.exec(select(Submission).where(Submission.agency_id == agency.id)).one()
        version = session.exec(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.version == submission.current_version,
            )
        ).one()
        where = {"agency_id": agency.id, "period_id": submission.period_id, "clock": app.clock}
        document = keep(
            session,
            kept=kept(data, "pdf"),
            file_name="Báo cáo đã ký.pdf",
            purpose=DocumentPurpose.signed,
            channel="console",
            person_id=None,
            **where,
        )
        extra = []
        if photo is not None:
            extra.append(
                keep(
                    session,
                    kept=kept(photo, "png"),
                    file_name="Ảnh hội thảo.png",
                    purpose=DocumentPurpose.attachment,
                    channel="console",
                    person_id=None,
                    **where,
                ).id
            )
        signed = {"document_id": document.id, **facts}
        attach_to_version(session, version_id=version.id, signed=signed, attachments=extra)
        return document.id
