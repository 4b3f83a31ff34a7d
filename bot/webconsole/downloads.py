"""Downloads: the consolidated table (XLSX, CSV) and the draft report (DOCX) of each period,
made by the chat's own /export and /report (`handlers.secretariat`), so the files, their names
and the audit entries are the same. An address names a period key and a format, never a file:
anything else is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from tornado.web import HTTPError

from bot.web import content_disposition
from bot.webconsole.base import ConsoleHandler, WebContext, signed_in_name
from bot.webconsole.periods import PERIOD_KEY, all_periods, chosen_period
from handlers.events import OutgoingFile
from handlers.secretariat import draft_report, export
from storage.models import ReportingPeriod

EVERY_PERIOD = "all"


@dataclass
class DownloadsPage:
    periods: list[ReportingPeriod]


def made_file(ctx: WebContext, key: str, kind: str) -> OutgoingFile:
    if key == EVERY_PERIOD:
        if kind == "docx":
            raise HTTPError(404)
        replies = export(ctx, f"{EVERY_PERIOD} {kind}")
    else:
        if not PERIOD_KEY.fullmatch(key):
            raise HTTPError(404)
        chosen_period(ctx, key)  # a 404 for a key the plan does not have
        replies = draft_report(ctx, key) if kind == "docx" else export(ctx, f"{key} {kind}")
    file = replies[-1].file if replies else None
    if file is None:
        raise HTTPError(404)
    return file


class DownloadsHandler(ConsoleHandler):
    async def get(self) -> None:
        def job(ctx: WebContext) -> tuple[DownloadsPage, str]:
            return DownloadsPage(list(reversed(all_periods(ctx)))), signed_in_name(ctx)

        page, name = await self.work(job)
        await self.page("downloads.html", page=page, signed_in=name)


class DownloadHandler(ConsoleHandler):
    """`GET /web/download/<period key|all>.<xlsx|csv|docx>`."""

    async def get(self, key: str, kind: str) -> None:
        file = await self.work(lambda ctx: made_file(ctx, key, kind))
        self.set_header("Content-Type", file.mime_type)
        self.set_header("Content-Disposition", content_disposition(file.file_name))
        self.finish(file.data)
