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
