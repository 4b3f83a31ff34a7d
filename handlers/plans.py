"""Which plan a secretariat command is about, when the deployment runs several: the plan's
code among the words typed, else the only plan, else a choice (one option per plan, each
running the command again with its code). With one plan nothing is asked or shown."""

from __future__ import annotations

from handlers.context import Context
from handlers.events import Option, Reply
from storage.models import Plan
from storage.plans import list_plans

TITLE_CHARS = 50


def _shorten(text: str, limit: int = TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def named_plan(plans: list[Plan], args: str) -> tuple[Plan | None, str]:
    """The plan whose code begins the words (case does not matter), and the words left."""
    words = " ".join(args.split())
    for plan in sorted(plans, key=lambda p: -len(p.code)):  # the longest code first
        code = " ".join(plan.code.split()).casefold()
        head = words[: len(code)].casefold()
        if head == code and (len(words) == len(code) or words[len(code)] == " "):
            return plan, words[len(code) :].strip()
    return None, words


def pick_plan(ctx: Context, args: str, *, command: str) -> tuple[Plan, str] | Reply:
    """(the plan, the other words), or a Reply that asks which plan."""
    plans = list_plans(ctx.session)
    if not plans:
        return Reply(ctx.t("plans.none"))
    plan, rest = named_plan(plans, args)
    if plan is not None:
        return plan, rest
    if len(plans) == 1:
        return plans[0], rest
    options = tuple(
        Option(
            ctx.t("plans.option", code=p.code, title=_shorten(p.title)),
            f"/{command} {p.code} {rest}".strip(),
        )
        for p in plans
    )
    return Reply(ctx.t("plans.choose", count=len(plans), command=command), options)


def with_plan(ctx: Context, plan: Plan, words: str) -> str:
    """The words of a follow-up command (an option's value), naming the plan only when the
    deployment has several, so that one plan keeps the short form (`/missing 2026`)."""
    if len(list_plans(ctx.session)) > 1:
        return f"{plan.code} {words}".strip()
    return words
