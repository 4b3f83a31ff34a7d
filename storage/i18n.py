"""The one catalogue of user-facing text: gettext `.po` files per language, read with Babel.

Message ids are stable keys ("report.saved"), not English sentences, so a Vietnamese wording can
change without touching code. Templates use `str.format` placeholders (`{agency}`);
`tests/test_catalogue.py` checks that every id exists in every language with the same
placeholders. Vietnamese is the first language; English is complete, not a fallback: a key
missing from a language is a bug and raises `KeyError` instead of showing the raw id.

The catalogue sits at the bottom layer (storage) because the exports and the chart speak too;
it imports nothing from the project.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DOMAIN = "baocao"
LOCALE = Path(__file__).resolve().parent / "locale"


class _Missing(gettext.NullTranslations):
    """The end of the fallback chain: an unknown id is an error, never shown to a user."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> gettext.GNUTranslations:
    # Compiled in memory on first use: no build step, no .mo file to forget to regenerate.
    compiled = BytesIO()
    write_mo(compiled, read_catalog(language))
    compiled.seek(0)
    loaded = gettext.GNUTranslations(compiled)
    loaded.add_fallback(_Missing())
    return loaded


def translate(key: str, language: str, /, **values: object) -> str:
    template = translations(_known(language)).gettext(key)
    return template.format(**values) if values else template


def translate_plural(key: str, count: int, language: str, /, **values: object) -> str:
    """The form of `key` for `count` ("1 agency", "2 agencies"); `{count}` is filled in."""
    template = translations(_known(language)).ngettext(key, key, count)
    return template.format(count=count, **values)


@dataclass(frozen=True)
class Text:
    """A message to be worded later, in the reader's language: what storage reports to an
    operator (a plan file's problems) is made before anyone knows who will read it.
    A value may itself be a `Text`; it is worded in the same language."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str = "vi") -> str:
        values = {
            name: value.render(language) if isinstance(value, Text) else value
            for name, value in self.values.items()
        }
        return translate(self.key, language, **values)

    def __str__(self) -> str:
        return self.render()


def bilingual(key: str, /, **values: object) -> str:
    """Both languages, Vietnamese first: for what is said before the operator's language is
    known (a setting that does not load, BAOCAO_LANGUAGE among them)."""
    return " / ".join(translate(key, language, **values) for language in LANGUAGES)


def text(key: str, /, **values: object) -> Text:
    return Text(key, values)


def placeholders(template: str) -> frozenset[str]:
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    )


def message_ids(language: str) -> Iterator[str]:
    yield from (
        message.id if isinstance(message.id, str) else message.id[0]
        for message in read_catalog(language)
        if message.id
    )


def _known(language: str) -> str:
    return language if language in LANGUAGES else LANGUAGES[0]
