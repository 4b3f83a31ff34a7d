"""Crash safety with real processes: a scheduler killed (SIGKILL) after writing the outbox sends
each reminder exactly once after restart; one killed between a channel's send and the marking
follows the held policy (never resent, the secretariat told); two scheduler processes on one
database never send a reminder twice.

Each child process runs `worker()` below on the test database with a frozen clock, and "sends"
by appending a line to a shared log file, which survives the kill.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from subprocess import Popen

import pytest

from handlers.events import Reply
from storage.models import OutboxStatus
from tests.test_reminders_support import at, focal, outbox, service

# Storage-level: runs on PostgreSQL as well as SQLite.
pytestmark = [pytest.mark.both_databases, pytest.mark.processes]

REPO = Path(__file__).resolve().parents[1]
RECIPIENTS = [f"10{i:02d}" for i in range(8)]
AGENCIES = ["so-yte", "so-tnmt", "so-congthuong", "so-noivu", "so-khdt", "so-taichinh"]


# --- the child process -----------------------------------------------------------------------


class LogChannel:
    """'Sends' by appending one line per message; can kill its process right after a send."""

    name = "telegram"

    def __init__(self, path: Path, *, die_after: int = 0) -> None:
        self.path = path
        self.die_after = die_after
        self.count = 0

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        line = f"{os.getpid()}\t{chat_id}\t{reply.text.splitlines()[0]}\n".encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.count += 1
        if self.count == self.die_after:  # sent, not yet marked: the window
            os.kill(os.getpid(), signal.SIGKILL)


def worker() -> None:
    """python -c 'from tests.test_outbox_crash import worker; worker()' MODE URL INSTANTS LOG

    INSTANTS is one ISO instant, or several separated by commas: a "tick" process then plans
    and delivers at each in turn, as one running scheduler would (a process start costs
    seconds on the shared machine, so a restart is one process, not one per tick)."""
    from bot.app import App, admin_chats, policy_from_settings
    from bot.settings import load_settings
    from scheduler.service import SchedulerService
    from storage.clock import FrozenClock

    mode, url, instants, log = sys.argv[1:5]
    moments = [datetime.fromisoformat(instant) for instant in instants.split(",")]
    clock = FrozenClock(moments[0])
    app = App.build(load_settings(database_url=url, admins="telegram:9000"), clock=clock)
    channel = LogChannel(Path(log), die_after=2 if mode == "die-mid-send" else 0)
    svc = SchedulerService(
        make_session=app.make_session,
        clock=clock,
        zone=app.settings.zone,
        channels=[channel],
        policy=policy_from_settings(app.settings),
        admins=admin_chats(app.settings),
    )
    if mode == "plan-then-die":
        asyncio.run(svc.plan())
        os.kill(os.getpid(), signal.SIGKILL)
    elif mode == "die-mid-send":
        assert svc.dispatcher is not None
        svc.dispatcher.concurrency = 1  # one send in flight: the kill hits exactly one row
        asyncio.run(svc.deliver())
    elif mode == "tick":
        for moment in moments:
            clock.set(moment)
            asyncio.run(svc.plan())
            asyncio.run(svc.deliver())
    elif mode == "race":
        go = Path(log + ".go")
        while not go.exists():  # start together with the other process
            time.sleep(0.01)
        for _ in range(3):
            asyncio.run(svc.plan())
            asyncio.run(svc.deliver())
    app.close()


# --- the parent ------------------------------------------------------------------------------


def spawn(mode: str, url: str, instant: datetime | list[datetime], log: Path) -> Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from tests.test_outbox_crash import worker; worker()",
            mode,
            url,
            ",".join(i.isoformat() for i in (instant if isinstance(instant, list) else [instant])),
            str(log),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run(mode: str, url: str, instant: datetime | list[datetime], log: Path) -> int:
    process = spawn(mode, url, instant, log)
    _, err = process.communicate(timeout=120)
    if process.returncode not in (0, -signal.SIGKILL):
        pytest.fail(err.decode())
    return process.returncode


def sends(log: Path) -> Counter[str]:
    if not log.exists():
        return Counter()
    return Counter(line.split("\t")[1] for line in log.read_text().splitlines())


@pytest.fixture
def people(make_app, clock):
    app = make_app(admins="telegram:9000")
    for i, chat in enumerate(RECIPIENTS):
        focal(app, f"Đầu mối {i}", AGENCIES[i % len(AGENCIES)], chat)
    clock.set(at("2026-11-09 08:00"))
    return app


def reminder_rows(app):
    return [r for r in outbox(app) if r.kind == "reminder"]


def test_killed_after_writing_the_outbox_each_reminder_goes_out_once(people, tmp_path) -> None:
    url, log = people.settings.database_url, tmp_path / "sent.log"
    start = at("2026-11-09 08:00")
    assert run("plan-then-die", url, start, log) == -signal.SIGKILL
    rows = reminder_rows(people)
    assert len(rows) == len(RECIPIENTS) and {r.status for r in rows} == {OutboxStatus.pending}
    assert sends(log) == Counter()  # killed before sending anything

    # The restart, and another tick of the restarted scheduler.
    assert run("tick", url, [start + timedelta(minutes=3), start + timedelta(minutes=4)], log) == 0
    assert sends(log) == Counter({chat: 1 for chat in [*RECIPIENTS, "9000"]})
    assert {r.status for r in outbox(people)} == {OutboxStatus.sent}


def test_killed_between_send_and_mark_the_message_is_held_not_resent(people, tmp_path) -> None:
    url, log = people.settings.database_url, tmp_path / "sent.log"
    start = at("2026-11-09 08:00")
    asyncio.run(service(people).plan())
    assert run("die-mid-send", url, start, log) == -signal.SIGKILL
    assert sum(sends(log).values()) == 2  # the second went out; its row was never marked
    statuses = Counter(r.status for r in outbox(people))
    assert statuses[OutboxStatus.sent] == 1 and statuses[OutboxStatus.sending] == 1
    [orphan] = [r for r in outbox(people) if r.status == OutboxStatus.sending]

    # Restarted at once: the orphan may still belong to a live sender, so it is left alone.
    # Minutes later it is held: shown to the operator and the secretariat, never resent.
    # (One restarted process ticks at each moment; its log only grows, so the orphan sent
    # once at the end was not resent at the first tick either.)
    moments = [start + timedelta(seconds=30), *(start + timedelta(minutes=m) for m in (10, 11))]
    assert run("tick", url, moments, log) == 0
    counts = sends(log)
    assert counts[orphan.chat_id] == 1
    assert all(counts[chat] == 1 for chat in RECIPIENTS), counts
    rows = {r.id: r for r in outbox(people)}
    assert rows[orphan.id].status == OutboxStatus.held
    notices = [r for r in rows.values() if r.kind == "held_notice"]
    assert [(n.chat_id, n.status) for n in notices] == [("9000", OutboxStatus.sent)]
    assert f"#{orphan.id}" in notices[0].text
    assert counts["9000"] == 2  # the day's digest and the held notice


def test_two_scheduler_processes_never_send_a_reminder_twice(people, tmp_path) -> None:
    url, log = people.settings.database_url, tmp_path / "sent.log"
    start = at("2026-11-09 08:00")
    processes = [spawn("race", url, start, log) for _ in range(2)]
    Path(str(log) + ".go").touch()
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert sends(log) == Counter({chat: 1 for chat in [*RECIPIENTS, "9000"]})
    assert {r.status for r in outbox(people)} == {OutboxStatus.sent}
