"""`baocao plan import|validate|show`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.app import App
from bot.commands.common import Handler, print_problems
from bot.settings import Settings
from storage.db import transaction
from storage.plan_document import PlanFileError, TaskTable
from storage.plan_import import import_file, load_plan_file
from storage.plans import PlanChoiceError, choose_plan, describe_plan
from storage.questionnaire import Questionnaire


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    plan = commands.add_parser("plan", help="the plan: import, validate, show").add_subparsers(
        dest="plan_command", required=True
    )
    for name, text in (
        (
            "import",
            "import a plan (.yaml), its task table (.xlsx/.csv) or a questionnaire (XLSForm .xlsx)",
        ),
        ("validate", "check a plan file without writing anything"),
    ):
        sub = plan.add_parser(name, help=text)
        sub.add_argument("file", type=Path)
        sub.add_argument(
            "--plan", dest="plan_code", help="plan code, for .xlsx/.csv tables and questionnaires"
        )
    show = plan.add_parser("show", help="show the plan's tasks and deadlines")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--plan", dest="plan_code", help="plan code, when there are several")
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
        return print_problems(error)
    for key, version, new in result.form_versions:
        state = "đã lưu" if new else "không đổi, vẫn là"
        print(f"Bảng hỏi {key!r} của kế hoạch {result.plan_code}: {state} phiên bản {version}.")
    if result.form_versions:
        return 0
    created = ", ".join(f"{k}: {v}" for k, v in result.created.items()) or "không có"
    updated = ", ".join(f"{k}: {v}" for k, v in result.updated.items()) or "không có"
    print(f"Đã nhập kế hoạch {result.plan_code}. Tạo mới: {created}. Cập nhật: {updated}.")
    if result.kept_agencies:
        print(
            "Cơ quan dùng chung với kế hoạch khác, giữ tên và loại hiện có (đổi tên bằng "
            "baocao agency rename): " + ", ".join(result.kept_agencies)
        )
    if result.retired_tasks:
        print(
            "Nhiệm vụ không còn trong tệp (giữ lại cùng các báo cáo, đánh dấu ngừng): "
            + ", ".join(map(str, result.retired_tasks))
        )
    return 0


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
        return print_problems(error)
    if isinstance(parsed, Questionnaire):
        questions = sum(len(s.questions) for s in parsed.sections)
        print(
            f"{args.file.name}: bảng hỏi {parsed.key!r}, {len(parsed.sections)} phần,"
            f" {questions} câu hỏi."
        )
    print(f"{args.file.name}: hợp lệ / valid.")
    return 0


def _show(app: App, args: argparse.Namespace) -> int:
    with app.make_session() as session:
        try:
            plan = choose_plan(session, code=args.plan_code)
        except PlanChoiceError as error:
            print(error, file=sys.stderr)
            return 1
        description = describe_plan(session, plan=plan)
    if args.json:
        print(json.dumps(description, ensure_ascii=False, indent=2))
    else:
        print(plan_text(description))
    return 0


def plan_text(plan: dict) -> str:  # type: ignore[type-arg]
    deadlines = plan["deadlines"]
    lines = [
        f"Kế hoạch {plan['code']} ({plan['issuer']}, {plan['issued_on']})",
        str(plan["title"]),
        f"Cơ quan thường trực: {plan['secretariat']}",
        f"Hạn báo cáo của các cơ quan: trước {deadlines['agencies_report']} hằng năm; "
        f"tổng hợp báo cáo UBND tỉnh: trước {deadlines['consolidation']} hằng năm.",
        "",
    ]
    for task in plan["tasks"]:
        lines.append(f"{task['number']}. {task['title']}")
        lines.append(f"   Thời gian: {task['timeframe']}")
        lines.append(f"   Chủ trì: {'; '.join(task['lead'])}")
        lines.append(f"   Phối hợp: {'; '.join(task['coordinating'])}")
    changes = plan.get("agency_changes") or []
    if changes:
        lines += ["", f"Thay đổi tổ chức của các cơ quan ({len(changes)}):"]
    for change in changes:
        day = "/".join(reversed(change["effective_on"].split("-")))
        what = {
            "rename": f"đổi tên thành {change['new_name']}",
            "merge": f"sáp nhập vào {'; '.join(change['successors'])}",
            "split": f"chia tách thành {'; '.join(change['successors'])}",
            "dissolve": "giải thể",
        }.get(change["kind"], change["kind"])
        waiting = "" if change["in_effect"] else " (chờ hiệu lực)"
        lines.append(f"- {day}: {change['agency']} {what}{waiting}")
    return "\n".join(lines)
