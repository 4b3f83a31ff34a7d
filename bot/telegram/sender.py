"""Send a handler's Reply to a chat, part by part (HTML-escaped, keyboard on the last part)."""

from __future__ import annotations

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from bot.adapter.failures import SendFailed
from bot.telegram.guard import AT_MOST_ONCE
from bot.telegram.keyboard import CallbackCodec, inline_keyboard
from bot.telegram.outbound import DocumentPart, Part, TextPart, escape, plan_reply
from handlers.events import Reply


class TelegramSendFailed(SendFailed):
    """A part could not be sent (after the guard's retries); `unsent` are it and the rest."""

    def __init__(self, cause: Exception, unsent: list[Part]) -> None:
        super().__init__(cause)
        self.unsent = unsent


class ReplySender:
    def __init__(self, bot: Bot, codec: CallbackCodec) -> None:
        self.bot = bot
        self.codec = codec

    async def send(self, chat_id: int, reply: Reply, *, at_most_once: bool = False) -> None:
        """`at_most_once` for outbox messages: a part Telegram may already have is not resent
        (the guard raises MaybeDelivered instead)."""
        parts = plan_reply(reply)
        token = AT_MOST_ONCE.set(at_most_once)
        try:
            for index, part in enumerate(parts):
                try:
                    await self.send_part(chat_id, part)
                except Exception as error:
                    raise TelegramSendFailed(error, parts[index:]) from error
        finally:
            AT_MOST_ONCE.reset(token)

    async def send_part(self, chat_id: int, part: Part) -> None:
        markup = inline_keyboard(part.options, self.codec) if part.options else None
        if isinstance(part, TextPart):
            await self.bot.send_message(
                chat_id, escape(part.text), parse_mode=ParseMode.HTML, reply_markup=markup
            )
        elif isinstance(part, DocumentPart):
            await self.bot.send_document(
                chat_id,
                InputFile(part.file.data, filename=part.file.file_name),
                caption=escape(part.caption) or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
