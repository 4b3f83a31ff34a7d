"""Files kept on arrival: an adapter hands every incoming event to `FileIntake.receive` before
the handlers see it. When the person's conversation is waiting for a file, the bytes are
fetched from the channel (Telegram's getFile, a Zalo photo URL, a local path on the console)
with retries, checked by their content, and put in the file store; the event handed on then
says what became of them (`handlers.events.Received`). The handlers record the document and
say "đã lưu" only then, in the transaction that also closes the journal row.

Crash safety: a journal row (`storage.files.journal`) is written before the fetch. A process
killed between the arrival and the hand-over leaves the row. On Telegram and Zalo the update
itself was stored first (`bot.adapter`): it is replayed at the next start, comes here again,
finds the same row (`journal.begin`) and fetches the file again. A channel without stored
updates (the console) calls `recover` at start, which fetches the file again and answers its
sender. Either way the sender has the file kept or is asked to send it again. A file nobody
waits for is not fetched at all. `receive` is the pipeline's `prepare` hook
(`bot.adapter.UpdatePipeline`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from bot.app import App
from handlers.events import IncomingAttachment, IncomingEvent, Received, Reply
from storage.db import transaction
from storage.files import journal
from storage.files.content import Refused, check_content, megabytes
from storage.files.documents import Kept
from storage.files.store import StoreError, blob_key
from storage.outbox import enqueue

log = logging.getLogger(__name__)

KEEP_JOURNAL = timedelta(days=7)  # rows a replaying channel never came back for


class TooLarge(Exception):
    """Raised by a fetch that stopped reading at the size cap."""


Fetch = Callable[[str, int], Awaitable[bytes]]  # (file_ref, max bytes) -> the bytes
Deliver = Callable[[str, Reply], Awaitable[None]]


@dataclass(frozen=True)
class IntakeOptions:
    attempts: int = 3
    first_wait: float = 1.0  # seconds before the second attempt, doubled after each
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    # Test hook: the journal row is written, the bytes not yet fetched (the crash window).
    after_begin: Callable[[int], None] | None = None


@dataclass
class FileIntake:
    app: App
    channel: str
    fetch: Fetch
    max_bytes: int
    options: IntakeOptions = field(default_factory=IntakeOptions)

    def __post_init__(self) -> None:
        self.started_at = self.app.clock.now()  # journal rows older than this were a crash's

    async def receive(self, event: IncomingEvent) -> IncomingEvent:
        """The event, with its attachment's bytes kept (or the reason they are not) when the
        person's conversation takes a file; otherwise unchanged."""
        attachment = event.attachment
        if attachment is None or attachment.received is not None:
            return event
        if not await asyncio.to_thread(self.app.dispatcher.accepts_file, event):
            return event  # the handlers say a file is not expected here
        intake_id = await asyncio.to_thread(self._begin, event)
        if self.options.after_begin is not None:
            self.options.after_begin(intake_id)
        received = await self.keep(intake_id, attachment)
        return replace(event, attachment=replace(attachment, received=received))

    async def keep(self, intake_id: int | None, attachment: IncomingAttachment) -> Received:
        """Fetch, check and store one file; never raises for the file's own faults."""

        def refused(key: str, *values: tuple[str, str | int | float]) -> Received:
            return Received(intake_id, problem=key, values=(("name", name), *values))

        name = attachment.file_name
        limit_mb = self.max_bytes // 1024 // 1024
        if attachment.unsafe_name:
            return refused("file.name")
        if attachment.size > self.max_bytes:  # as the channel declared it: not even fetched
            return refused(
                "file.too_big", ("size", megabytes(attachment.size)), ("limit", limit_mb)
            )
        try:
            data = await self._fetch(attachment.file_ref)
        except TooLarge:
            return refused("file.too_big", ("size", f"> {limit_mb}"), ("limit", limit_mb))
        if data is None:
            return refused("file.download")
        checked = check_content(data, max_bytes=self.max_bytes)
        if isinstance(checked, Refused):
            return refused(checked.key, *checked.values)
        try:
            await asyncio.to_thread(self._put, checked.sha256, checked.data)
        except StoreError as error:
            log.error("file store %s: %s", self.app.files.describe(), error)
            return refused("file.store")
        return Received(intake_id, kept=Kept(checked.sha256, checked.size, checked.kind.name))

    async def _fetch(self, file_ref: str) -> bytes | None:
        wait = self.options.first_wait
        for attempt in range(1, self.options.attempts + 1):
            try:
                return await self.fetch(file_ref, self.max_bytes)
            except TooLarge:
                raise
            except Exception as error:  # the channel's network errors, whatever their type
                log.warning(
                    "%s: fetching a file failed (attempt %d of %d): %s",
                    self.channel,
                    attempt,
                    self.options.attempts,
                    type(error).__name__,
                )
            if attempt < self.options.attempts:
                await self.options.sleep(wait)
                wait *= 2
        return None

    def _put(self, sha256: str, data: bytes) -> None:
        key = blob_key(sha256)
        if not self.app.files.exists(key):  # the same bytes sent twice are stored once
            self.app.files.put(key, data)

    def _begin(self, event: IncomingEvent) -> int:
        assert event.attachment is not None
        with transaction(self.app.make_session) as session:
            return journal.begin(
                session,
                channel=self.channel,
                chat_id=event.chat_id,
                file_ref=event.attachment.file_ref,
                event=event_json(event),
                clock=self.app.clock,
            )

    # --- after a crash ----------------------------------------------------------------------

    async def recover(self, deliver: Deliver) -> int:
        """Hand over the files a crash left in the journal: fetched again and kept, or their
        senders asked to send them again. Returns how many."""
        rows = await asyncio.to_thread(self._pending)
        for intake_id, chat_id, stored in rows:
            event = event_from_json(stored)
            assert event.attachment is not None
            received = await self.keep(intake_id, event.attachment)
            event = replace(event, attachment=replace(event.attachment, received=received))
            replies = await asyncio.to_thread(self.app.dispatcher.handle, event)
            for number, reply in enumerate(replies):
                try:
                    await deliver(chat_id, reply)
                except Exception as error:
                    log.warning(
                        "%s: a recovered file's answer waits in the outbox: %s",
                        self.channel,
                        type(error).__name__,
                    )
                    await asyncio.to_thread(self._keep_in_outbox, chat_id, intake_id, number, reply)
        if rows:
            log.info("%s: %d file(s) left by a stop were handed over", self.channel, len(rows))
        return len(rows)

    def _pending(self) -> list[tuple[int, str, dict[str, Any]]]:
        with transaction(self.app.make_session) as session:
            journal.forget_older_than(
                session, channel=self.channel, before=self.started_at - KEEP_JOURNAL
            )
            rows = journal.pending(session, channel=self.channel, before=self.started_at)
            return [(row.id, row.chat_id, dict(row.event)) for row in rows]  # type: ignore[misc]

    def _keep_in_outbox(self, chat_id: str, intake_id: int, number: int, reply: Reply) -> None:
        with transaction(self.app.make_session) as session:
            enqueue(
                session,
                dedupe_key=f"intake:{self.channel}:{intake_id}:{number}",
                channel=self.channel,
                chat_id=chat_id,
                kind="reply",
                text=reply.text,
                options=[(o.label, o.value) for o in reply.options],
                clock=self.app.clock,
            )


def event_json(event: IncomingEvent) -> dict[str, Any]:
    attachment = event.attachment
    assert attachment is not None
    return {
        "channel": event.channel,
        "user_id": event.user_id,
        "chat_id": event.chat_id,
        "text": event.text,
        "user_name": event.user_name,
        "attachment": {
            "file_ref": attachment.file_ref,
            "file_name": attachment.file_name,
            "mime_type": attachment.mime_type,
            "size": attachment.size,
            "unsafe_name": attachment.unsafe_name,
        },
    }


def event_from_json(data: dict[str, Any]) -> IncomingEvent:
    return IncomingEvent(
        str(data["channel"]),
        str(data["user_id"]),
        str(data["chat_id"]),
        text=data.get("text"),
        user_name=str(data.get("user_name") or ""),
        attachment=IncomingAttachment(**data["attachment"]),
    )
