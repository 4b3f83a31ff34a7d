"""The rooms of DESIGN.md import one way: bot -> handlers -> scheduler -> storage. Checked on the
source (every import statement, inside functions too), so a shortcut that would make a cycle
fails here instead of in review (issue 15, item 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each package, and the packages it must never import.
FORBIDDEN = {
    "storage": {"handlers", "scheduler", "bot"},
    "scheduler": {"handlers", "bot"},
    "handlers": {"bot"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_the_rooms_beneath_it(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name, line in imported_packages(path)
        if name in FORBIDDEN[package]
    ]
    assert wrong == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from handlers.events import Reply\n", encoding="utf-8")
    assert ("handlers", 2) in imported_packages(module)


# --- all SQL in storage/ (issue 15, item 2) ---------------------------------------------------

# What the rooms above storage may take from the database libraries: the names of a session and
# an engine to pass along, a URL parser, and the errors to catch. Anything else (select, col,
# func, text, update, delete, event, ...) builds or hooks a query.
DATABASE_LIBRARIES = ("sqlalchemy", "sqlmodel")
HARMLESS_NAMES = {"Session", "Engine", "make_url"}
HARMLESS_MODULES = {"sqlalchemy.exc"}
# Methods that run a statement or hook the ORM, whatever object they are called on.
QUERY_METHODS = {"exec", "execute", "scalar", "scalars", "query", "listen", "listens_for"}


def queries_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in DATABASE_LIBRARIES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in DATABASE_LIBRARIES:
                continue
            if node.module in HARMLESS_MODULES:
                continue
            found += [
                f"{node.lineno}: from {node.module} import {alias.name}"
                for alias in node.names
                if alias.name not in HARMLESS_NAMES
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(...)")
    return found


def test_sql_is_only_in_storage():
    wrong = [
        f"{path.relative_to(ROOT).as_posix()}:{place}"
        for package in ("bot", "handlers", "scheduler")
        for path in sorted((ROOT / package).rglob("*.py"))
        for place in queries_in(path)
    ]
    assert wrong == []


def test_the_sql_check_sees_a_query_and_lets_a_session_pass(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from sqlmodel import Session, col, select\n"
        "from sqlalchemy.exc import OperationalError\n"
        "def f(session: Session):\n"
        "    return session.exec(select(Agency).where(col(Agency.id) > 1)).all()\n",
        encoding="utf-8",
    )
    assert queries_in(module) == [
        "1: from sqlmodel import col",
        "1: from sqlmodel import select",
        "4: .exec(...)",
    ]
