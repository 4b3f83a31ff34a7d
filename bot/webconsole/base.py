"""What every console page shares: who is signed in (checked on every request), CSRF on every
POST, the transaction a page's work runs in (off the event loop), and HTML pages and errors.

A browser's session cookie names a `web_session` row (`storage.web_sessions`); the chat identity
it was issued to is resolved on every request exactly as the dispatcher resolves a chat message
(`handlers.context.resolve_actor`), and must hold the secretariat role, so a member removed in
the chat loses the console at once. A page's work gets a `WebContext`: the handlers' own
`Context`, so the console reuses what the chat does (returns, invites, exports) with the same
rules and audit entries, each marked `via: web`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from tornado.web import HTTPError

from bot.web import PlainHandler
from bot.webconsole.render import Templates
from bot.webconsole.texts import web_text
from handlers.context import ChannelLinks, Context, HandlerConfig, Role, resolve_actor
from handlers.events import IncomingEvent
from handlers.registry import Registry
from storage import audit
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.files.store import FileStore
from storage.models import WebSession
from storage.web_sessions import find_session

log = logging.getLogger(__name__)

SESSION_COOKIE = "baocao_web"
XSRF_COOKIE = "baocao_xsrf"
ROUTE_PREFIX = "/web"  # where the server serves the console; BAOCAO_PUBLIC_URL may add a path
T = TypeVar("T")


class _Refused(Enum):
    # Nobody (or nobody on the secretariat) is signed in. A one-member enum, so that
    # `is _REFUSED` tells mypy the other case is the job's own result.
    token = 0


_REFUSED: Final = _Refused.token


@dataclass(frozen=True)
class ConsoleOptions:
    """Tuning that is not an operator setting: tests change it."""

    poll_seconds: float = 10.0  # how often an open board asks whether anything changed


@dataclass
class Console:
    """Everything the console's handlers need, built once by `console_routes`."""

    make_session: SessionFactory
    clock: Clock
    config: HandlerConfig
    registry: Registry
    links: ChannelLinks
    session_hours: int
    public_url: str
    options: ConsoleOptions = field(default_factory=ConsoleOptions)
    store: FileStore | None = None  # where kept documents are read
    templates: Templates = field(default_factory=Templates)

    @property
    def base(self) -> str:
        """The console's path as the browser sees it (behind a proxy that strips a prefix)."""
        return urlsplit(self.public_url).path.rstrip("/") + ROUTE_PREFIX

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def session_length(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    def t(self, key: str, /, **values: object) -> str:
        return web_text(key, self.config.language, **values)


@dataclass
class WebContext(Context):
    """The handlers' Context for a signed-in secretariat member; audit entries say `via: web`."""

    signin: WebSession | None = None

    def w(self, key: str, /, **values: object) -> str:
        """A console text (`bot.webconsole.texts`) in the configured language."""
        return web_text(key, self.config.language, **values)

    def audit(self, action: str, outcome: str, **detail: Any) -> None:
        super().audit(action, outcome, via="web", **detail)


class ConsoleHandler(PlainHandler):
    """A console page. Subclasses implement get/post with `self.work(...)` and `self.page(...)`."""

    def initialize(self, console: Console) -> None:
        self.console = console

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("X-Frame-Options", "DENY")
        self.set_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )

    @property
    def settings(self) -> dict[str, Any]:
        # Tornado's own XSRF token and check, with the cookie named and flagged for the console.
        return {
            **self.application.settings,
            "xsrf_cookie_name": XSRF_COOKIE,
            "xsrf_cookie_kwargs": {
                "httponly": True,
                "secure": self.console.secure,
                "samesite": "Strict",
                "path": self.console.base,
            },
        }

    def prepare(self) -> None:
        if self.request.method not in ("GET", "HEAD"):
            self.check_xsrf_cookie()  # 403 without the form's (or header's) token

    # --- the work of a page ---

    async def work(self, job: Callable[[WebContext], T]) -> T:
        """Run `job` for the signed-in member in one transaction, off the event loop; 403 when
        nobody (or nobody on the secretariat any more) is signed in."""
        cookie = self.get_cookie(SESSION_COOKIE)
        result = await asyncio.to_thread(self._work, cookie, job)
        if result is _REFUSED:
            raise HTTPError(403)
        return result

    def _work(self, cookie: str | None, job: Callable[[WebContext], T]) -> T | _Refused:
        console = self.console
        with transaction(console.make_session) as session:
            row = find_session(session, token=cookie, clock=console.clock)
            if row is None:
                return _REFUSED
            event = IncomingEvent(row.channel, row.external_id, row.chat_id)
            actor = resolve_actor(session, event=event, config=console.config)
            if Role.secretariat not in actor.roles:
                audit.record(
                    session,
                    clock=console.clock,
                    action="web:access",
                    outcome="refused",
                    channel=row.channel,
                    external_id=row.external_id,
                    person_id=actor.person_id,
                    detail={"path": self.request.path[:200], "roles": sorted(actor.roles)},
                )
                return _REFUSED
            ctx = WebContext(
                session,
                event,
                actor,
                console.config,
                console.clock,
                console.registry,
                console.links,
                signin=row,
            )
            return job(ctx)

    # --- answers ---

    async def page(self, template: str, **values: Any) -> None:
        """Draw the page off the event loop (a large board takes tens of milliseconds)."""
        form_field = self.xsrf_form_html()  # may set the XSRF cookie: here, on the loop
        html = await asyncio.to_thread(self.render_page, template, form_field, **values)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(html)

    def render_page(self, template: str, form_field: str, /, **values: Any) -> str:
        console = self.console
        return console.templates.render(
            template,
            t=console.t,
            base=console.base,
            xsrf_form_html=lambda: form_field,
            language=console.config.language,
            zone=console.config.zone,
            **values,
        )

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        kind = str(status_code) if status_code in (403, 404) else "other"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            self.render_page(
                "message.html",
                "",  # no form on an error page
                title=self.console.t(f"error.{kind}.title"),
                text=self.console.t(f"error.{kind}.text"),
                signed_in=None,
                links=[],
            )
        )

    async def done(
        self, name: str | None, text: str, links: list[tuple[str, str]], *, ok: bool = True
    ) -> None:
        """The outcome of a change (or why nothing changed: 400), with where to go next."""
        if not ok:
            self.set_status(400)
        await self.page(
            "message.html",
            title=self.console.t("done.title" if ok else "notdone.title"),
            text=text,
            signed_in=name,
            links=links,
        )


def signed_in_name(ctx: WebContext) -> str:
    if ctx.actor.person is not None:
        return ctx.actor.person.full_name
    return f"{ctx.event.channel}:{ctx.event.user_id}"


def package_dir() -> Path:
    return Path(__file__).resolve().parent
