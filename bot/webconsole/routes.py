"""Every console address and the handler that serves it (tornado's patterns match whole paths).
Addresses take codes, numbers and keys only, never file paths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tornado.web import StaticFileHandler

from bot.webconsole.agencies import AgenciesHandler, MergeHandler, RenameHandler
from bot.webconsole.agency import CODE, AgencyHandler, ReturnHandler
from bot.webconsole.base import ROUTE_PREFIX, Console, ConsoleOptions
from bot.webconsole.board import BoardHandler, ChangesHandler, PaletteHandler
from bot.webconsole.documents import BundleHandler, DocumentHandler
from bot.webconsole.downloads import DownloadHandler, DownloadsHandler
from bot.webconsole.invites import InvitesHandler, RevokeInviteHandler
from bot.webconsole.reminders import OutboxActionHandler, RemindersHandler
from bot.webconsole.render import STATIC
from bot.webconsole.signin import TOKEN, SignInHandler, SignOutHandler
from bot.webconsole.task import TaskHandler

if TYPE_CHECKING:
    from bot.app import App
    from bot.web import Route


class StaticHandler(StaticFileHandler):
    """htmx and the style sheet; tornado refuses any path outside the folder (403)."""

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("X-Content-Type-Options", "nosniff")


def console_routes(app: App, options: ConsoleOptions | None = None) -> list[Route]:
    """The console's routes; none without BAOCAO_PUBLIC_URL (no link could be sent)."""
    settings = app.settings
    if not settings.public_url:
        return []
    dispatcher = app.dispatcher
    console = Console(
        make_session=app.make_session,
        clock=app.clock,
        config=dispatcher.config,
        registry=dispatcher.registry,
        links=dispatcher.links,
        session_hours=settings.web_session_hours,
        public_url=settings.public_url,
        options=options or ConsoleOptions(),
        store=app.files,
    )
    given: dict[str, Any] = {"console": console}
    web = ROUTE_PREFIX
    return [
        (rf"{web}/?", BoardHandler, given),
        (rf"{web}/board/changes", ChangesHandler, given),
        (rf"{web}/palette\.css", PaletteHandler, given),
        (rf"{web}/signin/{TOKEN}", SignInHandler, given),
        (rf"{web}/signout", SignOutHandler, given),
        (rf"{web}/agency/{CODE}", AgencyHandler, given),
        (rf"{web}/agency/{CODE}/return", ReturnHandler, given),
        (rf"{web}/task/([0-9]{{1,4}})", TaskHandler, given),
        (rf"{web}/downloads", DownloadsHandler, given),
        (rf"{web}/download/([a-z0-9\-]{{1,32}})\.(xlsx|csv|docx)", DownloadHandler, given),
        (rf"{web}/download/([a-z0-9\-]{{1,32}})\.zip", BundleHandler, given),
        (rf"{web}/document/([0-9]{{1,12}})", DocumentHandler, given),
        (rf"{web}/reminders", RemindersHandler, given),
        (rf"{web}/outbox/([0-9]{{1,12}})/(release|dismiss)", OutboxActionHandler, given),
        (rf"{web}/invites", InvitesHandler, given),
        (rf"{web}/invites/([0-9]{{1,12}})/revoke", RevokeInviteHandler, given),
        (rf"{web}/agencies", AgenciesHandler, given),
        (rf"{web}/agencies/{CODE}/rename", RenameHandler, given),
        (rf"{web}/agencies/merge", MergeHandler, given),
        (rf"{web}/static/(.*)", StaticHandler, {"path": str(STATIC)}),
    ]
