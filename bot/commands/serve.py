"""`baocao run` (every channel and the scheduler) and `baocao chat` (a terminal chat)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from bot.app import App, admin_chats
from bot.channel_errors import ChannelStartError
from bot.channels import start_channels
from bot.commands.common import Handler
from bot.console import ConsoleChannel
from bot.settings import Settings
from scheduler.service import SchedulerService

CONNECT_HINT = (
    "Chưa cấu hình kênh chat nào: đang mở trò chuyện trên dòng lệnh (gõ /help, thoát bằng /quit).\n"
    "Để kết nối Telegram hoặc Zalo, đặt BAOCAO_TELEGRAM_TOKEN hoặc BAOCAO_ZALO_TOKEN "
    "(xem README, mục Telegram và Zalo).\n"
    "No chat channel is configured: opening a console chat (type /help, leave with /quit).\n"
    "To connect Telegram or Zalo, set BAOCAO_TELEGRAM_TOKEN or BAOCAO_ZALO_TOKEN (see README)."
)


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    commands.add_parser("run", help="migrate, then run every configured channel and the scheduler")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument(
        "--user", default="operator", help="console user id (default 'operator', the secretariat)"
    )
    return {"run": run, "chat": chat_}


def run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        boot = app.prepare()
        if boot.imported_plan:
            print(f"Đã nạp kế hoạch có sẵn {boot.imported_plan}.")
        for name in boot.opened_periods:
            print(f"Đã mở kỳ báo cáo {name}.")
        return asyncio.run(serve(app))
    except ChannelStartError as error:  # a wrong token, an unreachable API: one clear line
        print(error, file=sys.stderr)
        return 1
    finally:
        app.close()


async def serve(app: App) -> int:
    channels = await start_channels(app)
    scheduler = SchedulerService(
        make_session=app.make_session,
        clock=app.clock,
        zone=app.settings.zone,
        channels=channels,
        planner=app.reminders,
        admins=admin_chats(app.settings),
        tick_seconds=app.settings.scheduler_tick_seconds,
        review_digest_at=(
            app.settings.reminder_time if app.settings.review_notify == "digest" else None
        ),
    )
    scheduler.start()
    try:
        if channels:
            names = ", ".join(c.name for c in channels)
            print(f"baocao đang chạy trên: {names}. Dừng bằng Ctrl+C. Running on: {names}.")
            await _until_stopped()
        else:
            print(CONNECT_HINT)
            await ConsoleChannel(app.dispatcher, user_id="operator").run()
    finally:
        scheduler.stop()
        for channel in channels:
            await channel.stop()
    return 0


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
        print("Trò chuyện với baocao (gõ /help, thoát bằng /quit).")
        asyncio.run(ConsoleChannel(app.dispatcher, user_id=args.user).run())
        return 0
    finally:
        app.close()
