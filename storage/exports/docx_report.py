"""The secretariat's draft report to the Provincial People's Committee, as a DOCX file rendered
from a Word template (docxtpl: Jinja tags inside Word). The bundled template follows Decree
30/2020/NĐ-CP (`report_template_build`); a deployment may give its own
(BAOCAO_REPORT_TEMPLATE), checked at start by `check_template`. What the report says comes from
`report_context`; this module only loads, checks and fills the template.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import IO

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError

from storage.exports.questions import FormView
from storage.exports.report_context import ReportOptions, abbreviation, report_context
from storage.exports.report_template_build import TEMPLATE as BUNDLED
from storage.i18n import bilingual
from storage.summary import PeriodFacts

__all__ = ["BUNDLED", "TemplateError", "abbreviation", "check_template", "docx_bytes", "write_docx"]

# Placeholders a template must use: without them it is not a report of this bot (a letter,
# another form, an older copy).
REQUIRED = ("title", "sections", "tasks", "signer", "annex")
# Every name the context gives; a template may leave any of the others out.
KNOWN = frozenset(
    {
        "superior", "agency", "agency_name", "symbol", "place_date", "title", "period",
        "recipient", "opening", "sections", "general", "funding", "tasks", "duties", "other",
        "difficulties", "direction", "proposals", "closing", "recipients", "unit", "signer",
        "standing", "annex", "document_title",
    }
)  # fmt: skip


class TemplateError(ValueError):
    """A template that cannot make the report; the message is one line."""


def _environment() -> Environment:
    # Answers are typed by users: escaped, so "<", "&" stay text in the document's XML.
    return Environment(autoescape=True)


def check_template(path: Path) -> None:
    """Raise TemplateError, naming the first problem, unless `path` is a Word file whose
    placeholders are the report's."""
    if not path.is_file():
        raise TemplateError(bilingual("template.missing_file", path=path))
    if not zipfile.is_zipfile(path):
        raise TemplateError(bilingual("template.not_docx", name=path.name))
    try:
        used = DocxTemplate(str(path)).get_undeclared_template_variables(_environment())
    except TemplateSyntaxError as exc:
        raise TemplateError(bilingual("template.syntax", error=exc.message)) from None
    except Exception as exc:  # a zip that is not a Word document
        raise TemplateError(bilingual("template.unreadable", name=path.name, error=exc)) from None
    for name in REQUIRED:
        if name not in used:
            raise TemplateError(bilingual("template.missing_placeholder", name=name))
    unknown = sorted(used - KNOWN)
    if unknown:
        raise TemplateError(bilingual("template.unknown_placeholder", name=unknown[0]))


@lru_cache(maxsize=4)
def _template_bytes(path: Path, mtime: float) -> bytes:
    return path.read_bytes()


def write_docx(
    facts: PeriodFacts,
    view: FormView,
    stream: IO[bytes],
    *,
    options: ReportOptions | None = None,
    template: Path | None = None,
) -> None:
    """The report of one period; `facts` loaded with their text (`with_text=True`), `view` the
    period's questions (`storage.exports.questions.load_view`)."""
    path = template or BUNDLED
    document = DocxTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime)))
    document.render(report_context(facts, view, options), _environment(), autoescape=True)
    document.save(stream)


def docx_bytes(
    facts: PeriodFacts,
    view: FormView,
    *,
    options: ReportOptions | None = None,
    template: Path | None = None,
) -> bytes:
    buffer = io.BytesIO()
    write_docx(facts, view, buffer, options=options, template=template)
    return buffer.getvalue()
