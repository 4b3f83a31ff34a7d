"""The `baocao` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.cli_words import speak
from bot.commands import db, exports, operations, org, people, plan, reminders, scope, serve
from bot.commands.common import Handler, helptext, operator_language
from bot.logs import configure_logging
from bot.preflight import PreflightError, check_names, check_settings, database_error_line
from bot.settings import SettingsError, load_settings

# Each module adds its own subcommands; add a module here to add commands.
COMMAND_MODULES = (serve, db, plan, scope, people, org, reminders, exports, operations)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    speak(operator_language())  # argparse's own words too ("usage:", its error lines)
    parser = argparse.ArgumentParser(prog="baocao", description=helptext("description"))
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Handler] = {}
    for module in COMMAND_MODULES:
        handlers.update(module.register(commands))
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        check_names(os.environ)
        settings = load_settings()
        check_settings(settings)
    except (SettingsError, PreflightError) as exc:
        print(exc, file=sys.stderr)
        return 2
    secrets = [t.get_secret_value() for t in (settings.telegram_token, settings.zalo_token) if t]
    # A service's log goes to stdout (journald, `docker logs`); other commands keep stdout for
    # their output, which is often piped, and log to stderr.
    stream = sys.stdout if args.command == "run" else sys.stderr
    configure_logging(settings.log_level, secrets, log_format=settings.log_format, stream=stream)
    try:
        return handlers[args.command](settings, args)
    except OperationalError as error:
        # The database is down, refuses us, or its file cannot be opened: expected, so one line.
        print(database_error_line(settings.database_url, error), file=sys.stderr)
        return 1
    except BrokenPipeError:
        _silence_stdout()  # `baocao plan show | head`: the reader left, which is fine
        return 0
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file: drop what is left
        sys.stdout = io.StringIO()
