"""The `baocao` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.commands import db, exports, people, plan, reminders, scope, serve
from bot.commands.common import Handler
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings

# Each module adds its own subcommands; add a module here to add commands.
COMMAND_MODULES = (serve, db, plan, scope, people, reminders, exports)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    parser = argparse.ArgumentParser(prog="baocao", description="baocao: Plan 452 reporting bot")
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {}
    for module in COMMAND_MODULES:
        handlers.update(module.register(commands))
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    secrets = [t.get_secret_value() for t in (settings.telegram_token, settings.zalo_token) if t]
    configure_logging(settings.log_level, secrets)
    return handlers[args.command](settings, args)
