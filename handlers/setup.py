"""Build the registry from every handler module."""

from __future__ import annotations

from handlers import basic, invites, linking, membership, report_flow, review, secretariat
from handlers.registration import RegistrationFlow
from handlers.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for module in (basic, invites, membership, report_flow, review, linking, secretariat):
        module.setup(registry)
    registry.flow(RegistrationFlow())
    return registry
