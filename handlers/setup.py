"""Build the registry from every handler module."""

from __future__ import annotations

from handlers import (
    basic,
    invites,
    linking,
    membership,
    report_flow,
    requests,
    review,
    scope,
    secretariat,
)
from handlers.registration import RegistrationFlow
from handlers.registry import Registry


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
    )
    for module in modules:
        module.setup(registry)
    registry.flow(RegistrationFlow())
    return registry
