"""`baocao invite` and `baocao agency list|rename|merge`."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from datetime import date, timedelta

import httpx
from sqlmodel import Session

from bot.app import App
from bot.commands.common import Handler, helptext, operator_language, say
from bot.commands.org import moves_lines
from bot.settings import Settings
from scheduler.org_changes import tell
from storage import audit
from storage.agencies import find_agency, name_holder
from storage.db import transaction
from storage.i18n import translate
from storage.invites import create_invite
from storage.members import agency_members, end_membership, secretariat_members
from storage.models import MemberRole, MemberStatus
from storage.org_changes import apply_changes
from storage.org_file import ChangeSpec, parse_day
from storage.periods import reporting_agencies
from storage.plan_document import PlanFileError

log = logging.getLogger(__name__)
_DURATION = re.compile(r"^(\d+)\s*([dhw]?)$")


def parse_duration(text: str) -> timedelta:
    """'7d', '12h', '2w' or '7' (days)."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match[1]) <= 0:
        raise argparse.ArgumentTypeError(
            translate("cli.bad_duration", operator_language(), text=text)
        )
    amount, unit = int(match[1]), match[2] or "d"
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "w": timedelta(weeks=amount),
    }[unit]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    invite = commands.add_parser("invite", help=helptext("people.invite"))
    invite.add_argument("agency", nargs="?", help=helptext("people.invite.agency"))
    invite.add_argument("--role", choices=["focal", "secretariat"], default="focal")
    invite.add_argument(
        "--expires",
        type=parse_duration,
        default=None,
        help=helptext("people.invite.expires"),
    )
    agency = commands.add_parser("agency", help=helptext("people.agency")).add_subparsers(
        dest="agency_command", required=True
    )
    agency.add_parser("list", help=helptext("people.agency.list"))
    rename = agency.add_parser("rename", help=helptext("people.agency.rename"))
    rename.add_argument("agency", help=helptext("people.rename.agency"))
    rename.add_argument("new_name")
    merge = agency.add_parser(
        "merge",
        help=helptext("people.agency.merge"),
    )
    merge.add_argument("source", help=helptext("people.merge.source"))
    merge.add_argument("target", help=helptext("people.merge.target"))
    for sub in (rename, merge):
        sub.add_argument(
            "--on",
            dest="effective",
            help=helptext("people.sub.on"),
        )
    secretariat = commands.add_parser(
        "secretariat", help=helptext("people.secretariat")
    ).add_subparsers(dest="secretariat_command", required=True)
    secretariat.add_parser("list", help=helptext("people.secretariat.list"))
    remove = secretariat.add_parser("remove", help=helptext("people.secretariat.remove"))
    remove.add_argument("person_id", type=int, help=helptext("people.remove.person_id"))
    return {"invite": run_invite, "agency": run_agency, "secretariat": run_secretariat}


