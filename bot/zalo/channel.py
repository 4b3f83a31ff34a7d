"""The Zalo channel: started by `baocao run` when BAOCAO_ZALO_TOKEN is set.

It receives updates (long polling, or a webhook when BAOCAO_ZALO_WEBHOOK_URL is set), stores
each before handling it (`bot.adapter`), answers, serves download links for files, and
delivers outbox messages for the scheduler. It holds no business rules.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from bot.adapter import ChatProcessor, Verdict
from bot.adapter.inbox import MAX_ATTEMPTS, Inbox
from bot.adapter.outbox import keep_in_outbox
from bot.adapter.startup import start_or_explain
from bot.app import App
from bot.channel_errors import ChannelStartError
from bot.intake import FileIntake, IntakeOptions, TooLarge
from bot.logs import Redaction
from bot.web import Route, WebServer, files_route
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloError, ZaloFileTooLarge, ZaloRateLimited, ZaloUnauthorized
from bot.zalo.files import FilePublisher
from bot.zalo.inbound import CHANNEL
from bot.zalo.inbox import AfterStore, ZaloInbox
from bot.zalo.notices import record_quota
from bot.zalo.pipeline import ZaloPipeline, judge
from bot.zalo.polling import Poller, PollSettings
from bot.zalo.sender import Pacing, ZaloSender, ZaloSendFailed
from bot.zalo.values import BotInfo
from bot.zalo.webhook import webhook_route
from handlers.events import Reply
from scheduler.delivery import DeliveryError
from scheduler.housekeeping import tidy
from storage.i18n import translate

log = logging.getLogger(__name__)


class ZaloStartError(ChannelStartError):
    """The channel could not start; the message names the cause (never the token)."""


@dataclass(frozen=True)
class ZaloOptions:
    """Tuning that is not an operator setting: tests change it."""

    poll: PollSettings = field(default_factory=PollSettings)
    http_timeout: float = 10.0
    send_interval: float = 0.05  # between two interactive sends
    typing_after: float = 1.0  # show "typing…" when the handlers take longer than this
    web_port: int | None = None  # None: BAOCAO_HTTP_PORT; 0: any free port
    stop_timeout: float = 10.0  # for updates in hand when the channel stops
    intake: IntakeOptions = field(default_factory=IntakeOptions)  # fetching photos people send
    after_store: AfterStore | None = None  # test hook: an update was stored, not yet handled


class ZaloChannel:
    name = "zalo"

    def __init__(self, app: App, options: ZaloOptions | None = None) -> None:
        settings = app.settings
        if settings.zalo_token is None:
            raise ZaloStartError("BAOCAO_ZALO_TOKEN is not set")
        self.app = app
        self.options = options or ZaloOptions()
        self.mode = ""
        self._started_at = time.monotonic()
        self.bot: BotInfo | None = None
        secret = settings.zalo_webhook_secret
        self._token = settings.zalo_token.get_secret_value()
        self._secret = secret.get_secret_value() if secret else ""
        self.redact = Redaction([self._token, self._secret])
        self.language = app.dispatcher.config.language
        self.files = FilePublisher(
            app.make_session,
            clock=app.clock,
            zone=settings.zone,
            language=self.language,
            public_url=settings.public_url,
            valid_for=timedelta(hours=settings.download_link_hours),
            store=app.files,
            single_use=settings.download_single_use,
        )
        # A replayed update (the inbox keeps each one until handled) fetches its photo again,
        # so no separate recovery is needed here.
        self.intake = FileIntake(
            app,
            channel=self.name,
            fetch=self._fetch_kept,
            max_bytes=settings.max_upload_mb * 1024 * 1024,
            options=self.options.intake,
        )
        self.processor = ChatProcessor("zalo-chat")
        self.store = Inbox(
            app.make_session, clock=app.clock, channel=CHANNEL, max_attempts=MAX_ATTEMPTS
        )
        self.web: WebServer | None = None
        self._client: ZaloClient | None = None
        self._sender: ZaloSender | None = None
        self._pipeline: ZaloPipeline | None = None
        self._poller: Poller | None = None
        self._inbox: ZaloInbox | None = None

    @property
    def client(self) -> ZaloClient:
        if self._client is None:
            raise RuntimeError("the Zalo channel is not running")
        return self._client

    @property
    def inbox(self) -> ZaloInbox:
        if self._inbox is None:
            raise RuntimeError("the Zalo channel is not running")
        return self._inbox

    async def start(self) -> None:
        settings, options = self.app.settings, self.options
        self.redact.install()
        client = ZaloClient(
            self._token, settings.zalo_api_url, timeout=options.http_timeout, redact=self.redact
        )
        self._client = client
        self._sender = ZaloSender(client, self.files, Pacing(options.send_interval), self.language)
        self._pipeline = ZaloPipeline(
            self.app,
            inbox=self.store,
            sender=self._sender,
            on_quota=self._quota,
            typing_after=options.typing_after,
            redact=self.redact,
            prepare=self.intake.receive,
        )
        self._inbox = ZaloInbox(
            self.store,
            handle=self._pipeline.handle,
            processor=self.processor,
            after_store=options.after_store,
        )

        async def steps() -> None:
            self.bot = await client.get_me()  # checks the token
            await asyncio.to_thread(self._tidy)
            # Stored before a crash: queued before anything new can come in, so a chat's
            # old updates are handled before its new ones.
            await self.inbox.recover()
            self.mode = await self._start_receiving()

        await start_or_explain(
            steps,
            close=self._abandon,
            refused=ZaloUnauthorized,
            refused_text=translate("startup.zalo_refused", settings.language),
            unreachable=(ZaloError, OSError),
            unreachable_text=lambda error: translate(
                "startup.zalo_unreachable",
                settings.language,
                url=settings.zalo_api_url,
                error=self.redact(str(error)),
            ),
            error=ZaloStartError,
        )
        if self._poller is not None:
            self._poller.start()
        name = self.bot.account_name if self.bot else "?"
        log.info("Zalo channel running as %s (%s)", name, self.mode)

    @property
    def last_activity(self) -> float | None:
        """Monotonic time of the last poll answer (polling) or stored update (webhook)."""
        if self._poller is not None:
            return self._poller.last_answer
        if self.mode == "webhook" and self._inbox is not None:
            return getattr(self._inbox, "last_update", None) or self._started_at
        return None

    async def _start_receiving(self) -> str:
        settings = self.app.settings
        routes: list[Route] = list(self.app.web_routes)  # /healthz, when `run` serves it
        webhook_url = settings.zalo_webhook_url
        if webhook_url:
            path = urlsplit(webhook_url).path or "/"
            routes.append(webhook_route(path, secret=self._secret, inbox=self.inbox))
        if webhook_url or settings.public_url:
            routes.append(files_route(self.app.make_session, self.app.clock, self.app.files))
            port = settings.http_port if self.options.web_port is None else self.options.web_port
            self.web = WebServer(listen=settings.http_listen, port=port, routes=routes)
            await self.web.start()
        if webhook_url:
            # The endpoint listens before Zalo is told of it (it may check the URL at once).
            await self.client.set_webhook(url=webhook_url, secret_token=self._secret)
            return "webhook"
        try:
            await self.client.delete_webhook()  # webhook and polling exclude each other
        except ZaloError as error:
            log.warning("deleteWebhook failed (%s); polling anyway", error)
        self._poller = Poller(self.client, self.inbox, self.options.poll)
        return "polling"

    def _tidy(self) -> None:
        """Forget old handled updates and expired download links (and their files)."""
        tidy(self.app.make_session, clock=self.app.clock, files=self.app.files)

    async def stop(self) -> None:
        if self._poller is not None:
            await self._poller.stop()
            self._poller = None
        if self.web is not None:
            await self.web.stop()
            self.web = None
        await self.processor.drain(self.options.stop_timeout)  # answers still go out
        await self.store.flush()  # what was handled is marked before the process ends
        await self._close()

    async def _abandon(self) -> None:
        """A start that failed half-way: let recovered work finish, then free everything."""
        await self.processor.drain(self.options.stop_timeout)
        await self._close()

    async def _close(self) -> None:
        if self.web is not None:
            await self.web.stop()
            self.web = None
        client, self._client = self._client, None
        self._sender = None
        try:
            if client is not None:
                await client.aclose()
        finally:
            self.redact.uninstall()

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """Send an outbox message; DeliveryError says whether and when to try again."""
        if self._sender is None:
            raise DeliveryError("the Zalo channel is not running")
        try:
            await self._sender.send(chat_id, reply)
        except ZaloSendFailed as failed:
            await self._delivery_failed(chat_id, failed)

    async def _delivery_failed(self, chat_id: str, failed: ZaloSendFailed) -> None:
        cause = failed.cause
        message = f"{type(cause).__name__}: {self.redact(str(cause))}"
        failure = await judge(cause, self._quota)
        if failure.verdict is Verdict.BLOCKED:
            await self._blocked(chat_id)
            raise DeliveryError(message, permanent=True)
        retry_after = cause.retry_after if isinstance(cause, ZaloRateLimited) else None
        if failed.sent and failure.verdict is Verdict.LATER:
            # Part of a long message went out: the row counts as sent, and the rest goes
            # out later as its own row, so the first part is never sent twice.
            rest = "\n".join(failed.unsent)
            digest = hashlib.sha256(rest.encode()).hexdigest()[:16]
            await asyncio.to_thread(
                keep_in_outbox,
                self.app,
                channel=CHANNEL,
                chat_id=chat_id,
                key=f"rest:{CHANNEL}:{chat_id}:{self.app.clock.now().isoformat()}:{digest}",
                parts=[(rest, [])],
                delay=failure.delay,
            )
            log.warning("Zalo took %d part(s) of a message; the rest is kept", failed.sent)
            return
        raise DeliveryError(message, retry_after=retry_after)

    async def fetch_file(self, file_ref: str) -> bytes:
        """The bytes of a photo a user sent (IncomingAttachment.file_ref is its URL)."""
        return await self._fetch_kept(file_ref, self.intake.max_bytes)

    async def _fetch_kept(self, file_ref: str, limit: int) -> bytes:
        try:
            return await self.client.download(file_ref, limit=limit)
        except ZaloFileTooLarge:
            raise TooLarge from None

    async def _blocked(self, chat_id: str) -> None:
        if self._pipeline is not None:
            await self._pipeline.blocked(chat_id)

    async def _quota(self) -> None:
        log.warning("Zalo message quota exceeded: messages wait in the outbox")
        try:
            await asyncio.to_thread(
                record_quota,
                self.app.make_session,
                clock=self.app.clock,
                zone=self.app.settings.zone,
                language=self.language,
                admins=sorted(self.app.dispatcher.config.admins),
            )
        except Exception:
            log.exception("could not tell the secretariat about the Zalo quota")
