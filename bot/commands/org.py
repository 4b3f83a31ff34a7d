"""`baocao org apply CHANGES.yaml [--dry-run]` and `baocao org list`: reorganisations of the
deployment's agencies (created, renamed, merged, split, dissolved, each from a date)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session, select

from bot.app import App
from bot.commands.common import Handler, print_problems
from bot.settings import Settings
from scheduler.org_changes import tell
from storage import audit
from storage.agency_history import HistoryError, Moves
from storage.models import Agency, AgencyChange, AgencyChangeKind
from storage.org_changes import Applied, apply_changes, history
from storage.org_file import OrgFile, read_org_file
from storage.plan_document import PlanFileError

VERBS = {
    AgencyChangeKind.create: "thành lập",
    AgencyChangeKind.rename: "đổi tên",
    AgencyChangeKind.merge: "sáp nhập",
    AgencyChangeKind.split: "chia tách",
    AgencyChangeKind.dissolve: "giải thể",
}
ROLES = {"lead": "chủ trì", "coordinating": "phối hợp"}


def register(commands: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    org = commands.add_parser(
        "org", help="reorganisations: agencies created, renamed, merged, split, dissolved"
    ).add_subparsers(dest="org_command", required=True)
    apply = org.add_parser("apply", help="apply a file of agency changes (see README)")
    apply.add_argument("file", type=Path)
    apply.add_argument(
        "--dry-run", action="store_true", help="show what would move where; write nothing"
    )
    org.add_parser("list", help="the recorded changes, with the ones still to take effect")
    return {"org": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        if args.org_command == "list":
            with app.make_session() as session:
                print(history_text(session))
            return 0
        try:
            org_file = read_org_file(args.file)
        except PlanFileError as error:
            return print_problems(error, settings.language)
        return apply_file(app, org_file, dry_run=args.dry_run)
    finally:
        app.close()


def apply_file(app: App, org_file: OrgFile, *, dry_run: bool) -> int:
    """Apply (or try, for a dry run) the changes; prints what moved where. A file with any
    problem is refused whole: one line a problem, nothing written."""
    today = app.clock.now().astimezone(app.settings.zone).date()
    source = org_file.name
    session = app.make_session()
    try:
        applied = apply_changes(
            session,
            org_file.changes,
            source=source,
            clock=app.clock,
            zone=app.settings.zone,
            today=today,
            preview=dry_run,
            problems=org_file.problems,
        )
        names = {a.id: a for a in session.exec(select(Agency)).all()}
        text = applied_text(applied, names, dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            told = tell(session, applied.carried, clock=app.clock, language=app.settings.language)
            audit.record(
                session,
                clock=app.clock,
                action="org:apply",
                outcome="ok",
                channel="cli",
                detail={
                    "file": source,
                    "recorded": len(applied.recorded),
                    "carried_out": len(applied.carried),
                    "notices": told,
                },
            )
            session.commit()
            if told:
                text += f"\nĐã xếp {told} tin báo cho các đầu mối liên quan vào hàng đợi."
    except PlanFileError as error:
        session.rollback()
        return print_problems(error, app.settings.language)
    except HistoryError as error:  # the checks above are meant to catch this first
        session.rollback()
        print(f"Không thực hiện được / cannot apply: {error}", file=sys.stderr)
        return 1
    finally:
        session.close()
    print(text)
    return 0


def describe(change: AgencyChange, names: dict[int | None, Agency]) -> str:
    """'01/03/2025 sáp nhập Sở Thông tin và Truyền thông [so-tttt] vào Sở KH&CN [so-khcn]'."""
    agency = names[change.agency_id]
    who = f"{change.detail.get('name') or agency.name} [{agency.code}]"
    successors = "; ".join(f"{names[i].name} [{names[i].code}]" for i in change.successor_ids)
    head = f"{change.effective_on:%d/%m/%Y} {VERBS.get(change.kind, change.kind)}"  # type: ignore[call-overload]
    if change.kind == AgencyChangeKind.rename:
        return f"{head} {change.detail.get('from', '')} [{agency.code}] → {change.detail.get('to')}"
    if change.kind == AgencyChangeKind.merge:
        return f"{head} {who} vào {successors}"
    if change.kind == AgencyChangeKind.split:
        return f"{head} {who} thành {successors}"
    return f"{head} {who}"


def moves_lines(moves: Moves) -> list[str]:
    def pairs(items: list[tuple[str, ...]], shown: int = 12) -> str:
        text = "; ".join(" ".join(part for part in item if part) for item in items[:shown])
        return text + (f"; … và {len(items) - shown} mục khác" if len(items) > shown else "")

    lines = []
    if moves.focal_points:
        lines.append("đầu mối: " + pairs([(f"{p} ({a} → {b})",) for p, a, b in moves.focal_points]))
    if moves.ended_roles:
        lines.append(
            "đầu mối thôi vai trò (được báo tin): "
            + pairs([(f"{p} ({a})",) for p, a in moves.ended_roles])
        )
    if moves.owed:
        lines.append(
            "kỳ còn phải nộp: "
            + pairs([(f"{p} {k} ({a} → {b or 'không ai'})",) for p, k, a, b in moves.owed])
        )
    if moves.drafts:
        lines.append("bản nháp: " + pairs([(f"{k} ({a} → {b})",) for k, a, b in moves.drafts]))
    if moves.kept_drafts:
        lines.append("bản nháp giữ lại: " + pairs([(f"{k} ({a})",) for k, a in moves.kept_drafts]))
    if moves.task_roles:
        lines.append(
            "vai trò nhiệm vụ: "
            + pairs(
                [
                    (f"{p} NV {n} {ROLES.get(r, r)} ({a} → {b or 'bỏ'})",)
                    for p, n, r, a, b in moves.task_roles
                ]
            )
        )
    if moves.scopes:
        lines.append(
            "phạm vi thư ký đặt: "
            + pairs([(f"{p} NV {n} ({a} → {b or 'bỏ'})",) for p, n, a, b in moves.scopes])
        )
    if moves.duties:
        lines.append(
            "nhiệm vụ mục IV: "
            + pairs([(f"{p} mục {n} ({a} → {b or 'bỏ'})",) for p, n, a, b in moves.duties])
        )
    if moves.groups:
        lines.append(
            "nhóm: " + pairs([(f"{g} ({a} → {b or 'bỏ'})",) for g, a, b in moves.groups], 4)
        )
    if moves.kept_reports:
        lines.append(
            "báo cáo đã nộp giữ với cơ quan nộp: "
            + pairs([(f"{p} {k} {a}",) for p, k, a in moves.kept_reports])
        )
    if moves.renamed:
        lines.append(f"tên cũ «{moves.renamed[0]}» vẫn tra cứu được")
    return lines


def applied_text(applied: Applied, names: dict[int | None, Agency], *, dry_run: bool) -> str:
    lines = []
    for change, moves in applied.carried:
        waits = change.id in {c.id for c in applied.scheduled}
        lines.append(describe(change, names) + (" (chờ đến ngày hiệu lực)" if waits else ""))
        lines += [f"  {line}" for line in moves_lines(moves)]
    if not dry_run:
        for change in applied.scheduled:
            lines.append(describe(change, names) + ": đã ghi, có hiệu lực vào ngày này")
    for where in applied.skipped:
        lines.append(f"{where}: đã áp dụng trước đây, bỏ qua")
    if dry_run:
        lines.append("Thử, không ghi gì vào cơ sở dữ liệu. Dry run: nothing was written.")
    else:
        lines.append(
            f"Đã ghi {len(applied.recorded)} thay đổi, {len(applied.carried)} đã có hiệu lực. "
            f"Recorded {len(applied.recorded)} changes."
        )
    return "\n".join(lines)


def history_text(session: Session) -> str:
    rows = history(session)
    if not rows:
        return "Chưa có thay đổi tổ chức nào. No agency changes recorded."
    names = {a.id: a for a in session.exec(select(Agency)).all()}
    lines = []
    for change, _agency, _successors in rows:
        state = "" if change.carried_out_at else " (chờ hiệu lực)"
        lines.append(describe(change, names) + state)
    return "\n".join(lines)
