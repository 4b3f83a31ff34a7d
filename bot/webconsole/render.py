"""The console's HTML: Jinja2 templates shipped in the package, every value escaped unless a
template says otherwise (none does with user text), compiled once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
HTMX_VERSION = "2.0.11"  # static/htmx.min.js, vendored from the npm package htmx.org


class Templates:
    def __init__(self, folder: Path = TEMPLATES) -> None:
        self.environment = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(("html",), default=True),
            undefined=StrictUndefined,  # a missing value is a bug, not an empty cell
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.environment.globals["htmx_version"] = HTMX_VERSION

    def render(self, template: str, /, **values: Any) -> str:
        return self.environment.get_template(template).render(**values)
