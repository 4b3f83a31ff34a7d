"""Build the registry from every handler module."""

from __future__ import annotations

from handlers import (
    basic,
    invites,
    linking,
    membership,
    menus,
    report_flow,
    requests,
    review,
    scope,
    secretariat,
    web_signin,
)
from handlers.context import Context, Role
from handlers.registration import RegistrationFlow
from handlers.registry import Registry
from storage.models import ConversationState, ReportDraft


def report_agency(ctx: Context, state: ConversationState) -> int | None:
    """The agency a report conversation acts for: from its draft, or the agency it picked."""
    draft_id = state.data.get("draft_id")
    if draft_id is not None:
        draft = ctx.session.get(ReportDraft, draft_id)
        return draft.agency_id if draft is not None else None
    agency_id = state.data.get("agency_id")
    return int(agency_id) if isinstance(agency_id, int) else None


def build_registry() -> Registry:
    registry = Registry()
    modules = (
        basic,
        invites,
        membership,
        report_flow,
        review,
        linking,
        secretariat,
        requests,
        scope,
        web_signin,
        menus,
    )
    for module in modules:
        module.setup(registry)
    registry.flow(RegistrationFlow())
    # Only an active focal point of the agency may go on with its report (invariant 6).
    registry.guard(report_flow.FLOW, roles={Role.focal}, agency=report_agency)
    return registry
