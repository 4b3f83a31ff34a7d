"""Typing help for queries that SQLModel's own annotations cannot describe."""

from __future__ import annotations

from typing import Any

from sqlmodel.sql.expression import Select


def select_columns(*columns: Any) -> Select[*tuple[Any, ...]]:
    """A SELECT of five or more columns. `sqlmodel.select` is typed for up to four and builds
    exactly this statement beyond that; its rows are then tuples of `Any`."""
    return Select(*columns)
