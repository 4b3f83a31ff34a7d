"""A bot running in a child process, for the crash tests (a real SIGKILL, a real restart).

The child runs `python -c "from MODULE import worker; worker()" ARGS…`; it prints "ready" once
its channel has started. Its log goes to a file (a full pipe nobody reads would block it) and
is printed when the test fails. Use the `no_child_left_behind` fixture (import it into the test
module) so that a failed test does not leave its bot running into the next one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

RUNNING: list[BotProcess] = []


def serve_until_stopped(app: Any, make_channel: Callable[[], Any]) -> None:
    """In the child: start the channel (it hands over what the last stop left first), print
    "ready", run until SIGTERM, stop it cleanly, close the app."""

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        channel = make_channel()
        await channel.start()
        print("ready", flush=True)
        await stop.wait()
        await channel.stop()

    try:
        asyncio.run(serve())
    finally:
        app.close()


class BotProcess:
    def __init__(self, module: str, *args: str) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the fixture)
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from {module} import worker; worker()", *args],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,  # a worker may wait on it (held in the middle of work)
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        RUNNING.append(self)

    def wait_for(self, word: str) -> None:
        """Until the child prints `word` on a line of its own (bounded: it prints or dies)."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                self.kill()
                pytest.fail(f"the bot ended before {word!r}:\n{self.errors()}")
            if line.strip() == word.encode():
                return

    def wait_ready(self) -> None:
        self.wait_for("ready")

    def finish(self, *, terminate: bool = True) -> int:
        """Stop it (SIGTERM: a clean stop) or let it end; its exit code."""
        if terminate and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=60)
        if self.process.returncode not in (0, -signal.SIGKILL):
            pytest.fail(self.errors())
        return self.process.returncode

    def kill(self) -> int:
        """kill -9."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=60)
        return self.process.returncode

    def errors(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


@pytest.fixture(autouse=True)
def no_child_left_behind() -> Iterator[None]:
    yield
    while RUNNING:
        child = RUNNING.pop()
        child.kill()
        print(f"--- bot process log ---\n{child.errors()}")  # shown when the test failed
        child.log.close()
