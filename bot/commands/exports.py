"""`baocao export` (the consolidated table, XLSX or CSV) and `baocao report` (the draft report,
DOCX): the secretariat's files from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO

from sqlmodel import Session

from bot.app import App
from bot.commands.common import Handler, helptext, say
from bot.settings import Settings
from storage.models import ReportingPeriod
from storage.plans import PlanChoiceError, choose_plan
from storage.requests import find_period, list_periods
from storage.summary import current_period

TABLE_FORMATS = (".xlsx", ".csv")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    export = commands.add_parser(
        "export",
        help=helptext("exports.export"),
    )
    export.add_argument("--period", help=helptext("exports.export.period"))
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help=helptext("exports.target.o"))
    target.add_argument(
        "--bundle",
        type=Path,
        help=helptext("exports.target.bundle"),
    )
    export.add_argument("--plan", dest="plan_code", help=helptext("plan_code"))
    export.add_argument(
        "--csv-separator",
        default=",",
        choices=[",", ";", "tab"],
        help=helptext("exports.export.csv_separator"),
    )
    report = commands.add_parser("report", help=helptext("exports.report"))
    report.add_argument("--period", help=helptext("exports.report.period"))
    report.add_argument(
        "-o", "--output", required=True, type=Path, help=helptext("exports.report.o")
    )
    report.add_argument("--plan", dest="plan_code", help=helptext("plan_code"))
    return {"export": export_, "report": report_}


def _periods(
    session: Session, args: argparse.Namespace, settings: Settings, *, every: bool
) -> list[ReportingPeriod]:
    """The periods asked for; prints why and returns [] when there are none."""
    try:
        plan = choose_plan(session, code=args.plan_code)
    except PlanChoiceError as error:
        print(error.text.render(settings.language), file=sys.stderr)
        return []
    known = list_periods(session, plan=plan)
    keys = ", ".join(p.key for p in known) or say(settings, "plan.nothing")
    if every and args.period == "all":
        return known
    if args.period:
        period = find_period(session, plan=plan, key=args.period)
        if period is None:
            print(say(settings, "export.no_period", key=args.period, keys=keys), file=sys.stderr)
            return []
        return [period]
    period = current_period(session, plan=plan)
    if period is None:
        print(say(settings, "export.none_open", keys=keys), file=sys.stderr)
        return []
    return [period]


def _write(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write beside the target, then rename: a failed export never leaves half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as stream:
            write(stream)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def export_(settings: Settings, args: argparse.Namespace) -> int:
    if args.bundle is not None:
        return bundle_(settings, args)
    from storage.exports.csv import write_csv
    from storage.exports.table import ConsolidatedTable
    from storage.exports.xlsx import write_xlsx

    suffix = args.output.suffix.lower()
    if suffix not in TABLE_FORMATS:
        print(say(settings, "export.table_suffix"), file=sys.stderr)
        return 2
    app = App.build(settings)
    try:
        app.prepare()
        with app.make_session() as session:
            periods = _periods(session, args, settings, every=True)
            if not periods:
                return 1
            today = app.clock.now().astimezone(settings.zone).date()
            table = ConsolidatedTable(
                session, periods=periods, today=today, zone=settings.zone, made_at=app.clock.now()
            )
            separator = "\t" if args.csv_separator == "tab" else args.csv_separator
            writer = partial(write_csv, separator=separator) if suffix == ".csv" else write_xlsx
            rows: list[int] = []
            _write(args.output, lambda stream: rows.append(writer(table, stream)))
    finally:
        app.close()
    keys = ", ".join(p.key for p in periods)
    print(say(settings, "export.table_done", path=args.output, rows=rows[0], keys=keys))
    return 0


def report_(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import report_options
    from storage.exports.docx_report import write_docx
    from storage.exports.questions import load_view
    from storage.summary import load_period

    if args.output.suffix.lower() != ".docx":
        print(say(settings, "export.docx_suffix"), file=sys.stderr)
        return 2
    app = App.build(settings)
    try:
        app.prepare()
        with app.make_session() as session:
            periods = _periods(session, args, settings, every=False)
            if not periods:
                return 1
            today = app.clock.now().astimezone(settings.zone).date()
            facts = load_period(session, period=periods[0], today=today, with_text=True)
            view = load_view(session, periods=periods[:1])
            options = report_options(settings)
            template = settings.report_template
            _write(
                args.output,
                lambda stream: write_docx(facts, view, stream, options=options, template=template),
            )
    finally:
        app.close()
    print(say(settings, "export.draft_done", key=periods[0].key, path=args.output))
    return 0


def bundle_(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import report_options
    from storage.exports.bundle import write_period_bundle
    from storage.files.store import StoreError

    if args.bundle.suffix.lower() != ".zip" or args.period == "all":
        print(say(settings, "export.bundle_suffix"), file=sys.stderr)
        return 2
    app = App.build(settings)
    try:
        app.prepare()
        with app.make_session() as session:
            periods = _periods(session, args, settings, every=False)
            if not periods:
                return 1
            period = periods[0]
            done = []
            try:
                _write(
                    args.bundle,
                    lambda stream: done.append(
                        write_period_bundle(
                            stream,
                            session=session,
                            period=period,
                            store=app.files,
                            made_at=app.clock.now(),
                            zone=settings.zone,
                            options=report_options(settings),
                            template=settings.report_template,
                        )
                    ),
                )
            except StoreError as error:
                print(say(settings, "export.store_failed", reason=error), file=sys.stderr)
                return 1
    finally:
        app.close()
    print(
        say(
            settings,
            "export.bundle_done",
            path=args.bundle,
            files=done[0].documents,
            key=period.key,
        )
    )
    return 0
