"""The `baocao` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app import App
from bot.console import ConsoleChannel
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from scheduler.service import SchedulerService
from storage import migrate
from storage.db import transaction
from storage.plan_document import PlanFileError
from storage.plan_import import import_file, load_plan_file
from storage.plans import describe_plan, get_plan

log = logging.getLogger("baocao")

CONNECT_HINT = (
    "Chưa cấu hình kênh chat nào: đang mở trò chuyện trên dòng lệnh (gõ /help, thoát bằng /quit).\n"
    "Để kết nối Telegram hoặc Zalo, đặt BAOCAO_TELEGRAM_TOKEN hoặc BAOCAO_ZALO_TOKEN "
    "(xem README, mục Telegram và Zalo).\n"
    "No chat channel is configured: opening a console chat (type /help, leave with /quit).\n"
    "To connect Telegram or Zalo, set BAOCAO_TELEGRAM_TOKEN or BAOCAO_ZALO_TOKEN (see the README)."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description="baocao: Plan 452 reporting bot")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="migrate, then run every configured channel and the scheduler")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument(
        "--user",
        default="operator",
        help="console user id (default 'operator', who is secretariat)",
    )

    db = commands.add_parser("db", help="database migrations").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply every migration")
    down = db.add_parser("downgrade", help="revert migrations")
    down.add_argument("revision", help="target revision, e.g. -1 or base")
    db.add_parser("current", help="show the applied revision")

    plan = commands.add_parser("plan", help="the plan: import, validate, show").add_subparsers(
        dest="plan_command", required=True
    )
    plan_import = plan.add_parser(
        "import", help="import a plan (.yaml) or its task table (.xlsx/.csv)"
    )
    plan_import.add_argument("file", type=Path)
    plan_import.add_argument("--plan", dest="plan_code", help="plan code, for .xlsx/.csv tables")
    plan_validate = plan.add_parser("validate", help="check a plan file without writing anything")
    plan_validate.add_argument("file", type=Path)
    plan_validate.add_argument("--plan", dest="plan_code", help="plan code, for .xlsx/.csv tables")
    show = plan.add_parser("show", help="show the plan's tasks and deadlines")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--plan", dest="plan_code", help="plan code (default: the first plan)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    secrets = [t.get_secret_value() for t in (settings.telegram_token, settings.zalo_token) if t]
    configure_logging(settings.log_level, secrets)
    handler = COMMANDS[args.command]
    return handler(settings, args)


def _problems(error: PlanFileError) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(
        f"Không ghi gì vào cơ sở dữ liệu ({len(error.problems)} lỗi). Nothing was written.",
        file=sys.stderr,
    )
    return 1


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        boot = app.prepare()
        if boot.imported_plan:
            print(f"Đã nạp kế hoạch có sẵn {boot.imported_plan}.")
        for name in boot.opened_periods:
            print(f"Đã mở kỳ báo cáo {name}.")
        return asyncio.run(_serve(app))
    finally:
        app.close()


async def _serve(app: App) -> int:
    scheduler = SchedulerService(
        make_session=app.make_session, clock=app.clock, zone=app.settings.zone
    )
    scheduler.start()
    try:
        print(CONNECT_HINT)
        await ConsoleChannel(app.dispatcher, user_id="operator").run()
    finally:
        scheduler.stop()
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        print("Trò chuyện với baocao (gõ /help, thoát bằng /quit).")
        asyncio.run(ConsoleChannel(app.dispatcher, user_id=args.user).run())
        return 0
    finally:
        app.close()


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        if args.db_command == "upgrade":
            migrate.upgrade(app.engine)
        elif args.db_command == "downgrade":
            migrate.downgrade(app.engine, args.revision)
        print(
            f"revision: {migrate.current_revision(app.engine) or 'base'} "
            f"(head: {migrate.head_revision()})"
        )
        return 0
    finally:
        app.close()


def cmd_plan(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        if args.plan_command == "validate":
            return _validate(app, args)
        app.prepare()
        if args.plan_command == "import":
            try:
                with transaction(app.make_session) as session:
                    result = import_file(
                        session, path=args.file, clock=app.clock, plan_code=args.plan_code
                    )
            except PlanFileError as error:
                return _problems(error)
            print(
                f"Đã nhập kế hoạch {result.plan_code}: tạo mới {result.created or 'không có'}, "
                f"cập nhật {result.updated or 'không có'}."
            )
            if result.retired_tasks:
                print(
                    "Nhiệm vụ không còn trong tệp (giữ lại, đánh dấu ngừng): "
                    + ", ".join(map(str, result.retired_tasks))
                )
            return 0
        with app.make_session() as session:
            plan = get_plan(session, code=args.plan_code)
            if plan is None:
                print(f"Không có kế hoạch {args.plan_code!r}.", file=sys.stderr)
                return 1
            description = describe_plan(session, plan=plan)
        if args.json:
            print(json.dumps(description, ensure_ascii=False, indent=2))
        else:
            print(_plan_text(description))
        return 0
    finally:
        app.close()


def _validate(app: App, args: argparse.Namespace) -> int:
    """Check a file; tables are checked against the agencies in a scratch transaction."""
    try:
        parsed = load_plan_file(args.file)
        if not hasattr(parsed, "plan"):
            app.prepare()
            with app.make_session() as session:
                import_file(session, path=args.file, clock=app.clock, plan_code=args.plan_code)
                session.rollback()
    except PlanFileError as error:
        return _problems(error)
    print(f"{args.file.name}: hợp lệ / valid.")
    return 0


def _plan_text(plan: dict[str, object]) -> str:
    deadlines = plan["deadlines"]
    assert isinstance(deadlines, dict)
    lines = [
        f"Kế hoạch {plan['code']} ({plan['issuer']}, {plan['issued_on']})",
        str(plan["title"]),
        f"Cơ quan thường trực: {plan['secretariat']}",
        f"Hạn báo cáo của các cơ quan: trước {deadlines['agencies_report']} hằng năm; "
        f"tổng hợp báo cáo UBND tỉnh: trước {deadlines['consolidation']} hằng năm.",
        "",
    ]
    tasks = plan["tasks"]
    assert isinstance(tasks, list)
    for task in tasks:
        lines.append(f"{task['number']}. {task['title']}")
        lines.append(f"   Thời gian: {task['timeframe']}")
        lines.append(f"   Chủ trì: {'; '.join(task['lead'])}")
        lines.append(f"   Phối hợp: {'; '.join(task['coordinating'])}")
    return "\n".join(lines)


COMMANDS = {"run": cmd_run, "chat": cmd_chat, "db": cmd_db, "plan": cmd_plan}
