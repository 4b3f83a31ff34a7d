"""/start, /help and /cancel."""

from __future__ import annotations

from handlers.context import Context, Role
from handlers.events import Reply
from handlers.registration import start_with_code
from handlers.registry import Registry
from storage.models import Agency
from storage.periods import open_periods
from storage.plans import plan_codes_in_order

EVERYONE = {Role.stranger, Role.focal, Role.secretariat}


def role_line(ctx: Context) -> str:
    actor = ctx.actor
    if actor.role == Role.secretariat:
        return ctx.t("role.secretariat")
    names = [a.name for i in actor.focal_agency_ids if (a := ctx.session.get(Agency, i))]
    return ctx.t("role.focal", agency=", ".join(names))


def start(ctx: Context, args: str) -> list[Reply]:
    if args.strip():  # an invite code, typed or from a Telegram deep link
        return start_with_code(ctx, args)
    actor = ctx.actor
    if actor.role == Role.stranger:
        codes = ", ".join(plan_codes_in_order(ctx.session))
        return [
            Reply(
                ctx.t(
                    "welcome.stranger",
                    plan=codes,
                    secretariat=ctx.secretariat_name(),
                )
            )
        ]
    name = actor.person.full_name if actor.person else ctx.event.user_name or actor.user_id
    return [Reply(ctx.t("welcome.back", name=name, role=role_line(ctx))), *help_(ctx, "")]


def help_(ctx: Context, args: str) -> list[Reply]:
    roles = ctx.actor.roles
    lines = [ctx.t("help.header")]
    for command in ctx.registry.commands_for(*roles):
        lines.append(f"/{command.name} - {ctx.t(command.description_key)}")
    lines.append("")
    if Role.stranger in roles:
        lines.append(ctx.t("help.stranger.footer", secretariat=ctx.secretariat_name()))
    else:
        for period in open_periods(ctx.session):
            lines.append(
                ctx.t("help.period", title=period.title, due=period.due_on.strftime("%d/%m/%Y"))
            )
        lines.append(ctx.t("help.options"))
    return [Reply("\n".join(lines).strip())]


def cancel(ctx: Context, args: str) -> list[Reply]:
    return [Reply(ctx.t("cancel.done" if ctx.end_flow() else "cancel.nothing"))]


def setup(registry: Registry) -> None:
    registry.command("start", start, roles=EVERYONE, description_key="cmd.start", order=0)
    registry.command("help", help_, roles=EVERYONE, description_key="cmd.help", order=1)
    registry.command("cancel", cancel, roles=EVERYONE, description_key="cmd.cancel", order=90)
