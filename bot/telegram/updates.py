"""One incoming update, start to finish: map it, run the handlers off the event loop, answer.

Whatever goes wrong with one update is logged with its context, the user gets a short apology,
and the bot goes on serving everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.app import App
from bot.telegram.guard import retry_after_seconds
from bot.telegram.inbound import CHANNEL, Inbound, read_update
from bot.telegram.keyboard import CallbackCodec, pressed_label
from bot.telegram.menus import CommandMenus
from bot.telegram.outbound import TEXT_LIMIT, TextPart, escape, utf16_len
from bot.telegram.sender import ReplySender, SendFailed
from bot.telegram.texts import text
from handlers.context import Role, resolve_actor
from handlers.events import IncomingEvent, Reply
from handlers.messages import translate
from storage.db import transaction
from storage.outbox import enqueue

log = logging.getLogger(__name__)

ROLES_TTL = 60.0  # seconds a chat's roles are trusted without a command or choice
MAX_REMEMBERED_CHATS = 50_000


@dataclass(frozen=True)
class Handled:
    replies: list[Reply]
    roles: frozenset[Role] | None  # the sender's roles after the update, for their menu


class UpdateHandler:
    def __init__(
        self,
        app: App,
        *,
        sender: ReplySender,
        codec: CallbackCodec,
        menus: CommandMenus,
        on_blocked: Callable[[int], Awaitable[None]],
        max_upload_bytes: int,
        typing_after: float,
        redact: Callable[[str], str],
        prepare: Callable[[IncomingEvent], Awaitable[IncomingEvent]] | None = None,
    ) -> None:
        self.app = app
        self.prepare = prepare  # bot.intake: a file the conversation waits for is kept first
        self.sender = sender
        self.codec = codec
        self.menus = menus
        self.on_blocked = on_blocked
        self.max_upload_bytes = max_upload_bytes
        self.typing_after = typing_after
        self.redact = redact
        self.language = app.dispatcher.config.language
        self._roles_checked: dict[int, float] = {}  # chat -> loop time of the last lookup
        self._background: set[asyncio.Task[None]] = set()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        try:
            await self.handle(update)
        except Exception as error:
            chat, user = update.effective_chat, update.effective_user
            log.error(
                "update %s failed: chat=%s user=%s kind=%s: %s: %s",
                update.update_id,
                chat.id if chat else None,
                user.id if user else None,
                _kind(update),
                type(error).__name__,
                self.redact(str(error)),
                exc_info=error,
            )
            if chat is not None:
                await self._apologise(chat.id)

    async def handle(self, update: Update) -> None:
        inbound = read_update(
            update,
            codec=self.codec,
            max_upload_bytes=self.max_upload_bytes,
            language=self.language,
        )
        if inbound is None:
            return
        if inbound.query is not None:
            await self._acknowledge(inbound.query)
        if inbound.event is None:
            await self._reply(inbound, update.update_id, [Reply(inbound.answer or "")])
            return
        event = inbound.event if self.prepare is None else await self.prepare(inbound.event)
        handled = await self._dispatch(inbound.chat_id, event)
        if await self._reply(inbound, update.update_id, handled.replies) and handled.roles:
            await self.menus.show(inbound.chat_id, handled.roles)

    async def _dispatch(self, chat_id: int, event: IncomingEvent) -> Handled:
        """The handlers run in a worker thread; a slow answer shows 'typing…' meanwhile."""
        loop = asyncio.get_running_loop()
        check_roles = self._roles_due(chat_id, event, loop.time())
        typing = loop.call_later(self.typing_after, self._show_typing, chat_id)
        try:
            return await loop.run_in_executor(None, self._handle_sync, event, check_roles)
        finally:
            typing.cancel()

    def _roles_due(self, chat_id: int, event: IncomingEvent, now: float) -> bool:
        """Whether to look up the sender's roles again, for their menu. A person's own roles
        change when they confirm something (a button, or an option's number: registering,
        leaving) or use a code (`/start CODE`, `/link CODE`); anything else refreshes a chat's
        menu at most once a minute, which spares a database round trip per message."""
        if chat_id <= 0:  # menus are per private chat
            return False
        typed = (event.text or "").strip()
        acted = (
            event.choice is not None
            or typed.isdigit()
            or (typed.startswith("/") and len(typed.split(maxsplit=1)) > 1)
        )
        last = self._roles_checked.get(chat_id)
        if not (acted or last is None or now - last >= ROLES_TTL):
            return False
        if len(self._roles_checked) > MAX_REMEMBERED_CHATS:
            self._roles_checked.clear()
        self._roles_checked[chat_id] = now
        return True

    def _handle_sync(self, event: IncomingEvent, check_roles: bool) -> Handled:
        replies = self.app.dispatcher.handle(event)
        roles = None
        if check_roles:
            try:
                with transaction(self.app.make_session) as session:
                    actor = resolve_actor(session, event=event, config=self.app.dispatcher.config)
                    roles = actor.roles
            except Exception:
                log.exception("could not look up the roles of chat %s", event.chat_id)
        return Handled(replies, roles)

    def _show_typing(self, chat_id: int) -> None:
        task = asyncio.create_task(self._typing(chat_id))
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    async def _typing(self, chat_id: int) -> None:
        try:
            await self.sender.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:
            log.debug("typing indicator failed: %s", error)

    async def _reply(self, inbound: Inbound, update_id: int, replies: list[Reply]) -> bool:
        """Send every reply; True when all went out. A reply Telegram will not take now is
        kept in the outbox (sent later); a blocked chat is reported."""
        for index, reply in enumerate(replies):
            try:
                await self.sender.send(inbound.chat_id, reply)
            except SendFailed as failed:
                if isinstance(failed.cause, Forbidden):
                    await self.on_blocked(inbound.chat_id)
                    return False
                if isinstance(failed.cause, RetryAfter | NetworkError) and not isinstance(
                    failed.cause, BadRequest
                ):
                    rest = [TextPart(r.text, r.options) for r in replies[index + 1 :]]
                    await self._postpone(inbound.chat_id, update_id, failed, rest)
                    return False
                raise failed.cause from None
        return True

    async def _postpone(
        self, chat_id: int, update_id: int, failed: SendFailed, rest: list[TextPart]
    ) -> None:
        delay = retry_after_seconds(failed.cause) if isinstance(failed.cause, RetryAfter) else 0
        texts = [p for p in [*failed.unsent, *rest] if isinstance(p, TextPart)]
        if len(texts) < len(failed.unsent) + len(rest):
            log.error("a file for chat %s could not be sent and is not kept", chat_id)
        log.warning(
            "Telegram did not take the reply to update %s (%s); %d message(s) kept in the outbox",
            update_id,
            self.redact(str(failed.cause)),
            len(texts),
        )
        await asyncio.to_thread(self._keep_in_outbox, chat_id, update_id, texts, delay)

    def _keep_in_outbox(
        self, chat_id: int, update_id: int, parts: list[TextPart], delay: float
    ) -> None:
        clock = self.app.clock
        with transaction(self.app.make_session) as session:
            for number, part in enumerate(parts):
                enqueue(
                    session,
                    dedupe_key=f"reply:{CHANNEL}:{chat_id}:{update_id}:{number}",
                    channel=CHANNEL,
                    chat_id=str(chat_id),
                    kind="reply",
                    text=part.text,
                    options=[(o.label, o.value) for o in part.options],
                    clock=clock,
                    not_before=clock.now() + timedelta(seconds=delay),
                )

    async def _acknowledge(self, query: CallbackQuery) -> None:
        """Stop the button's spinner, and show on the message what was chosen (which also
        takes the buttons away, so an old choice is not pressed twice)."""
        try:
            await query.answer()
        except TelegramError as error:  # too old: the user still gets the reply
            log.info("callback query not answered: %s", error)
        message = query.message
        if not isinstance(message, Message) or not query.data:
            return
        label = pressed_label(message.reply_markup, query.data)
        try:
            if message.text and label:
                shown = f"{message.text}\n\n{text('choice.made', self.language, label=label)}"
                if utf16_len(shown) <= TEXT_LIMIT:
                    await query.edit_message_text(escape(shown), parse_mode=ParseMode.HTML)
                    return
            if message.reply_markup is not None:
                await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as error:  # e.g. not modified, or too old to edit
            log.info("could not update the pressed message: %s", error)

    async def _apologise(self, chat_id: int) -> None:
        try:
            await self.sender.bot.send_message(chat_id, translate("error.internal", self.language))
        except Exception as error:
            log.warning("could not apologise to chat %s: %s", chat_id, self.redact(str(error)))


def _kind(update: Update) -> str:
    if update.callback_query is not None:
        return "button"
    message = update.effective_message
    if message is None:
        return "other"
    if message.document is not None:
        return "document"
    if message.photo:
        return "photo"
    return "text" if message.text is not None else "other"
