"""Build the registry from every handler module."""

from __future__ import annotations

from handlers import basic
from handlers.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for module in (basic,):
        module.setup(registry)
    return registry
