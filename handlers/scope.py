"""`/scope`: the secretariat decides which agencies report on which task, in chat."""

from __future__ import annotations

from handlers.context import Context, Role
from handlers.events import Reply
from handlers.plans import pick_plan
from handlers.registry import Registry
from storage.agencies import find_agency
from storage.models import Agency
from storage.plans import find_task
from storage.scope import Level, parse_level, scope_rows, set_obliged, set_scope

OBLIGE_WORDS = {"nhắc", "nhac", "oblige"}
YES = {"có", "co", "yes"}
NO = {"không", "khong", "no"}


def _agency(ctx: Context, text: str) -> Agency | Reply:
    agency = find_agency(ctx.session, text)
    if agency is None or agency.is_group:
        return Reply(ctx.t("scope.no_agency", name=text[:80]))
    if agency.ended_on is not None:
        return Reply(ctx.t("agency.ended", name=agency.name, date=f"{agency.ended_on:%d/%m/%Y}"))
    return agency


def scope(ctx: Context, args: str) -> list[Reply]:
    if not args.strip():
        return [Reply(ctx.t("scope.usage"))]
    picked = pick_plan(ctx, args, command="scope")
    if isinstance(picked, Reply):
        return [picked]
    plan, rest = picked
    words = rest.split()
    if not words or plan.id is None:
        return [Reply(ctx.t("scope.usage"))]
    if words[0].lower() in OBLIGE_WORDS and len(words) >= 3:
        answer = words[-1].lower()
        agency = _agency(ctx, " ".join(words[1:-1]))
        if isinstance(agency, Reply) or answer not in YES | NO:
            return [agency if isinstance(agency, Reply) else Reply(ctx.t("scope.usage"))]
        obliged = answer in YES
        set_obliged(
            ctx.session, plan_id=plan.id, agency=agency, obliged=obliged, clock=ctx.clock
        )
        ctx.audit("scope:oblige", "ok", plan=plan.code, agency=agency.code, obliged=obliged)
        key = "scope.obliged" if obliged else "scope.not_obliged"
        return [Reply(ctx.t(key, name=agency.name))]
    if not words[0].isdigit():
        return [Reply(ctx.t("scope.usage"))]
    number = int(words[0])
    task = find_task(ctx.session, plan=plan, number=number)
    if task is None:
        return [Reply(ctx.t("scope.no_task", number=number))]
    if len(words) == 1:
        rows = scope_rows(ctx.session, plan_id=plan.id, task_number=number)
        lines = [ctx.t("scope.header", number=number, count=len(rows))]
        lines += [
            ctx.t(
                "scope.line",
                name=row.agency_name,
                code=row.agency_code,
                role=ctx.t(f"report.role.{row.role}"),
                level=ctx.t(f"scope.level.{row.level}"),
                mark=ctx.t("scope.mark") if row.overridden else "",
            )
            for row in rows
        ]
        return [Reply("\n".join(lines))]
    # The level is the last word, or the last two ("bắt buộc", "tùy chọn", "mặc định").
    for size in (2, 1):
        level = parse_level(" ".join(words[-size:]))
        if level is None or isinstance(level, Level):
            agency_text = " ".join(words[1:-size])
            break
    else:
        return [Reply(ctx.t("scope.bad_level", word=words[-1]))]
    agency = _agency(ctx, agency_text)
    if isinstance(agency, Reply):
        return [agency]
    set_scope(ctx.session, task=task, agency=agency, level=level, clock=ctx.clock)
    ctx.audit("scope:set", "ok", task=number, agency=agency.code, level=str(level))
    shown = ctx.t(f"scope.level.{level}" if level is not None else "scope.level.default")
    return [Reply(ctx.t("scope.changed", number=number, name=agency.name, level=shown))]


def setup(registry: Registry) -> None:
    registry.command(
        "scope", scope, roles={Role.secretariat}, description_key="cmd.scope", order=56
    )
