"""One stored update, start to finish: map it, run the handlers off the event loop (the update
is marked handled in their own transaction), answer.

A reply Zalo will not take now (quota, rate, its own failure) is kept in the outbox and sent
later; a user who blocked the bot is marked unreachable and the secretariat told.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event as orm_event
from sqlmodel import Session

from bot.app import App
from bot.zalo.errors import ZaloError, ZaloForbidden, ZaloRateLimited, is_transient
from bot.zalo.inbound import CHANNEL, Inbound, read_update
from bot.zalo.sender import SendFailed, ZaloSender
from handlers.dispatcher import Dispatcher
from handlers.events import IncomingEvent, Reply
from storage import inbound as store
from storage.db import transaction
from storage.outbox import enqueue

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # an update that failed this often is set aside, not retried for ever
SERVER_RETRY_AFTER = 30.0
KEY_LIMIT = 200  # OutboxMessage.dedupe_key


def handle_and_mark(app: App, event: IncomingEvent, update_id: int) -> list[Reply]:
    """Run the handlers; the update is marked handled in the same transaction as their work,
    so a crash leaves either both done or neither (never handled twice, never lost)."""
    now = app.clock.now

    def make_session() -> Session:
        session = app.make_session()

        def mark(s: Session) -> None:
            store.mark_handled(s, update_id=update_id, now=now())

        orm_event.listen(session, "before_commit", mark)
        return session

    source = app.dispatcher
    dispatcher = Dispatcher(
        make_session=make_session,
        config=source.config,
        clock=source.clock,
        registry=source.registry,
    )
    dispatcher.links = source.links
    return dispatcher.handle(event)


Blocked = Callable[[str], Awaitable[None]]
Quota = Callable[[], Awaitable[None]]
Prepare = Callable[[IncomingEvent], Awaitable[IncomingEvent]]  # bot.intake: keep files first


class UpdateHandler:
    def __init__(
        self,
        app: App,
        *,
        sender: ZaloSender,
        on_blocked: Blocked,
        on_quota: Quota,
        typing_after: float,
        redact: Callable[[str], str],
        prepare: Prepare | None = None,
    ) -> None:
        self.app = app
        self.prepare = prepare
        self.sender = sender
        self.on_blocked = on_blocked
        self.on_quota = on_quota
        self.typing_after = typing_after
        self.redact = redact
        self.language = app.dispatcher.config.language
        self._background: set[asyncio.Task[None]] = set()

    async def __call__(self, update_id: int, key: str, payload: dict[str, Any]) -> None:
        attempts = await asyncio.to_thread(self._begin, update_id)
        if attempts > MAX_ATTEMPTS:
            log.error("Zalo update %s failed %d times; set aside", key, attempts - 1)
            await asyncio.to_thread(self._mark, update_id, "set aside after repeated failures")
            return
        inbound = read_update(payload, self.language)
        if inbound is None or inbound.event is None:
            await asyncio.to_thread(self._mark, update_id, "")
            if inbound is not None and inbound.answer:
                await self.reply(inbound.chat_id, key, [Reply(inbound.answer)])
            return
        try:
            replies = await self._dispatch(inbound, update_id)
        except Exception as error:  # the database is gone: keep it for the next start
            log.error("Zalo update %s not handled: %s", key, type(error).__name__)
            await asyncio.to_thread(self._record_error, update_id, repr(error))
            return
        await self.reply(inbound.chat_id, key, replies)

    async def _dispatch(self, inbound: Inbound, update_id: int) -> list[Reply]:
        """The handlers run in a worker thread; a slow answer shows 'typing…' meanwhile."""
        assert inbound.event is not None
        event = inbound.event if self.prepare is None else await self.prepare(inbound.event)
        loop = asyncio.get_running_loop()
        typing = loop.call_later(self.typing_after, self._show_typing, inbound.chat_id)
        try:
            return await asyncio.to_thread(handle_and_mark, self.app, event, update_id)
        finally:
            typing.cancel()

    async def reply(self, chat_id: str, key: str, replies: list[Reply]) -> bool:
        """Send every reply; True when all went out."""
        for index, reply in enumerate(replies):
            try:
                await self.sender.send(chat_id, reply)
            except SendFailed as failed:
                await self._failed(chat_id, key, failed, replies[index + 1 :])
                return False
        return True

    async def _failed(self, chat_id: str, key: str, failed: SendFailed, rest: list[Reply]) -> None:
        cause = failed.cause
        if isinstance(cause, ZaloForbidden):
            await self.on_blocked(chat_id)
            return
        if not is_transient(cause):
            log.error("Zalo refused the reply to %s in chat %s: %s", key, chat_id, cause)
            return
        # A reply's parts were cut at line ends: joined by one, they split the same way again.
        pieces = ["\n".join(failed.unsent)]
        for reply in rest:
            pieces.append("\n".join(await self.sender.texts(chat_id, reply)))
        delay = cause.retry_after if isinstance(cause, ZaloRateLimited) else SERVER_RETRY_AFTER
        log.warning(
            "Zalo did not take the reply to %s (%s); kept in the outbox",
            key,
            self.redact(str(cause)),
        )
        kept = "\n\n".join(pieces)
        await asyncio.to_thread(keep_in_outbox, self.app, chat_id, f"reply:{key}", kept, delay)
        if isinstance(cause, ZaloRateLimited) and cause.quota:
            await self.on_quota()

    # --- small steps in worker threads ------------------------------------------------------

    def _begin(self, update_id: int) -> int:
        with transaction(self.app.make_session) as session:
            return store.begin_attempt(session, update_id=update_id)

    def _mark(self, update_id: int, error: str) -> None:
        with transaction(self.app.make_session) as session:
            store.mark_handled(session, update_id=update_id, now=self.app.clock.now(), error=error)

    def _record_error(self, update_id: int, error: str) -> None:
        try:
            with transaction(self.app.make_session) as session:
                store.record_error(session, update_id=update_id, error=error)
        except Exception:
            log.exception("could not record why Zalo update %s failed", update_id)

    def _show_typing(self, chat_id: str) -> None:
        task = asyncio.create_task(self._typing(chat_id))
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    async def _typing(self, chat_id: str) -> None:
        try:
            await self.sender.client.send_chat_action(chat_id)
        except ZaloError as error:
            log.debug("typing indicator failed: %s", error)


def keep_in_outbox(app: App, chat_id: str, key: str, text: str, delay: float) -> None:
    """Queue what Zalo did not take as ONE outbox row (so its parts keep their order; the
    channel splits it again), once per `key`, to go out after `delay`."""
    clock = app.clock
    dedupe_key = f"{CHANNEL}:{chat_id}:{key}"
    if len(dedupe_key) > KEY_LIMIT:
        dedupe_key = f"{CHANNEL}:sha256:{hashlib.sha256(dedupe_key.encode()).hexdigest()}"
    with transaction(app.make_session) as session:
        enqueue(
            session,
            dedupe_key=dedupe_key,
            channel=CHANNEL,
            chat_id=chat_id,
            kind="reply",
            text=text,
            clock=clock,
            not_before=clock.now() + timedelta(seconds=delay),
        )
