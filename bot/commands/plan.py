"""`baocao plan import|validate|show`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.app import App
from bot.commands.common import Handler, helptext, print_problems, say
from bot.settings import Settings
from storage.db import transaction
from storage.i18n import translate_plural
from storage.plan_document import PlanFileError, TaskTable
from storage.plan_import import import_file, load_plan_file
from storage.plans import PlanChoiceError, choose_plan, describe_plan
from storage.questionnaire import Questionnaire


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    plan = commands.add_parser("plan", help=helptext("plan.plan")).add_subparsers(
        dest="plan_command", required=True
    )
    for name in ("import", "validate"):
        sub = plan.add_parser(name, help=helptext(f"plan.{name}"))
        sub.add_argument("file", type=Path)
        sub.add_argument("--plan", dest="plan_code", help=helptext("plan.sub.plan"))
    show = plan.add_parser("show", help=helptext("plan.plan.show"))
    show.add_argument("--json", action="store_true", help=helptext("plan.show.json"))
    show.add_argument("--plan", dest="plan_code", help=helptext("plan_code"))
    return {"plan": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        if args.plan_command == "validate":
            return _validate(app, args)
        app.prepare()
        if args.plan_command == "import":
            return _import(app, args)
        return _show(app, args)
    finally:
        app.close()


def _import(app: App, args: argparse.Namespace) -> int:
    try:
        with transaction(app.make_session) as session:
            result = import_file(session, path=args.file, clock=app.clock, plan_code=args.plan_code)
    except PlanFileError as error:
        return print_problems(error, app.settings.language)
    settings = app.settings
    for key, version, new in result.form_versions:
        state = "plan.form_saved" if new else "plan.form_unchanged"
        print(say(settings, state, key=key, plan=result.plan_code, version=version))
    if result.form_versions:
        return 0
    print(
        say(
            settings,
            "plan.imported",
            plan=result.plan_code,
            created=_counts(settings, result.created),
            updated=_counts(settings, result.updated),
        )
    )
    if result.kept_agencies:
        print(say(settings, "plan.kept_agencies", names=", ".join(result.kept_agencies)))
    if result.retired_tasks:
        retired = ", ".join(map(str, result.retired_tasks))
        print(say(settings, "plan.retired", tasks=retired))
    return 0


def _counts(settings: Settings, counts: dict[str, int]) -> str:
    shown = [
        translate_plural(f"cli.plan.count.{kind}", n, settings.language)
        for kind, n in counts.items()
    ]
    return ", ".join(shown) or say(settings, "plan.nothing")


def _validate(app: App, args: argparse.Namespace) -> int:
    """Check a file. A table's agency names are checked against the database, then rolled back;
    a questionnaire needs nothing from the database."""
    try:
        parsed = load_plan_file(args.file)
        if isinstance(parsed, TaskTable):
            app.prepare()
            with app.make_session() as session:
                import_file(session, path=args.file, clock=app.clock, plan_code=args.plan_code)
                session.rollback()
    except PlanFileError as error:
        return print_problems(error, app.settings.language)
    if isinstance(parsed, Questionnaire):
        questions = sum(len(s.questions) for s in parsed.sections)
        print(
            say(
                app.settings,
                "plan.form_summary",
                file=args.file.name,
                key=parsed.key,
                sections=len(parsed.sections),
                questions=questions,
            )
        )
    print(say(app.settings, "plan.valid", file=args.file.name))
    return 0


def _show(app: App, args: argparse.Namespace) -> int:
    with app.make_session() as session:
        try:
            plan = choose_plan(session, code=args.plan_code)
        except PlanChoiceError as error:
            print(error.text.render(app.settings.language), file=sys.stderr)
            return 1
        description = describe_plan(session, plan=plan)
    if args.json:
        print(json.dumps(description, ensure_ascii=False, indent=2))
    else:
        print(plan_text(description, app.settings))
    return 0


def plan_text(plan: dict[str, Any], settings: Settings) -> str:
    deadlines = plan["deadlines"]
    lines = [
        say(
            settings, "plan.header", code=plan["code"], issuer=plan["issuer"], on=plan["issued_on"]
        ),
        str(plan["title"]),
        say(settings, "plan.secretariat", name=plan["secretariat"]),
        say(
            settings,
            "plan.deadlines",
            report=deadlines["agencies_report"],
            consolidation=deadlines["consolidation"],
        ),
        "",
    ]
    for task in plan["tasks"]:
        lines.append(f"{task['number']}. {task['title']}")
        lines.append(say(settings, "plan.timeframe", text=task["timeframe"]))
        lines.append(say(settings, "plan.lead", names="; ".join(task["lead"])))
        lines.append(say(settings, "plan.coordinating", names="; ".join(task["coordinating"])))
    changes = plan.get("agency_changes") or []
    if changes:
        lines += ["", say(settings, "plan.changes", count=len(changes))]
    for change in changes:
        day = "/".join(reversed(change["effective_on"].split("-")))
        successors = "; ".join(change.get("successors") or [])
        what = say(
            settings,
            f"plan.change.{change['kind']}",
            name=change.get("new_name") or "",
            successors=successors,
        )
        waiting = "" if change["in_effect"] else say(settings, "plan.change.waiting")
        lines.append(f"- {day}: {change['agency']} {what}{waiting}")
    return "\n".join(lines)
