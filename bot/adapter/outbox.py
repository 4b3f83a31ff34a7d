"""A reply the channel will not take now is kept in the outbox and goes out later."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.app import App
from storage.db import transaction
from storage.outbox import enqueue

KEY_LIMIT = 200  # OutboxMessage.dedupe_key

Options = list[tuple[str, str]]


def dedupe_key(key: str) -> str:
    if len(key) <= KEY_LIMIT:
        return key
    return f"sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def keep_in_outbox(
    app: App,
    *,
    channel: str,
    chat_id: str,
    key: str,
    parts: list[tuple[str, Options]],
    delay: float,
) -> None:
    """Queue `parts` (text, options) as rows `key:0`, `key:1`…, in one transaction, each once,
    to go out after `delay` seconds."""
    clock = app.clock
    with transaction(app.make_session) as session:
        for number, (text, options) in enumerate(parts):
            enqueue(
                session,
                dedupe_key=dedupe_key(f"{key}:{number}"),
                channel=channel,
                chat_id=chat_id,
                kind="reply",
                text=text,
                options=options,
                clock=clock,
                not_before=clock.now() + timedelta(seconds=delay),
            )
