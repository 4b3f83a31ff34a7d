"""`baocao org apply CHANGES.yaml [--dry-run]` and `baocao org list`: reorganisations of the
deployment's agencies (created, renamed, merged, split, dissolved, each from a date)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session

from bot.app import App
from bot.commands.common import Handler, helptext, print_problems, say
from bot.settings import Settings
from scheduler.org_changes import tell
from storage import audit
from storage.agencies import agencies_by_id
from storage.agency_history import HistoryError, Moves
from storage.i18n import translate
from storage.models import Agency, AgencyChange
from storage.org_changes import Applied, apply_changes, history
from storage.org_file import OrgFile, read_org_file
from storage.plan_document import PlanFileError


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    org = commands.add_parser("org", help=helptext("org.org")).add_subparsers(
        dest="org_command", required=True
    )
    apply = org.add_parser("apply", help=helptext("org.org.apply"))
    apply.add_argument("file", type=Path)
    apply.add_argument("--dry-run", action="store_true", help=helptext("org.apply.dry_run"))
    org.add_parser("list", help=helptext("org.org.list"))
    return {"org": run}


def run(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        if args.org_command == "list":
            with app.make_session() as session:
                print(history_text(session, settings.language))
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
        names = agencies_by_id(session)
        text = applied_text(applied, names, dry_run=dry_run, language=app.settings.language)
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
                text += "\n" + say(app.settings, "org.told", count=told)
    except PlanFileError as error:
        session.rollback()
        return print_problems(error, app.settings.language)
    except HistoryError as error:  # the checks above are meant to catch this first
        session.rollback()
        print(say(app.settings, "org.failed", reason=error), file=sys.stderr)
        return 1
    finally:
        session.close()
    print(text)
    return 0


def describe(change: AgencyChange, names: dict[int, Agency], language: str = "vi") -> str:
    """'01/03/2025 sáp nhập Sở Thông tin và Truyền thông [so-tttt] vào Sở KH&CN [so-khcn]'."""
    agency = names[change.agency_id]
    who = f"{change.detail.get('name') or agency.name} [{agency.code}]"
    successors = "; ".join(f"{names[i].name} [{names[i].code}]" for i in change.successor_ids)
    return translate(
        f"cli.org.change.{change.kind}",
        language,
        day=f"{change.effective_on:%d/%m/%Y}",
        who=who,
        successors=successors,
        old=change.detail.get("from", ""),
        new=change.detail.get("to", ""),
        code=agency.code,
    )


def moves_lines(moves: Moves, language: str = "vi") -> list[str]:
    def say(key: str, /, **values: object) -> str:
        return translate(f"cli.org.{key}", language, **values)

    def pairs(items: list[str], shown: int = 12) -> str:
        text = "; ".join(items[:shown])
        more = len(items) - shown
        return text + (say("more", count=more) if more > 0 else "")

    nobody, dropped = say("nobody"), say("dropped")
    role = {r: translate(f"remind.role.{r}", language) for r in ("lead", "coordinating")}
    found: list[tuple[str, list[str], int]] = [
        ("focal_points", [f"{p} ({a} → {b})" for p, a, b in moves.focal_points], 12),
        ("ended_roles", [f"{p} ({a})" for p, a in moves.ended_roles], 12),
        ("owed", [f"{p} {k} ({a} → {b or nobody})" for p, k, a, b in moves.owed], 12),
        ("drafts", [f"{k} ({a} → {b})" for k, a, b in moves.drafts], 12),
        ("kept_drafts", [f"{k} ({a})" for k, a in moves.kept_drafts], 12),
        (
            "task_roles",
            [
                say("task_role", plan=p, number=n, role=role.get(r, r), old=a, new=b or dropped)
                for p, n, r, a, b in moves.task_roles
            ],
            12,
        ),
        (
            "scopes",
            [say("task", plan=p, number=n, old=a, new=b or dropped) for p, n, a, b in moves.scopes],
            12,
        ),
        (
            "duties",
            [say("duty", plan=p, number=n, old=a, new=b or dropped) for p, n, a, b in moves.duties],
            12,
        ),
        ("groups", [f"{g} ({a} → {b or dropped})" for g, a, b in moves.groups], 4),
        ("kept_reports", [f"{p} {k} {a}" for p, k, a in moves.kept_reports], 12),
    ]
    lines = [
        say(f"moved.{kind}", items=pairs(items, shown)) for kind, items, shown in found if items
    ]
    if moves.renamed:
        lines.append(say("renamed", name=moves.renamed[0]))
    return lines


def applied_text(
    applied: Applied, names: dict[int, Agency], *, dry_run: bool, language: str = "vi"
) -> str:
    def say(key: str, /, **values: object) -> str:
        return translate(f"cli.org.{key}", language, **values)

    lines = []
    for change, moves in applied.carried:
        waits = change.id in {c.id for c in applied.scheduled}
        lines.append(describe(change, names, language) + (say("waits") if waits else ""))
        lines += [f"  {line}" for line in moves_lines(moves, language)]
    if not dry_run:
        for change in applied.scheduled:
            lines.append(describe(change, names, language) + say("recorded_for_day"))
    for where in applied.skipped:
        lines.append(say("skipped", where=where))
    if dry_run:
        lines.append(say("dry_run"))
    else:
        lines.append(say("done", recorded=len(applied.recorded), carried=len(applied.carried)))
    return "\n".join(lines)


def history_text(session: Session, language: str = "vi") -> str:
    rows = history(session)
    if not rows:
        return translate("cli.org.no_history", language)
    names = agencies_by_id(session)
    lines = []
    for change, _agency, _successors in rows:
        state = "" if change.carried_out_at else translate("cli.org.not_yet", language)
        lines.append(describe(change, names, language) + state)
    return "\n".join(lines)
