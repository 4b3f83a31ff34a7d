"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from dotenv import dotenv_values

from bot.settings import Settings
from storage.i18n import LANGUAGES, Language, translate, translate_plural
from storage.plan_document import PlanFileError

Handler = Callable[[Settings, argparse.Namespace], int]


def operator_language(
    environ: Mapping[str, str] = os.environ, env_file: Path = Path(".env")
) -> str:
    """BAOCAO_LANGUAGE as the environment or .env gives it, read before the settings load (the
    help must show even when another setting is wrong); Vietnamese when unset or unknown."""
    value = environ.get("BAOCAO_LANGUAGE")
    if value is None and env_file.is_file():
        value = dotenv_values(env_file, encoding="utf-8").get("BAOCAO_LANGUAGE")
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else LANGUAGES[0]


def helptext(key: str) -> str:
    """A command's or an option's `--help` line (catalogue key "cli.help.<key>")."""
    return translate(f"cli.help.{key}", operator_language())


Subparsers = "argparse._SubParsersAction[argparse.ArgumentParser]"


def say(settings: Settings, key: str, /, **values: object) -> str:
    """A line of the command line's output, in BAOCAO_LANGUAGE (catalogue key "cli.<key>")."""
    return translate(f"cli.{key}", settings.language, **values)


def print_problems(error: PlanFileError, language: Language) -> int:
    for problem in error.problems:
        print(problem.render(language), file=sys.stderr)
    print(translate_plural("cli.nothing_written", len(error.problems), language), file=sys.stderr)
    return 1
