"""argparse's own words (usage, options, its error lines) in the operator's language.

argparse looks its words up through gettext's default domain, which has no Vietnamese; it
calls the module's `_` for each, so the command line gives it one that reads them from our
catalogue (`argparse.*`). A word not listed stays as argparse says it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from storage.i18n import translate

KEYS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "one of the arguments %s is required": "argparse.one_required",
    "not allowed with argument %s": "argparse.not_allowed",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "expected one argument": "argparse.expected_one",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
}


def words_in(language: str) -> Callable[[str], str]:
    def word(message: str) -> str:
        key = KEYS.get(message)
        return translate(key, language) if key is not None else message

    return word


def speak(language: str) -> None:
    """From now on argparse says its words in `language` (this process is the command line)."""
    argparse._ = words_in(language)  # type: ignore[attr-defined]  # argparse keeps `_` private
