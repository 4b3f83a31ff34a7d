"""`baocao run` (every channel and the scheduler) and `baocao chat` (a terminal chat)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable

from bot.app import App, admin_chats
from bot.channel_errors import ChannelStartError
from bot.channels import RunningChannel, start_channels
from bot.commands.common import Handler, helptext, say
from bot.console import ConsoleChannel
from bot.logs import quiet_console
from bot.settings import Settings
from bot.web import WebServer, files_route, health_route
from bot.webconsole import console_routes
from scheduler.delivery import Channel
from scheduler.service import SchedulerService, auto_close_after

log = logging.getLogger(__name__)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    commands.add_parser("run", help=helptext("serve.run"))
    chat = commands.add_parser("chat", help=helptext("serve.chat"))
    chat.add_argument("--user", default="operator", help=helptext("serve.chat.user"))
    return {"run": run, "chat": chat_}


def run(
    settings: Settings, args: argparse.Namespace, *, is_terminal: Callable[[], bool] | None = None
) -> int:
    has_channel = settings.telegram_token is not None or settings.zalo_token is not None
    if not has_channel and not (is_terminal or sys.stdin.isatty)():
        # Under systemd or in a container a console chat would read end of input and exit 0,
        # leaving the service stopped without a word; fail instead, so Restart= and the
        # operator notice.
        print(say(settings, "serve.no_terminal"), file=sys.stderr)
        return 2
    app = App.build(settings)
    try:
        boot = app.prepare()
        if boot.imported_plan:
            print(say(settings, "serve.plan_loaded", plan=boot.imported_plan))
        for name in boot.opened_periods:
            print(say(settings, "serve.period_opened", period=name))
        return asyncio.run(serve(app))
    except ChannelStartError as error:  # a wrong token, an unreachable API: one clear line
        print(error, file=sys.stderr)
        return 1
    finally:
        app.close()


async def serve(app: App) -> int:
    settings = app.settings
    app.web_routes = [
        health_route(app.make_session, app.clock, tick_seconds=settings.scheduler_tick_seconds),
        *console_routes(app),  # the web console, with BAOCAO_PUBLIC_URL
    ]
    channels = await start_channels(app)
    # The console chat alone serves the web endpoint only for the web console.
    web = await _start_web(app, channels) if channels or settings.public_url else None
    # Without a chat platform the terminal is the only channel: it also shows the outbox's
    # messages for console users (notices, reminders), which would otherwise wait for ever.
    console = None if channels else ConsoleChannel.for_app(app, user_id="operator")
    delivering: list[Channel] = [*channels] if console is None else [console]
    scheduler = SchedulerService(
        make_session=app.make_session,
        clock=app.clock,
        zone=settings.zone,
        channels=delivering,
        planner=app.reminders,
        admins=admin_chats(settings),
        tick_seconds=settings.scheduler_tick_seconds,
        review_digest_at=settings.reminder_time if settings.review_notify == "digest" else None,
        auto_close_after=auto_close_after(settings),
        files=app.files,
    )
    scheduler.start()
    try:
        if console is None:
            names = ", ".join(c.name for c in channels)
            print(say(app.settings, "serve.running", channels=names))
            await _until_stopped()
        else:
            print(say(app.settings, "serve.console"))
            with quiet_console():
                await console.run()
    finally:
        scheduler.stop()
        if web is not None:
            await web.stop()
        for channel in channels:
            await channel.stop()
    return 0


async def _start_web(app: App, channels: list[RunningChannel]) -> WebServer | None:
    """The web listener for `/healthz` (and download links), unless a channel already runs
    one with these routes (Zalo's webhook)."""
    if any(getattr(c, "web", None) is not None for c in channels):
        return None
    settings = app.settings
    routes = list(app.web_routes)
    if settings.public_url:
        routes.append(files_route(app.make_session, app.clock, app.files))
    web = WebServer(listen=settings.http_listen, port=settings.http_port, routes=routes)
    try:
        await web.start()
    except OSError as error:  # the port is taken: the bot still works, health is not served
        log.error(
            "web endpoint: cannot listen on %s:%d (%s); /healthz is not served",
            settings.http_listen,
            settings.http_port,
            error.strerror or error,
        )
        return None
    return web


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


def chat_(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        print(say(settings, "serve.chat"))
        asyncio.run(ConsoleChannel.for_app(app, user_id=args.user).run())
        return 0
    finally:
        app.close()
