"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bot.settings import Settings
from storage.plan_document import PlanFileError

Handler = Callable[[Settings, argparse.Namespace], int]
Subparsers = "argparse._SubParsersAction[argparse.ArgumentParser]"


def print_problems(error: PlanFileError) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(
        f"Không ghi gì vào cơ sở dữ liệu ({len(error.problems)} lỗi). Nothing was written.",
        file=sys.stderr,
    )
    return 1
