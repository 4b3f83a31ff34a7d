"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bot.settings import Settings
from storage.i18n import Language, translate, translate_plural
from storage.plan_document import PlanFileError

Handler = Callable[[Settings, argparse.Namespace], int]
Subparsers = "argparse._SubParsersAction[argparse.ArgumentParser]"


def say(settings: Settings, key: str, /, **values: object) -> str:
    """A line of the command line's output, in BAOCAO_LANGUAGE (catalogue key "cli.<key>")."""
    return translate(f"cli.{key}", settings.language, **values)


def print_problems(error: PlanFileError, language: Language) -> int:
    for problem in error.problems:
        print(problem.render(language), file=sys.stderr)
    print(translate_plural("cli.nothing_written", len(error.problems), language), file=sys.stderr)
    return 1
