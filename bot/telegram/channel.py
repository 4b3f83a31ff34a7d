"""The Telegram channel: started by `baocao run` when BAOCAO_TELEGRAM_TOKEN is set.

It receives updates (polling or webhook), stores each before Telegram is told it arrived and
before it is handled (`bot.adapter`, `bot.telegram.storing`), hands them to the handlers,
answers, keeps command menus per role, and delivers outbox messages for the scheduler. It holds
no business rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from telegram import Update
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.adapter.inbox import MAX_ATTEMPTS, Inbox
from bot.adapter.startup import start_or_explain
from bot.app import App
from bot.channel_errors import ChannelStartError
from bot.intake import FileIntake, IntakeOptions, TooLarge
from bot.logs import Redaction
from bot.telegram.guard import (
    Limits,
    MaybeDelivered,
    RequestGuard,
    RetryPolicy,
    Sleep,
    retry_after_seconds,
)
from bot.telegram.inbound import CHANNEL
from bot.telegram.keyboard import CallbackCodec
from bot.telegram.menus import CommandMenus, Roles, known_chat_roles
from bot.telegram.pipeline import TelegramPipeline
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.runner import (
    Timeouts,
    build_application,
    make_requests,
    max_upload_bytes,
    start_receiving,
)
from bot.telegram.sender import ReplySender, TelegramSendFailed
from handlers.events import Reply
from scheduler.delivery import DeliveryError
from scheduler.housekeeping import tidy
from storage.i18n import translate

log = logging.getLogger(__name__)


class TelegramStartError(ChannelStartError):
    """The channel could not start; the message names the cause (never the token)."""


@dataclass(frozen=True)
class TelegramOptions:
    """Tuning that is not an operator setting: tests and the benchmark change it."""

    limits: Limits = field(default_factory=Limits)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)
    sleep: Sleep = asyncio.sleep  # the guard's waits (429, backoff)
    typing_after: float = 1.0  # show "typing…" when the handlers take longer than this
    max_concurrent_updates: int = 1024
    intake: IntakeOptions = field(default_factory=IntakeOptions)  # fetching files people send


class TelegramChannel:
    name = "telegram"

    def __init__(self, app: App, options: TelegramOptions | None = None) -> None:
        settings = app.settings
        if settings.telegram_token is None:
            raise TelegramStartError("BAOCAO_TELEGRAM_TOKEN is not set")
        self.app = app
        self.options = options or TelegramOptions()
        self.mode = ""
        secret = settings.telegram_webhook_secret
        self._token = settings.telegram_token.get_secret_value()
        self._redaction = Redaction([self._token, secret.get_secret_value() if secret else ""])
        self._codec = CallbackCodec()
        self._application: Application | None = None
        self._menus: CommandMenus | None = None
        self._sender: ReplySender | None = None
        self._menu_task: asyncio.Task[None] | None = None
        self._requests: tuple[HTTPXRequest, ...] = ()
        self._processor = PerChatUpdateProcessor()
        self._pipeline: TelegramPipeline | None = None
        self._started_at = time.monotonic()
        self.inbox = Inbox(
            app.make_session, clock=app.clock, channel=CHANNEL, max_attempts=MAX_ATTEMPTS
        )
        # A replayed update (stored until handled) fetches its file again, so the files a
        # stop left between arrival and keeping need no separate recovery here.
        self.intake = FileIntake(
            app,
            channel=self.name,
            fetch=self._fetch_kept,
            max_bytes=max_upload_bytes(settings),
            options=self.options.intake,
        )

    @property
    def last_activity(self) -> float | None:
        """Monotonic time of the last getUpdates answer (polling) or update (webhook)."""
        if self.mode == "polling":
            polling = self._requests[1] if len(self._requests) > 1 else None
            return getattr(polling, "last_answer", None)
        if self.mode == "webhook":
            return self._processor.last_update or self._started_at
        return None

    @property
    def application(self) -> Application:
        if self._application is None:
            raise RuntimeError("the Telegram channel is not running")
        return self._application

    async def start(self) -> None:
        settings, options = self.app.settings, self.options
        self._redaction.install()
        guard = RequestGuard(
            options.limits, options.retry, sleep=options.sleep, redact=self._redaction
        )
        self._requests = make_requests(options.timeouts, self.inbox)
        self._processor = PerChatUpdateProcessor(options.max_concurrent_updates)
        self._started_at = time.monotonic()
        application = build_application(
            self._token,
            settings.telegram_api_url,
            guard=guard,
            processor=self._processor,
            requests=self._requests,
            webhook_inbox=self.inbox if settings.telegram_webhook_url else None,
        )
        language = self.app.dispatcher.config.language
        self._sender = ReplySender(application.bot, self._codec)
        self._menus = CommandMenus(application.bot, self.app.dispatcher.registry, language)
        handler = TelegramPipeline(
            self.app,
            inbox=self.inbox,
            sender=self._sender,
            codec=self._codec,
            menus=self._menus,
            max_upload_bytes=max_upload_bytes(settings),
            typing_after=options.typing_after,
            redact=self._redaction,
            prepare=self.intake.receive,
        )
        self._pipeline = handler
        application.add_handler(TypeHandler(Update, handler))
        application.add_error_handler(self._on_error)
        self._application = application

        async def steps() -> None:
            await application.initialize()  # getMe: checks the token
            assert self._menus is not None
            await self._menus.publish_default()
            await application.start()
            await self._replay(application)
            self.mode = await start_receiving(application, settings, options.timeouts)

        await start_or_explain(
            steps,
            close=self._close,
            refused=InvalidToken,  # PTB's message quotes the token
            refused_text=translate("startup.telegram_refused", settings.language),
            unreachable=(TelegramError, OSError),
            unreachable_text=lambda error: translate(
                "startup.telegram_unreachable",
                settings.language,
                url=settings.telegram_api_url,
                error=self._redaction(str(error)),
            ),
            error=TelegramStartError,
        )
        log.info("Telegram channel running as @%s (%s)", application.bot.username, self.mode)
        # Invites made in chat carry a t.me deep link to this bot.
        self.app.dispatcher.links.telegram_username = application.bot.username
        self._menu_task = asyncio.create_task(self._sync_menus(), name="telegram-menus")

    async def _replay(self, application: Application) -> None:
        """Updates stored before a stop and not handled: queued before anything new comes
        in, so a chat's old updates are handled before its new ones. Telegram may hand them
        over again (not yet acknowledged): stored already, they are dropped then."""
        await asyncio.to_thread(
            tidy, self.app.make_session, clock=self.app.clock, files=self.app.files
        )
        for row in await self.inbox.recover():
            update = Update.de_json(row.payload, application.bot)
            application.update_queue.put_nowait(update)

    async def stop(self) -> None:
        if self._menu_task is not None:
            self._menu_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._menu_task
            self._menu_task = None
        await self._close()

    async def _close(self) -> None:
        application, self._application = self._application, None
        try:
            if application is not None:
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
                await application.shutdown()
        finally:
            await self.inbox.flush()  # what was handled is marked before the process ends
            requests, self._requests = self._requests, ()
            await asyncio.gather(*(r.shutdown() for r in requests))
            self._redaction.uninstall()

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """Send an outbox message; DeliveryError says whether and when to try again."""
        if self._sender is None or self._application is None:
            raise DeliveryError("the Telegram channel is not running")
        try:
            chat = int(chat_id)
        except ValueError:
            raise DeliveryError(f"not a Telegram chat id: {chat_id!r}", permanent=True) from None
        try:
            await self._sender.send(chat, reply, at_most_once=True)
        except TelegramSendFailed as failed:
            cause = failed.cause
            message = f"{type(cause).__name__}: {self._redaction(str(cause))}"
            if isinstance(cause, MaybeDelivered):
                raise DeliveryError(message, uncertain=True) from None
            if isinstance(cause, Forbidden):
                await self._blocked(chat)
                raise DeliveryError(message, permanent=True) from None
            if isinstance(cause, RetryAfter):
                raise DeliveryError(
                    message,
                    retry_after=retry_after_seconds(cause),
                    whole_channel=getattr(cause, "whole_bot", True),
                ) from None
            # A request Telegram refuses as such (chat not found...) will not pass later either.
            raise DeliveryError(message, permanent=isinstance(cause, BadRequest)) from None

    async def fetch_file(self, file_ref: str) -> bytes:
        """The bytes of a file a user sent (IncomingAttachment.file_ref)."""
        file = await self.application.bot.get_file(file_ref)
        return bytes(await file.download_as_bytearray())

    async def _fetch_kept(self, file_ref: str, limit: int) -> bytes:
        file = await self.application.bot.get_file(file_ref)
        if file.file_size is not None and file.file_size > limit:
            raise TooLarge
        return bytes(await file.download_as_bytearray())

    async def _blocked(self, chat_id: int) -> None:
        if self._pipeline is not None:
            await self._pipeline.blocked(chat_id)

    async def _sync_menus(self) -> None:
        assert self._menus is not None
        try:
            roles = await asyncio.to_thread(self._known_roles)
            await self._menus.sync(roles)
        except Exception:
            log.exception("could not set the command menus")

    def _known_roles(self) -> dict[int, Roles]:
        return known_chat_roles(self.app.make_session, self.app.dispatcher.config)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Last resort for errors outside our update handler's own guard."""
        error = context.error
        log.error(
            "Telegram error%s: %s: %s",
            f" in update {update.update_id}" if isinstance(update, Update) else "",
            type(error).__name__,
            self._redaction(str(error)),
            exc_info=error,
        )
