"""The container installs `requirements-runtime.lock`, the development machine
`requirements.lock` (the same plus the test and lint tools): both must pin the same versions,
or the image runs code the tests never ran."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    return {package.lower(): version for package, version in PIN.findall((ROOT / name).read_text())}


def test_the_runtime_lock_pins_what_the_development_lock_pins():
    runtime, development = pins("requirements-runtime.lock"), pins("requirements.lock")
    differing = {
        package: (version, development.get(package))
        for package, version in runtime.items()
        if development.get(package) != version
    }
    assert differing == {}


def test_the_runtime_lock_has_every_runtime_dependency_and_no_development_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]
    }
    tools = {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()
        for spec in project["optional-dependencies"]["dev"]
    }
    runtime = set(pins("requirements-runtime.lock"))
    normalise = lambda name: name.replace("_", "-")  # noqa: E731
    assert {normalise(n) for n in wanted} - {normalise(n) for n in runtime} == set()
    assert {normalise(n) for n in tools} & {normalise(n) for n in runtime} == set()


def test_the_image_installs_the_runtime_lock_with_hashes():
    instructions = "\n".join(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.startswith("#")
    )
    assert "pip install --require-hashes -r requirements-runtime.lock" in instructions
    assert "requirements.lock" not in instructions
