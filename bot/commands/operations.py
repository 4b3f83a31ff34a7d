"""`baocao backup`, `baocao restore` and `baocao status`: the operator's maintenance commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.app import file_store
from bot.commands.common import Handler, helptext, say
from bot.settings import Settings
from storage import health, migrate
from storage.backup import BackupError, backup, restore
from storage.clock import SystemClock
from storage.db import create_db_engine, session_factory


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    save = commands.add_parser("backup", help=helptext("operations.backup"))
    save.add_argument(
        "-o", "--output", required=True, type=Path, help=helptext("operations.save.o")
    )
    load = commands.add_parser("restore", help=helptext("operations.restore"))
    load.add_argument("archive", type=Path)
    load.add_argument("--force", action="store_true", help=helptext("operations.load.force"))
    status = commands.add_parser("status", help=helptext("operations.status"))
    status.add_argument("--json", action="store_true", help=helptext("operations.status.json"))
    return {"backup": backup_, "restore": restore_, "status": status_}


def backup_(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_db_engine(settings.database_url)
    try:
        manifest = backup(
            engine,
            settings.database_url,
            args.output,
            now=SystemClock().now(),
            store=file_store(settings),
        )
    except BackupError as error:
        reason = error.text.render(settings.language)
        print(say(settings, "backup.failed", reason=reason), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    revision = manifest.schema_revision or "base"
    print(
        say(
            settings,
            "backup.done",
            path=args.output,
            database=manifest.database,
            revision=revision,
            files=manifest.files,
        )
    )
    return 0


def restore_(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_db_engine(settings.database_url)
    try:
        manifest = restore(
            engine,
            settings.database_url,
            args.archive,
            force=args.force,
            store=file_store(settings),
        )
        # A backup from older code is brought up to this code's schema at once.
        migrate.upgrade(engine)
    except BackupError as error:
        reason = error.text.render(settings.language)
        print(say(settings, "restore.failed", reason=reason), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        say(
            settings,
            "restore.done",
            created=manifest.created_at,
            version=manifest.version,
            files=manifest.files,
        )
    )
    return 0


def status_(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_db_engine(settings.database_url)
    try:
        result = health.check(
            session_factory(engine),
            now=SystemClock().now(),
            tick_seconds=settings.scheduler_tick_seconds,
        )
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print(health.health_text(result, settings.language))
    return 0 if result.healthy else 1
