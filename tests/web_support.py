"""The web console on a real tornado listener, for the console's tests: the secretariat's world
(`tests.secretariat_world`) with BAOCAO_PUBLIC_URL pointing at a free local port, the sign-in
link asked for in the chat, and a plain HTTP client that keeps cookies like a browser."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.app import App
from bot.web import WebServer, files_route
from bot.webconsole import console_routes
from bot.webconsole.base import ConsoleOptions
from tests.fakes.telegram_api import LoopThread
from tests.people import say
from tests.secretariat_world import build_world

LINK = re.compile(r"(https?://\S+/web/signin/[A-Za-z0-9_\-]+)")
XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_world(make_app, tmp_path: Path, *, port: int, **settings: object) -> App:
    """The shared secretariat world, opened by an App whose public address is this port."""
    build_world(make_app, tmp_path)
    kept = dict(make_app.last_settings)
    return make_app(**kept, public_url=f"http://127.0.0.1:{port}", **settings)


@dataclass
class RunningConsole:
    app: App
    server: WebServer
    loop: LoopThread

    @property
    def url(self) -> str:
        return self.server.url


@contextmanager
def running_console(
    app: App, *, port: int, options: ConsoleOptions | None = None
) -> Iterator[RunningConsole]:
    routes = [*console_routes(app, options), files_route(app.make_session, app.clock)]
    with LoopThread() as loop:
        server = WebServer(listen="127.0.0.1", port=port, routes=routes)
        loop.run(server.start())
        try:
            yield RunningConsole(app, server, loop)
        finally:
            loop.run(server.stop())


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


def sign_in(http: httpx.Client, link: str) -> httpx.Response:
    """Open the link, press «Đăng nhập»: the browser then holds the session cookie."""
    page = http.get(link)
    assert page.status_code == 200, page.text[:300]
    return http.post(link, data={"_xsrf": xsrf_of(page.text)})
