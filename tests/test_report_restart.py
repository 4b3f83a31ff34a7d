"""A real restart: the bot process is killed mid-report and started again (issue 5)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.people import register
from tests.plan_files import small_plan_with_form, write_yaml

pytestmark = pytest.mark.processes


class BotProcess:
    """`baocao chat` as a real process, with lines sent to it and its output collected."""

    def __init__(self, env: dict[str, str], cwd: str, user: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--user", user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=cwd,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Output up to the first appearance of `text` (a bounded wait, not a sleep)."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; output so far:\n{self.seen}")
            try:
                self.seen += self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
        found, _, self.seen = self.seen.partition(text)
        return found + text

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self._release()

    def close(self) -> None:
        self._release()

    def _release(self) -> None:
        """End of input (or the kill) ends the process; then release its pipes."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        self.process.stdout.close()


@pytest.fixture
def bot_env(make_app, tmp_path, db_url):
    app = make_app(plan_file=str(write_yaml(tmp_path / "small.yaml", small_plan_with_form())))
    register(app, "u1", "so-a", name="Nguyễn Thị Lan")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    env.update(BAOCAO_DATABASE_URL=db_url, PYTHONUNBUFFERED="1")
    return env


def test_killed_mid_report_resumes_at_the_same_question(bot_env, tmp_path):
    first = BotProcess(bot_env, str(tmp_path), "u1")
    try:
        first.send("/report")
        first.wait_for("Tình hình thực hiện?")
        first.send("2")
        first.wait_for("bao nhiêu phần trăm")
        first.send("70")
        first.wait_for("Kết quả đạt được")
        first.send("Kết quả trước khi tắt máy")
        first.wait_for("[2/4] Nhiệm vụ 2")
    finally:
        first.kill()
    assert first.process.returncode == -signal.SIGKILL

    second = BotProcess(bot_env, str(tmp_path), "u1")
    try:
        second.send("/report")
        resumed = second.wait_for("Tình hình thực hiện?")
        assert "Tiếp tục bản nháp" in resumed and "Nhiệm vụ 2" in resumed
        second.send("/back")
        assert "Đang ghi: Kết quả trước khi tắt máy" in second.wait_for("(/skip: giữ nguyên)")
        second.send("/back")
        assert "Đang ghi: 70%" in second.wait_for("(/skip: giữ nguyên)")
    finally:
        second.close()
