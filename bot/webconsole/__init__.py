"""The secretariat's web console, served by the bot's own web endpoint (`bot.web`) on the same
listener and event loop as the webhooks and download links.

Signed in from the chat (`/web`, `storage.web_sessions`), it shows the period board, each
agency's reports (versions, differences, return with a comment), each task's answers side by
side, the downloads, the reminders and the outbox, invites and agencies. Pages are Jinja2
templates; htmx (vendored in `static/`) refreshes the board when a report arrives. Data is read
through `storage` and changed through the same `handlers` functions the chat uses.
"""

from __future__ import annotations

from bot.webconsole.routes import console_routes

__all__ = ["console_routes"]
