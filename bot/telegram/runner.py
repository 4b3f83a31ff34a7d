"""Build python-telegram-bot's Application for our server, and receive updates by polling or
by webhook."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor
from telegram.request import BaseRequest, HTTPXRequest

from bot.adapter.inbox import Inbox
from bot.settings import Settings
from bot.telegram.guard import RequestGuard
from bot.telegram.storing import StoringQueue, keep

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
OFFICIAL_API_URL = "https://api.telegram.org"
OFFICIAL_DOWNLOAD_LIMIT_MB = 20  # getFile on Telegram's own server stops at 20 MB
# Plenty at 30 messages/s; httpcore checks every pooled connection on each request, so a pool
# as large as PTB's default (256) costs CPU when many chats are answered at once.
CONNECTIONS = 8


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 5.0
    write: float = 20.0  # uploads of exports (plain requests write within `read`)
    pool: float = 5.0
    long_poll: float = 10.0  # seconds getUpdates waits on the server for news


class PollingRequest(HTTPXRequest):
    """The getUpdates client. It stores each batch of updates before handing it to PTB (whose
    next getUpdates then tells Telegram they arrived: `bot.telegram.storing`), and remembers
    when the server last answered (the channel's health: a long poll that keeps answering,
    even with nothing new, means Telegram is reachable)."""

    last_answer: float | None = None
    inbox: Inbox | None = None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await super().do_request(*args, **kwargs)
        self.last_answer = time.monotonic()
        return answer

    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
        result = await super().post(url, *args, **kwargs)
        if self.inbox is not None and url.endswith("/getUpdates") and result:
            await keep(self.inbox, result)  # Telegram's own JSON: nothing to convert
        return result


def make_requests(timeouts: Timeouts, inbox: Inbox) -> tuple[HTTPXRequest, HTTPXRequest]:
    """The HTTP clients (general, getUpdates); the channel owns them, so it can close them
    even when start-up fails half way (PTB only closes what it initialised fully)."""
    general = HTTPXRequest(
        connection_pool_size=CONNECTIONS,
        connect_timeout=timeouts.connect,
        read_timeout=timeouts.read,
        write_timeout=timeouts.read,
        media_write_timeout=timeouts.write,
        pool_timeout=timeouts.pool,
    )
    polling = PollingRequest(
        connection_pool_size=1,
        connect_timeout=timeouts.connect,
        read_timeout=timeouts.read,
        write_timeout=timeouts.read,
        pool_timeout=timeouts.pool,
    )
    polling.inbox = inbox
    return general, polling


def build_application(
    token: str,
    api_url: str,
    *,
    guard: RequestGuard,
    processor: BaseUpdateProcessor,
    requests: tuple[BaseRequest, BaseRequest],
    webhook_inbox: Inbox | None = None,
) -> Application:
    """`webhook_inbox`: a webhook's updates are stored before it answers (`StoringQueue`)."""
    general, polling = requests
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .request(general)
        .get_updates_request(polling)
        .rate_limiter(guard)
        .concurrent_updates(processor)
        .job_queue(None)  # APScheduler in `scheduler` does the timed work
    )
    if webhook_inbox is not None:
        builder = builder.update_queue(StoringQueue(webhook_inbox))
    return builder.build()


def max_upload_bytes(settings: Settings) -> int:
    """BAOCAO_MAX_UPLOAD_MB, but never more than the Bot API server can hand over."""
    limit = settings.max_upload_mb
    if settings.telegram_api_url == OFFICIAL_API_URL:
        limit = min(limit, OFFICIAL_DOWNLOAD_LIMIT_MB)
    return limit * 1024 * 1024


async def start_receiving(application: Application, settings: Settings, timeouts: Timeouts) -> str:
    """Polling, or a webhook when BAOCAO_TELEGRAM_WEBHOOK_URL is set; returns which."""
    updater = application.updater
    assert updater is not None
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        # The public URL's path is the path the local server answers on (behind a proxy).
        path = urlsplit(settings.telegram_webhook_url).path or "/"
        await updater.start_webhook(
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
            url_path=path,
            webhook_url=settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        return "webhook"
    await updater.start_polling(
        timeout=timedelta(seconds=timeouts.long_poll),
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
        error_callback=_polling_failed,
    )
    return "polling"


def _polling_failed(error: TelegramError) -> None:
    # PTB retries on its own; one line per failure, without a traceback each time.
    log.warning("getUpdates failed (%s: %s); retrying", type(error).__name__, error)
