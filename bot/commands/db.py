"""`baocao db upgrade|downgrade|current`."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.commands.common import Handler
from bot.settings import Settings
from storage import migrate


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    db = commands.add_parser("db", help="database migrations").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply every migration")
    down = db.add_parser("downgrade", help="revert migrations")
    down.add_argument("revision", help="target revision, e.g. -1 or base")
    db.add_parser("current", help="show the applied revision")
    return {"db": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
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
