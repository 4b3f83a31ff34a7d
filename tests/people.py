"""Helpers to register people through the real conversation, as users would."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import App
from bot.console import render
from handlers.events import IncomingEvent

CODE = re.compile(r"\b[A-Z2-7]{26}\b")


def say(app: App, user: str, text: str | None = None, *, channel: str = "console", **kw) -> str:
    """What the user reads: reply texts, with options numbered as the console shows them."""
    replies = app.dispatcher.handle(IncomingEvent(channel, user, user, text=text, **kw))
    return "\n".join(render(r, files_dir=Path("files")) for r in replies)


def invite_code(app: App, agency: str = "so-yte", *, admin: str = "operator") -> str:
    """The console operator (secretariat) creates an invite; returns the code it shows."""
    text = say(app, admin, f"/invite {agency}")
    match = CODE.search(text)
    assert match, text
    return match.group(0)


def register(
    app: App,
    user: str,
    agency: str = "so-yte",
    *,
    name: str = "Nguyễn Thị Lan",
    position: str = "Chuyên viên",
    channel: str = "console",
    code: str | None = None,
) -> str:
    code = code or invite_code(app, agency)
    say(app, user, f"/start {code}", channel=channel)
    say(app, user, name, channel=channel)
    say(app, user, position, channel=channel)
    return say(app, user, "1", channel=channel)
