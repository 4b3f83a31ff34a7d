"""Signing in with the link from `/web`, and signing out.

`GET /web/signin/<token>` only shows a button: chat apps fetch links to preview them, and a
preview must not use the link up. The button POSTs (with the XSRF token), which uses the link
up and sets the session cookie: HttpOnly, SameSite=Lax (so it is sent when the console is
opened from a chat app), Secure when BAOCAO_PUBLIC_URL is https, expiring with the session
(which the server also checks).
Every refusal is the same 404 page as an unknown address.
"""

from __future__ import annotations

import asyncio

from tornado.web import HTTPError

from bot.webconsole.base import SESSION_COOKIE, ConsoleHandler, WebContext
from handlers.context import Role, resolve_actor
from handlers.events import IncomingEvent
from storage import audit
from storage.db import transaction
from storage.web_sessions import OpenedSession, end_session, open_signin, pending_signin

TOKEN = r"([A-Za-z0-9_\-]{1,200})"


class SignInHandler(ConsoleHandler):
    async def get(self, token: str) -> None:
        name = await asyncio.to_thread(self._who, token)
        if name is None:
            raise HTTPError(404)
        await self.page("signin.html", name=name, signed_in=None)

    async def post(self, token: str) -> None:
        opened = await asyncio.to_thread(self._open, token)
        if opened is None:
            raise HTTPError(404)
        console = self.console
        self.set_cookie(
            SESSION_COOKIE,
            opened.token,
            path=console.base,
            # Relative, so a browser whose clock is off keeps it as long as the server does.
            max_age=int(console.session_length.total_seconds()),
            httponly=True,
            secure=console.secure,
            samesite="Lax",
        )
        self.redirect(f"{console.base}/", status=303)

    def _who(self, token: str) -> str | None:
        console = self.console
        with transaction(console.make_session) as session:
            row = pending_signin(session, token=token, clock=console.clock)
            if row is None:
                return None
            actor = resolve_actor(
                session,
                event=IncomingEvent(row.channel, row.external_id, row.chat_id),
                config=console.config,
            )
            if Role.secretariat not in actor.roles:
                return None
            return actor.person.full_name if actor.person else f"{row.channel}:{row.external_id}"

    def _open(self, token: str) -> OpenedSession | None:
        console = self.console
        with transaction(console.make_session) as session:
            opened = open_signin(
                session, token=token, valid_for=console.session_length, clock=console.clock
            )
            if opened is None:
                audit.record(session, clock=console.clock, action="web:signin", outcome="refused")
                return None
            row = opened.row
            actor = resolve_actor(
                session,
                event=IncomingEvent(row.channel, row.external_id, row.chat_id),
                config=console.config,
            )
            # The role is checked again here: it may have ended since the link was sent.
            allowed = Role.secretariat in actor.roles
            audit.record(
                session,
                clock=console.clock,
                action="web:signin",
                outcome="ok" if allowed else "refused",
                channel=row.channel,
                external_id=row.external_id,
                person_id=actor.person_id,
                detail={"signin_id": row.id, "via": "web"},
            )
            if not allowed:
                end_session(session, row=row, clock=console.clock)
                return None
            return opened


class SignOutHandler(ConsoleHandler):
    async def post(self) -> None:
        await self.work(self._end)
        self.clear_cookie(SESSION_COOKIE, path=self.console.base)
        await self.page(
            "message.html",
            title=self.console.t("signout.title"),
            text=self.console.t("signout.text"),
            signed_in=None,
            links=[],
        )

    def _end(self, ctx: WebContext) -> None:
        if ctx.signin is not None:
            end_session(ctx.session, row=ctx.signin, clock=ctx.clock)
        ctx.audit("web:signout", "ok")
