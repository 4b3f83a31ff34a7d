"""One stored Telegram update through the shared pipeline (`bot.adapter`). What is Telegram's
own: reading its updates, the pressed button's spinner and label, sending, judging its errors,
the command menu after a person's roles changed, and an apology when an update breaks off.

Whatever goes wrong with one update is logged with its context, the user gets a short apology,
and the bot goes on serving everyone else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.adapter import Failure, Handled, SendFailed, UpdatePipeline, Verdict
from bot.adapter.inbox import Inbox
from bot.adapter.outbox import Options
from bot.adapter.pipeline import Prepare
from bot.app import App
from bot.telegram.guard import retry_after_seconds
from bot.telegram.inbound import CHANNEL, read_update
from bot.telegram.keyboard import CallbackCodec, pressed_label
from bot.telegram.menus import CommandMenus
from bot.telegram.outbound import TEXT_LIMIT, TextPart, escape, utf16_len
from bot.telegram.sender import ReplySender, TelegramSendFailed
from bot.telegram.storing import update_key
from bot.telegram.texts import text
from handlers.context import resolve_actor
from handlers.events import IncomingEvent, Reply
from handlers.messages import translate
from storage.db import transaction

log = logging.getLogger(__name__)

ROLES_TTL = 60.0  # seconds a chat's roles are trusted without a command or choice
MAX_REMEMBERED_CHATS = 50_000


class TelegramPipeline(UpdatePipeline):
    channel = CHANNEL

    def __init__(
        self,
        app: App,
        *,
        inbox: Inbox,
        sender: ReplySender,
        codec: CallbackCodec,
        menus: CommandMenus,
        max_upload_bytes: int,
        typing_after: float,
        redact: Callable[[str], str],
        prepare: Prepare | None = None,
    ) -> None:
        super().__init__(
            app, inbox=inbox, typing_after=typing_after, redact=redact, prepare=prepare
        )
        self.sender = sender
        self.codec = codec
        self.menus = menus
        self.max_upload_bytes = max_upload_bytes
        self._roles_checked: dict[int, float] = {}  # chat -> monotonic time of the last lookup

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB's handler: every update, in its chat's turn (`PerChatUpdateProcessor`)."""
        if not isinstance(update, Update):
            return
        key = update_key(update)
        inbound_id = self.inbox.take(key)
        if inbound_id is None:  # stored before: handled already, or in hand
            log.info("Telegram update %s arrived again; dropped", key)
            return
        try:
            await self.handle(update, inbound_id)
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
            await self.inbox.failed(inbound_id, repr(error))
            if chat is not None:
                await self._apologise(chat.id)

    async def handle(self, update: Update, inbound_id: int) -> None:
        inbound = read_update(
            update,
            codec=self.codec,
            max_upload_bytes=self.max_upload_bytes,
            language=self.language,
        )
        if inbound is not None and inbound.query is not None:
            await self._acknowledge(inbound.query)
        await self.run(inbound, inbound_id=inbound_id, key=update_key(update))

    def handle_sync(
        self, chat_id: Hashable, event: IncomingEvent, inbound_id: int | None
    ) -> Handled:
        assert isinstance(chat_id, int)
        replies = self.app.dispatcher.handle(
            event, inbound_id=inbound_id, unmarked=self.inbox.defer_mark
        )
        if not self._roles_due(chat_id, event):
            return Handled(replies)
        try:
            with transaction(self.app.make_session) as session:
                roles = resolve_actor(session, event=event, config=self.app.dispatcher.config).roles
        except Exception:
            log.exception("could not look up the roles of chat %s", event.chat_id)
            return Handled(replies)

        async def show_menu() -> None:
            await self.menus.show(chat_id, roles)

        return Handled(replies, after=show_menu if roles else None)

    def _roles_due(self, chat_id: int, event: IncomingEvent) -> bool:
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
        now = time.monotonic()
        last = self._roles_checked.get(chat_id)
        if not (acted or last is None or now - last >= ROLES_TTL):
            return False
        if len(self._roles_checked) > MAX_REMEMBERED_CHATS:
            self._roles_checked.clear()
        self._roles_checked[chat_id] = now
        return True

    # --- sending ----------------------------------------------------------------------------

    async def send(self, chat_id: Hashable, reply: Reply) -> None:
        assert isinstance(chat_id, int)
        await self.sender.send(chat_id, reply)

    async def judge(self, chat_id: Hashable, failed: SendFailed) -> Failure:
        return judge(failed.cause)

    async def refused(self, chat_id: Hashable, key: str, failed: SendFailed) -> None:
        raise failed.cause from None  # logged with its update, and the user gets an apology

    async def later_parts(
        self, chat_id: Hashable, failed: SendFailed, rest: list[Reply]
    ) -> list[tuple[str, Options]]:
        assert isinstance(failed, TelegramSendFailed)
        parts = [*failed.unsent, *(TextPart(r.text, r.options) for r in rest)]
        texts = [p for p in parts if isinstance(p, TextPart)]
        if len(texts) < len(parts):
            log.error("a file for chat %s could not be sent and is not kept", chat_id)
        return [(p.text, [(o.label, o.value) for o in p.options]) for p in texts]

    async def typing(self, chat_id: Hashable) -> None:
        assert isinstance(chat_id, int)
        try:
            await self.sender.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:
            log.debug("typing indicator failed: %s", error)

    def blocked_notice(self, who: str) -> str:
        return text("blocked.notice", self.language, who=who)

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


def judge(cause: Exception) -> Failure:
    """Telegram's errors: 403 is a block; a 429 or a network failure passes later."""
    if isinstance(cause, Forbidden):
        return Failure(Verdict.BLOCKED)
    if isinstance(cause, RetryAfter | NetworkError) and not isinstance(cause, BadRequest):
        delay = retry_after_seconds(cause) if isinstance(cause, RetryAfter) else 0.0
        return Failure(Verdict.LATER, delay)
    return Failure(Verdict.REFUSED)


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
