"""The bot's own small web endpoint (tornado): download links, the Zalo webhook, `/healthz`.

`GET /files/<token>` serves a file the bot made or keeps (read from the file store) while its
link lives, to the person it was made for, in the browser that opened it first
(`storage.downloads.open_link`); an unknown, expired, used or someone else's link gets a bare
404, the same for all, so nothing is learnt from it.
Channels add their own routes (the Zalo webhook). Behind a reverse proxy, BAOCAO_PUBLIC_URL is
the address users reach; the server itself listens on BAOCAO_HTTP_LISTEN:BAOCAO_HTTP_PORT.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from types import TracebackType
from typing import Any
from urllib.parse import quote

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, HTTPError, RequestHandler

from storage import health
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.downloads import open_link
from storage.files.store import FileStore, StoreError

log = logging.getLogger(__name__)

FILES_ROUTE = r"/files/([A-Za-z0-9_\-]{1,200})"
BROWSER_COOKIE = "baocao_dl"  # binds download links to the browser that opened them first
BROWSER_COOKIE_DAYS = 30
HEALTH_ROUTE = r"/healthz"
MAX_BODY = 1024 * 1024  # webhook updates are small; nothing else is posted here
# Secrets in paths: download tokens, and the web console's one-time sign-in links.
_TOKEN_IN_PATH = re.compile(r"/(files|web/signin)/[^/?#]+")

Route = tuple[str, type[RequestHandler], dict[str, Any]]


class PlainHandler(RequestHandler):
    """Short plain-text errors, no server banner, nothing cached."""

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Tornado's own message quotes the request, whose path may hold a download token.
        if isinstance(value, HTTPError):
            return  # an answer we chose (403, 404): the access log has it
        path = _TOKEN_IN_PATH.sub(r"/\1/***", self.request.path)
        log.error("%s %s failed", self.request.method, path, exc_info=value)


class NotFoundHandler(PlainHandler):
    def prepare(self) -> None:
        raise HTTPError(404)


class FileHandler(PlainHandler):
    def initialize(self, make_session: SessionFactory, clock: Clock, store: FileStore) -> None:
        self.make_session = make_session
        self.clock = clock
        self.store = store

    async def get(self, token: str) -> None:
        cookie = self.get_cookie(BROWSER_COOKIE)
        found = await asyncio.to_thread(self._load, token, cookie)
        if found is None:
            raise HTTPError(404)
        name, mime_type, data, new_cookie = found
        if new_cookie is not None:
            secure = self.request.protocol == "https" or (
                self.request.headers.get("X-Forwarded-Proto", "") == "https"
            )
            self.set_cookie(
                BROWSER_COOKIE,
                new_cookie,
                path="/files/",
                expires_days=BROWSER_COOKIE_DAYS,
                httponly=True,
                secure=secure,
                samesite="Lax",  # sent when the link is opened from a chat app
            )
        self.set_header("Content-Type", mime_type)
        self.set_header("Content-Disposition", content_disposition(name))
        self.finish(data)

    def _load(self, token: str, cookie: str | None) -> tuple[str, str, bytes, str | None] | None:
        if cookie is not None and len(cookie) > 200:
            cookie = None
        with transaction(self.make_session) as session:
            opened = open_link(session, token=token, cookie=cookie, clock=self.clock)
            if opened is None:
                return None
            link = opened.link
            key, name, mime_type = link.file_path, link.file_name, link.mime_type
        try:
            return name, mime_type, self.store.get(key), opened.new_cookie
        except (StoreError, ValueError):  # deleted by hand, or by a purge racing this request
            log.warning("download link %s: its file is gone", link.id)
            return None


class HealthHandler(PlainHandler):
    """`GET /healthz`: JSON for monitors; 200 when healthy, 503 when not (`storage.health`)."""

    def initialize(self, make_session: SessionFactory, clock: Clock, tick_seconds: float) -> None:
        self.make_session = make_session
        self.clock = clock
        self.tick_seconds = tick_seconds

    async def get(self) -> None:
        result = await asyncio.to_thread(
            health.check, self.make_session, now=self.clock.now(), tick_seconds=self.tick_seconds
        )
        self.set_status(200 if result.healthy else 503)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(result.as_json(), ensure_ascii=False))


def health_route(make_session: SessionFactory, clock: Clock, *, tick_seconds: float) -> Route:
    return (
        HEALTH_ROUTE,
        HealthHandler,
        {"make_session": make_session, "clock": clock, "tick_seconds": tick_seconds},
    )


def content_disposition(name: str, *, inline: bool = False) -> str:
    """`attachment` (or `inline`) with an ASCII fallback and the real (Vietnamese) name per
    RFC 6266."""
    fallback = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "tep"
    how = "inline" if inline else "attachment"
    return f"{how}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def files_route(make_session: SessionFactory, clock: Clock, store: FileStore) -> Route:
    return (
        FILES_ROUTE,
        FileHandler,
        {"make_session": make_session, "clock": clock, "store": store},
    )


def _log_request(handler: RequestHandler) -> None:
    # Tornado's own access log prints the path, and a download path is a secret.
    request = handler.request
    path = _TOKEN_IN_PATH.sub(r"/\1/***", request.path)
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    log.log(level, "%d %s %s %.1fms", status, request.method, path, 1000 * request.request_time())


class WebServer:
    def __init__(self, *, listen: str, port: int, routes: list[Route]) -> None:
        self.listen = listen
        self.port = port
        self.routes = routes
        self._server: HTTPServer | None = None

    async def start(self) -> int:
        """Listen; returns the port (a free one when asked for port 0)."""
        application = Application(
            self.routes, log_function=_log_request, default_handler_class=NotFoundHandler
        )
        sockets = bind_sockets(self.port, self.listen)
        server = HTTPServer(application, max_body_size=MAX_BODY)
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        log.info("web endpoint listening on %s:%d", self.listen, self.port)
        return self.port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()

    @property
    def url(self) -> str:
        host = self.listen if ":" not in self.listen else f"[{self.listen}]"
        return f"http://{host}:{self.port}"
