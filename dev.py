#!/usr/bin/env python3
"""One entry point for a fresh machine that has only Python 3.11+.

    python3 dev.py run        # the bot on its embedded default (SQLite, console chat, Plan 452)
    python3 dev.py test       # the whole test suite (PostgreSQL too, where one is reachable)
    python3 dev.py lint       # ruff, then the layer contracts (lint-imports), then mypy
    python3 dev.py ARGS...    # any other `baocao` command, e.g. `python3 dev.py plan show`

It creates `.venv` beside this file and installs the pinned, hash-checked dependencies from
`requirements.lock` (again only when the lock file changes), then runs the command inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("BAOCAO_VENV", ROOT / ".venv"))
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".baocao-lock-sha256"


def bin_path(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this file runs before anything is installed)
        version = sys.version.split()[0]
        sys.exit(f"baocao cần Python 3.11 trở lên / needs Python 3.11+ (this is {version})")
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest and bin_path("baocao").exists():
        return
    if not bin_path("python").exists():
        print(f"Tạo môi trường ảo / creating virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = str(bin_path("python"))
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    print("Cài thư viện từ requirements.lock / installing locked dependencies ...", flush=True)
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "--editable", str(ROOT)], check=True)
    STAMP.write_text(digest)


def lint(extra: list[str]) -> int:
    """ruff (extra arguments go to it, e.g. --fix), then the import contracts, then mypy, each
    configured in pyproject.toml; every one runs, and the first failure's code is returned."""
    steps = [
        [str(bin_path("ruff")), "check", str(ROOT), *extra],
        [str(bin_path("lint-imports"))],
        [str(bin_path("mypy"))],
    ]
    codes = []
    for step in steps:
        print(f"$ {Path(step[0]).name} {' '.join(step[1:])}".rstrip(), flush=True)
        codes.append(subprocess.call(step, cwd=ROOT))
    return next((code for code in codes if code), 0)


def main(argv: list[str]) -> int:
    ensure_environment()
    command = argv or ["run"]
    if command[0] == "lint":
        return lint(command[1:])
    if command[0] == "test":
        args = [str(bin_path("python")), "-m", "pytest", *command[1:]]
    else:
        args = [str(bin_path("baocao")), *command]
    # Tests run from the project root; the bot runs where the user is (./data there).
    cwd = ROOT if command[0] == "test" else None
    return subprocess.call(args, cwd=cwd)


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
