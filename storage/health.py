"""Heartbeats and the health verdict shared by `/healthz` and `baocao status`.

The running bot writes when its scheduler last ticked and when each channel last polled (or
received a webhook); another process reads the same rows, so a monitor needs no access to the
bot's memory. Webhook channels are reported but not judged: a quiet day sends no updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from storage.db import SessionFactory, error_reason, transaction
from storage.i18n import translate
from storage.models import Heartbeat

SCHEDULER = "scheduler"
CHANNEL_PREFIX = "channel:"
POLL_MAX_AGE = timedelta(minutes=5)  # a long poll answers within a minute when all is well


def beat(session: Session, *, name: str, at: datetime, mode: str = "") -> None:
    row = session.exec(select(Heartbeat).where(Heartbeat.name == name)).first()
    if row is None:
        row = Heartbeat(name=name, mode=mode, at=at)
    else:
        # Never move a beat backwards: two processes may report the same channel.
        row.at = max(row.at, at)
        row.mode = mode or row.mode
    session.add(row)


@dataclass
class Health:
    database: bool
    now: datetime
    scheduler_age: float | None = None  # seconds; None = never ticked
    channels: dict[str, tuple[str, float]] = field(default_factory=dict)  # name: (mode, age s)
    problems: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "time": self.now.isoformat(timespec="seconds"),
            "database": {"reachable": self.database, "error": self.error or None},
            "scheduler": {"last_tick_age_seconds": _round(self.scheduler_age)},
            "channels": {
                name: {"mode": mode, "last_seen_age_seconds": _round(age)}
                for name, (mode, age) in sorted(self.channels.items())
            },
            "problems": self.problems,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def check(make_session: SessionFactory, *, now: datetime, tick_seconds: float) -> Health:
    """Read the heartbeats; a database that cannot be reached is itself the verdict."""
    try:
        with transaction(make_session) as session:
            session.execute(text("SELECT 1"))
            rows = list(session.exec(select(Heartbeat)).all())
    except Exception as error:  # any failure to read means "not reachable" for a monitor
        # /healthz answers anyone: never the password, should the driver repeat the URL.
        # A Session connects only when used.
        password = make_session().get_bind().engine.url.password
        return Health(
            database=False,
            now=now,
            problems=["database unreachable"],
            error=error_reason(error, password=password),
        )
    health = Health(database=True, now=now)
    tick_limit = max(3 * tick_seconds, 180.0)
    for row in rows:
        age = max(0.0, (now - row.at).total_seconds())
        if row.name == SCHEDULER:
            health.scheduler_age = age
        elif row.name.startswith(CHANNEL_PREFIX):
            name = row.name.removeprefix(CHANNEL_PREFIX)
            health.channels[name] = (row.mode, age)
            if row.mode == "polling" and age > POLL_MAX_AGE.total_seconds():
                health.problems.append(f"{name}: last poll {int(age)} s ago")
    if health.scheduler_age is None:
        health.problems.append("scheduler has never ticked")
    elif health.scheduler_age > tick_limit:
        health.problems.append(f"scheduler: last tick {int(health.scheduler_age)} s ago")
    return health


def health_text(health: Health, language: str = "vi") -> str:
    """What `baocao status` prints, one line per part (the problems stay as /healthz has them)."""

    def say(key: str, /, **values: object) -> str:
        return translate(f"health.{key}", language, **values)

    def age(seconds: float | None) -> str:
        return say("never") if seconds is None else say("ago", seconds=int(seconds))

    lines = [say("healthy" if health.healthy else "unhealthy")]
    if health.database:
        lines.append(say("database_ok"))
    else:
        lines.append(say("database_down", error=health.error))
    lines.append(say("scheduler", age=age(health.scheduler_age)))
    for name, (mode, seconds) in sorted(health.channels.items()):
        lines.append(say("channel", name=name, mode=mode, age=age(seconds)))
    lines += [f"- {problem}" for problem in health.problems]
    return "\n".join(lines)
