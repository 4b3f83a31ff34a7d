"""Kept documents in the console: each one shown inline on the agency page (PDF, images) or
downloaded, and a period's bundle (`baocao export --bundle`) as a download. Addresses take a
document id or a period key, never a path; only a signed-in secretariat member gets a byte."""

from __future__ import annotations

import asyncio
import io

from tornado.web import HTTPError

from bot.web import content_disposition
from bot.webconsole.base import ConsoleHandler, WebContext
from bot.webconsole.periods import PERIOD_KEY, chosen_period
from storage.exports.bundle import write_period_bundle
from storage.files.documents import DocumentFile, document_file
from storage.files.store import FileStore

SHOWN_INLINE = frozenset({"application/pdf", "image/jpeg", "image/png"})
ZIP = "application/zip"


def _store(handler: ConsoleHandler) -> FileStore:
    store = handler.console.store
    if store is None:
        raise HTTPError(404)
    return store


class DocumentHandler(ConsoleHandler):
    """`GET /web/document/<id>`: the bytes of a document some report version holds."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        # Framed by the console's own agency page, and nothing in it may run.
        self.set_header("X-Frame-Options", "SAMEORIGIN")
        self.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")

    async def get(self, document_id: str) -> None:
        def job(ctx: WebContext) -> DocumentFile | None:
            return document_file(ctx.session, document_id=int(document_id))

        found = await self.work(job)
        if found is None:
            raise HTTPError(404)
        data = await asyncio.to_thread(_store(self).get, found.key)
        inline = found.content_type in SHOWN_INLINE and not self.get_query_argument("download", "")
        self.set_header("Content-Type", found.content_type)
        self.set_header("Content-Disposition", content_disposition(found.file_name, inline=inline))
        self.finish(data)


class BundleHandler(ConsoleHandler):
    """`GET /web/download/<period key>.zip`: the period's table, draft and documents."""

    async def get(self, key: str) -> None:
        if not PERIOD_KEY.fullmatch(key):
            raise HTTPError(404)
        store = _store(self)
        zone = self.console.config.zone

        def job(ctx: WebContext) -> bytes:
            period = chosen_period(ctx, key)  # a 404 for a key the plan does not have
            if period is None:
                raise HTTPError(404)
            stream = io.BytesIO()
            bundled = write_period_bundle(
                stream,
                session=ctx.session,
                period=period,
                store=store,
                made_at=ctx.clock.now(),
                zone=zone,
                options=ctx.config.report,
                template=ctx.config.report_template,
            )
            ctx.audit("export:bundle", "ok", period=period.key, documents=bundled.documents)
            return stream.getvalue()

        data = await self.work(job)
        self.set_header("Content-Type", ZIP)
        self.set_header("Content-Disposition", content_disposition(f"goi-tai-lieu-{key}.zip"))
        self.finish(data)
