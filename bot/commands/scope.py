"""`baocao scope show|set|import|oblige`: who reports on which task."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import App
from bot.commands.common import Handler, print_problems
from bot.settings import Settings
from storage.agencies import find_agency
from storage.db import transaction
from storage.plan_document import PlanFileError
from storage.plans import PlanChoiceError, choose_plan, find_task
from storage.scope import Level, parse_level, scope_rows, set_obliged, set_scope
from storage.scope_table import import_scope_table

LEVEL_TEXT = {Level.required: "bắt buộc", Level.optional: "tùy chọn", Level.excluded: "không"}
ROLE_TEXT = {"lead": "chủ trì", "coordinating": "phối hợp"}


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    scope = commands.add_parser(
        "scope", help="which agencies report on which task (the secretariat decides)"
    ).add_subparsers(dest="scope_command", required=True)
    show = scope.add_parser("show", help="list the agencies in scope of each task")
    show.add_argument("--task", type=int, help="one task number")
    change = scope.add_parser("set", help="set one agency's scope on one task")
    change.add_argument("task", type=int)
    change.add_argument("agency", help="agency code or name")
    change.add_argument("level", help="required|optional|excluded|default (or Vietnamese)")
    table = scope.add_parser("import", help="set scopes from a CSV/XLSX table")
    table.add_argument("file", type=Path)
    oblige = scope.add_parser(
        "oblige", help="whether an agency is chased for the yearly report (yes|no)"
    )
    oblige.add_argument("agency")
    oblige.add_argument("answer", choices=["yes", "no"])
    for sub in (show, change, table, oblige):
        sub.add_argument("--plan", dest="plan_code", help="plan code, when there are several")
    return {"scope": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        with transaction(app.make_session) as session:
            try:
                plan = choose_plan(session, code=args.plan_code)
            except PlanChoiceError as error:
                print(error, file=sys.stderr)
                return 1
            assert plan.id is not None
            if args.scope_command == "show":
                for row in scope_rows(session, plan_id=plan.id, task_number=args.task):
                    mark = " (thư ký đặt)" if row.overridden else ""
                    print(
                        f"NV {row.task_number}\t{row.agency_code}\t{ROLE_TEXT[row.role]}\t"
                        f"{LEVEL_TEXT[row.level]}{mark}\t{row.agency_name}"
                    )
                return 0
            if args.scope_command == "import":
                try:
                    result = import_scope_table(session, plan=plan, path=args.file, clock=app.clock)
                except PlanFileError as error:
                    session.rollback()
                    return print_problems(error)
                print(f"Đã cập nhật phạm vi: {result.changed} dòng / {result.changed} rows applied")
                return 0
            agency = find_agency(session, args.agency)
            if agency is None or agency.is_group:
                print(f"Không tìm thấy cơ quan {args.agency!r} / no such agency", file=sys.stderr)
                return 1
            if args.scope_command == "oblige":
                obliged = args.answer == "yes"
                set_obliged(
                    session, plan_id=plan.id, agency=agency, obliged=obliged, clock=app.clock
                )
                state = "được nhắc và tính quá hạn" if obliged else "không bị nhắc"
                print(f"{agency.name}: {state} (kế hoạch {plan.code})")
                return 0
            task = find_task(session, plan=plan, number=args.task)
            level = parse_level(args.level)
            if task is None:
                print(f"Không có nhiệm vụ {args.task} / no such task", file=sys.stderr)
                return 1
            if level is not None and not isinstance(level, Level):
                print(
                    f"Phạm vi {args.level!r} không hợp lệ: required, optional, excluded, default",
                    file=sys.stderr,
                )
                return 2
            set_scope(session, task=task, agency=agency, level=level, clock=app.clock)
            shown = LEVEL_TEXT[level] if level is not None else "mặc định của kế hoạch"
            print(f"NV {args.task} - {agency.name}: {shown}")
            return 0
    finally:
        app.close()