def run_secretariat(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        with transaction(app.make_session) as session:
            members = secretariat_members(session)
            if args.secretariat_command == "list":
                for _membership, person in members:
                    print(f"{person.id:>6}  {person.full_name} ({person.position})")
                if not members:
                    print(say(settings, "secretariat.none"))
                return 0
            found = [(m, p) for m, p in members if p.id == args.person_id]
            if not found:
                print(say(settings, "secretariat.unknown", id=args.person_id), file=sys.stderr)
                return 1
            membership, person = found[0]
            # Their conversations check roles on their next step, so an open /invite menu or
            # export stops there (handlers/guards.py).
            end_membership(
                session, membership=membership, status=MemberStatus.revoked, clock=app.clock
            )
            audit.record(
                session,
                clock=app.clock,
                action="revoke",
                outcome="ok",
                channel="cli",
                detail={"membership_id": membership.id, "role": "secretariat"},
            )
            print(say(settings, "secretariat.removed", name=person.full_name))
            return 0
    finally:
        app.close()


def telegram_username(
    settings: Settings, transport: httpx.BaseTransport | None = None
) -> str | None:
    """Ask the Bot API for the bot's @username (for deep links); None when unknown."""
    if settings.telegram_token is None:
        return None
    url = f"{settings.telegram_api_url}/bot{settings.telegram_token.get_secret_value()}/getMe"
    try:
        with httpx.Client(timeout=10, transport=transport) as client:
            answer = client.get(url).json()
        return answer["result"]["username"] if answer.get("ok") else None
    except (httpx.HTTPError, ValueError, KeyError):
        log.warning("could not ask Telegram for the bot's username; printing the code only")
        return None


def run_invite(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        with transaction(app.make_session) as session:
            agency = None
            if args.role == MemberRole.focal:
                if not args.agency:
                    print(say(settings, "invite.agency_needed"), file=sys.stderr)
                    return 2
                agency = find_agency(session, args.agency)
                if agency is None or agency.is_group:
                    print(say(settings, "invite.unknown_agency", name=args.agency), file=sys.stderr)
                    return 1
                if agency.ended_on is not None:
                    ended = f"{agency.ended_on:%d/%m/%Y}"
                    print(
                        say(settings, "agency.ended", name=agency.name, day=ended), file=sys.stderr
                    )
                    return 1
            valid_for = args.expires or timedelta(days=settings.invite_days)
            new = create_invite(
                session,
                agency_id=agency.id if agency else None,
                role=args.role,
                valid_for=valid_for,
                clock=app.clock,
            )
            audit.record(
                session,
                clock=app.clock,
                action="invite:create",
                outcome="ok",
                channel="cli",
                detail={
                    "invite_id": new.invite.id,
                    "role": args.role,
                    "agency": agency.code if agency else None,
                },
            )
            expires = new.invite.expires_at.astimezone(settings.zone).strftime("%H:%M %d/%m/%Y")
        role = translate(f"role.name.{args.role}", settings.language)
        who = agency.name if agency else role
        print(say(settings, "invite.created", role=role, who=who, expires=expires))
        print(new.code)
        username = telegram_username(settings)
        if username:
            print(f"Telegram: https://t.me/{username}?start={new.code}")
        print(say(settings, "invite.other_channels", code=new.code))
        return 0
    finally:
        app.close()


def run_agency(settings: Settings, args: argparse.Namespace) -> int:
    app = App.build(settings)
    try:
        app.prepare()
        if args.agency_command == "list":
            return _list(app)
        today = app.clock.now().astimezone(settings.zone).date()
        effective = parse_day(args.effective) if args.effective else today
        if effective is None:
            print(say(settings, "agency.bad_date", value=args.effective), file=sys.stderr)
            return 2
        with transaction(app.make_session) as session:
            if args.agency_command == "rename":
                agency = find_agency(session, args.agency)
                if agency is None:
                    print(say(settings, "agency.unknown", name=args.agency), file=sys.stderr)
                    return 1
                holder = name_holder(session, args.new_name.strip(), other_than=agency)
                if holder is not None:
                    taken = say(
                        settings,
                        "agency.name_taken",
                        name=args.new_name.strip(),
                        code=holder.code,
                        holder=holder.name,
                    )
                    print(taken, file=sys.stderr)
                    return 1
                old = agency.name
                spec = ChangeSpec(
                    "baocao agency rename",
                    "rename",
                    effective,
                    [agency.code],
                    new_name=" ".join(args.new_name.split()),
                )
                if _apply(app, session, spec, today) is None:
                    return 1
                when = (
                    ""
                    if effective <= today
                    else say(settings, "agency.from", day=f"{effective:%d/%m/%Y}")
                )
                print(say(settings, "agency.renamed", old=old, new=spec.new_name, when=when))
                return 0
            source = find_agency(session, args.source, follow_merges=False)
            target = find_agency(session, args.target)
            for given, found in ((args.source, source), (args.target, target)):
                if found is None:
                    print(say(settings, "agency.unknown", name=given), file=sys.stderr)
                    return 1
            assert source is not None and target is not None
            if source.ended_on is not None:
                ended = f"{source.ended_on:%d/%m/%Y}"
                print(
                    say(settings, "agency.merged_before", name=source.name, day=ended),
                    file=sys.stderr,
                )
                return 1
            spec = ChangeSpec(
                "baocao agency merge", "merge", effective, [source.code], into=[target.code]
            )
            moved = _apply(app, session, spec, today)
            if moved is None:
                return 1
            print(
                say(settings, "agency.merged", source=source.name, target=target.name, moved=moved)
            )
            return 0
    finally:
        app.close()


def _apply(app: App, session: Session, spec: ChangeSpec, today: date) -> str | None:
    """Record one change and carry it out if due; what moved, in words (None: refused)."""
    try:
        applied = apply_changes(
            session, [spec], source="cli", clock=app.clock, zone=app.settings.zone, today=today
        )
    except PlanFileError as error:
        for problem in error.problems:
            reason = problem.render(app.settings.language)
            print(say(app.settings, "org.failed", reason=reason), file=sys.stderr)
        return None
    tell(session, applied.carried, clock=app.clock, language=app.settings.language)
    audit.record(
        session,
        clock=app.clock,
        action=f"agency:{spec.kind}",
        outcome="ok",
        channel="cli",
        detail={"agencies": spec.agencies, "effective": spec.effective_on.isoformat()},
    )
    language = app.settings.language
    if not applied.carried:
        return say(app.settings, "agency.takes_effect", day=f"{spec.effective_on:%d/%m/%Y}")
    lines = [line for _change, moves in applied.carried for line in moves_lines(moves, language)]
    return ". " + ("; ".join(lines) if lines else say(app.settings, "agency.nothing_moved")) + "."


def _list(app: App) -> int:
    pending = say(app.settings, "agency.pending")
    none = say(app.settings, "agency.no_focal")
    with app.make_session() as session:
        for agency in reporting_agencies(session):
            members = agency_members(
                session,
                agency_id=agency.id,
                statuses=(MemberStatus.active, MemberStatus.pending),
            )
            people = (
                "; ".join(
                    p.full_name + (pending if m.status == MemberStatus.pending else "")
                    for m, p in members
                )
                or none
            )
            print(f"{agency.code:<32} {agency.name}: {people}")
    return 0
