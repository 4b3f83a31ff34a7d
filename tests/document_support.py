"""Sending files into the bot the way an adapter does (`bot.intake`), without a chat server:
the bytes come from a dict, the handlers answer, the test reads what the user reads."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from bot.app import App
from bot.console import render
from bot.intake import FileIntake, IntakeOptions
from handlers.events import IncomingAttachment, IncomingEvent
from tests.people import register, say
from tests.plan_files import small_plan_with_form, write_yaml

_REFS = itertools.count(1)


class Sender:
    """One person's files: `send(data, name)` goes through the intake, then the handlers."""

    def __init__(self, app: App, user: str, *, failures: int = 0) -> None:
        self.app, self.user = app, user
        self.hosted: dict[str, bytes] = {}
        self.failures = failures  # the first fetches fail (a flaky network)
        self.fetches = 0
        self.waits: list[float] = []

    async def fetch(self, ref: str, limit: int) -> bytes:
        self.fetches += 1
        if self.fetches <= self.failures:
            raise ConnectionError("network down")
        return self.hosted[ref]

    async def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)  # recorded, not slept

    def intake(self) -> FileIntake:
        return FileIntake(
            self.app,
            channel="console",
            fetch=self.fetch,
            max_bytes=self.app.settings.max_upload_mb * 1024 * 1024,
            options=IntakeOptions(sleep=self._sleep),
        )

    def event(
        self, data: bytes, name: str, caption: str | None = None, size: int | None = None
    ) -> IncomingEvent:
        ref = f"ref-{next(_REFS)}"
        self.hosted[ref] = data
        attachment = IncomingAttachment(ref, name, "", len(data) if size is None else size)
        return IncomingEvent(
            "console", self.user, self.user, text=caption, attachment=attachment
        )

    def send(
        self, data: bytes, name: str, caption: str | None = None, *, size: int | None = None
    ) -> str:
        event = asyncio.run(self.intake().receive(self.event(data, name, caption, size)))
        replies = self.app.dispatcher.handle(event)
        return "\n".join(render(r, files_dir=Path("files")) for r in replies)


def small_app(make_app, tmp_path: Path, *, signed: str = "optional", **settings: object) -> App:
    plan = small_plan_with_form()
    plan["questionnaires"][0]["signed_document"] = signed
    app = make_app(plan_file=str(write_yaml(tmp_path / f"p-{signed}.yaml", plan)), **settings)
    register(app, "u1", "so-a")
    return app


def to_files_question(app: App, user: str = "u1") -> str:
    """Walk the small form to its files question (every task done, nothing more to say)."""
    say(app, user, "/report")
    for text in ("3", "Xong", "3", "Xong", "3"):
        say(app, user, text)
    return say(app, user, "Đã phối hợp")


def to_review(app: App, user: str = "u1") -> str:
    to_files_question(app, user)
    return say(app, user, "1")  # «Xong»
