"""`baocao db upgrade|downgrade|current`."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.commands.common import Handler, helptext
from bot.settings import Settings
from storage import migrate


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    db = commands.add_parser("db", help=helptext("db.db")).add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help=helptext("db.db.upgrade"))
    down = db.add_parser("downgrade", help=helptext("db.db.downgrade"))
    down.add_argument("revision", help=helptext("db.down.revision"))
    db.add_parser("current", help=helptext("db.db.current"))
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
