"""Which period a console page shows: the one named in `?period=KEY`, else the current one (as
the chat's commands choose it). An unknown key is a 404."""

from __future__ import annotations

import re

from tornado.web import HTTPError

from bot.webconsole.base import WebContext
from storage.models import Plan, ReportingPeriod
from storage.plans import get_plan
from storage.requests import find_period, list_periods
from storage.summary import current_period

PERIOD_KEY = re.compile(r"[a-z0-9\-]{1,32}")


def the_plan(ctx: WebContext) -> Plan:
    plan = get_plan(ctx.session)
    if plan is None:
        raise HTTPError(404)
    return plan


def chosen_period(ctx: WebContext, key: str | None) -> ReportingPeriod | None:
    """The period asked for; the current one when none is asked; None when there is none."""
    plan = the_plan(ctx)
    if key:
        period = find_period(ctx.session, plan=plan, key=key) if PERIOD_KEY.fullmatch(key) else None
        if period is None:
            raise HTTPError(404)
        return period
    return current_period(ctx.session, plan=plan) or next(
        iter(reversed(list_periods(ctx.session, plan=plan))), None
    )


def all_periods(ctx: WebContext) -> list[ReportingPeriod]:
    return list_periods(ctx.session, plan=the_plan(ctx))
