"""`baocao scope show|set|import|oblige`: who reports on which task."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import App
from bot.commands.common import Handler, helptext, print_problems, say
from bot.settings import Settings
from storage.agencies import find_agency
from storage.db import transaction
from storage.i18n import translate
from storage.plan_document import PlanFileError
from storage.plans import PlanChoiceError, choose_plan, find_task
from storage.scope import Level, parse_level, scope_rows, set_obliged, set_scope
from storage.scope_table import import_scope_table


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    scope = commands.add_parser("scope", help=helptext("scope.scope")).add_subparsers(
        dest="scope_command", required=True
    )
    show = scope.add_parser("show", help=helptext("scope.scope.show"))
    show.add_argument("--task", type=int, help=helptext("scope.show.task"))
    change = scope.add_parser("set", help=helptext("scope.scope.set"))
    change.add_argument("task", type=int)
    change.add_argument("agency", help=helptext("scope.change.agency"))
    change.add_argument("level", help=helptext("scope.change.level"))
    table = scope.add_parser("import", help=helptext("scope.scope.import"))
    table.add_argument("file", type=Path)
    oblige = scope.add_parser("oblige", help=helptext("scope.scope.oblige"))
    oblige.add_argument("agency")
    oblige.add_argument("answer", choices=["yes", "no"])
    for sub in (show, change, table, oblige):
        sub.add_argument("--plan", dest="plan_code", help=helptext("plan_code"))
    return {"scope": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
    language = settings.language
    app = App.build(settings)
    try:
        app.prepare()
        with transaction(app.make_session) as session:
            try:
                plan = choose_plan(session, code=args.plan_code)
            except PlanChoiceError as error:
                print(error.text.render(language), file=sys.stderr)
                return 1
            assert plan.id is not None
            if args.scope_command == "show":
                for row in scope_rows(session, plan_id=plan.id, task_number=args.task):
                    mark = translate("scope.mark", language) if row.overridden else ""
                    role = translate(f"remind.role.{row.role}", language)
                    level = translate(f"scope.level.{row.level}", language)
                    print(
                        f"{row.task_number}\t{row.agency_code}\t{role}\t"
                        f"{level}{mark}\t{row.agency_name}"
                    )
                return 0
            if args.scope_command == "import":
                try:
                    result = import_scope_table(session, plan=plan, path=args.file, clock=app.clock)
                except PlanFileError as error:
                    session.rollback()
                    return print_problems(error, settings.language)
                print(say(settings, "scope.applied", count=result.changed))
                return 0
            agency = find_agency(session, args.agency)
            if agency is None or agency.is_group:
                print(translate("scope.no_agency", language, name=args.agency), file=sys.stderr)
                return 1
            if args.scope_command == "oblige":
                obliged = args.answer == "yes"
                set_obliged(
                    session, plan_id=plan.id, agency=agency, obliged=obliged, clock=app.clock
                )
                key = "scope.obliged" if obliged else "scope.not_obliged"
                print(
                    say(
                        settings,
                        "scope.in_plan",
                        text=translate(key, language, name=agency.name),
                        plan=plan.code,
                    )
                )
                return 0
            task = find_task(session, plan=plan, number=args.task)
            level = parse_level(args.level)
            if task is None:
                print(translate("scope.no_task", language, number=args.task), file=sys.stderr)
                return 1
            if level is not None and not isinstance(level, Level):
                print(say(settings, "scope.bad_level", word=args.level), file=sys.stderr)
                return 2
            set_scope(session, task=task, agency=agency, level=level, clock=app.clock)
            shown = translate(f"scope.level.{level or 'default'}", language)
            print(say(settings, "scope.set", task=args.task, agency=agency.name, level=shown))
            return 0
    finally:
        app.close()
