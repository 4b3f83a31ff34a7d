"""A Telegram update as the plain event handlers understand (no Telegram types beyond here)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, Message, Update

from bot.telegram.keyboard import CallbackCodec
from bot.telegram.texts import file_size, text
from handlers.events import IncomingAttachment, IncomingEvent
from handlers.messages import Language, translate

CHANNEL = "telegram"


@dataclass(frozen=True)
class Inbound:
    """What came in: an event for the handlers, or an `answer` the adapter gives itself."""

    chat_id: int
    user_id: int
    event: IncomingEvent | None = None
    answer: str | None = None
    query: CallbackQuery | None = None


def read_update(
    update: Update, *, codec: CallbackCodec, max_upload_bytes: int, language: Language
) -> Inbound | None:
    """None for updates the bot does not act on (edits, channel posts, other bots)."""
    if update.callback_query is not None:
        return _read_button(update.callback_query, codec, language)
    if update.message is not None:
        return _read_message(update.message, max_upload_bytes, language)
    return None


def _read_button(query: CallbackQuery, codec: CallbackCodec, language: Language) -> Inbound | None:
    message = query.message
    if message is None:  # a button on an inline-mode message: not something this bot sends
        return None
    chat_id, user = message.chat.id, query.from_user
    value = codec.decode(query.data) if query.data else None
    if value is None:  # a long value forgotten since a restart
        return Inbound(chat_id, user.id, answer=translate("stale.option", language), query=query)
    event = IncomingEvent(
        CHANNEL, str(user.id), str(chat_id), choice=value, user_name=user.full_name
    )
    return Inbound(chat_id, user.id, event=event, query=query)


def _read_message(message: Message, max_upload_bytes: int, language: Language) -> Inbound | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None
    chat_id = message.chat.id
    attachment = _attachment(message)
    if attachment is not None and attachment.size > max_upload_bytes:
        answer = text(
            "file.too_large",
            language,
            name=attachment.file_name,
            size=file_size(attachment.size, language),
            limit=max_upload_bytes // (1024 * 1024),
        )
        return Inbound(chat_id, user.id, answer=answer)
    words = message.text if message.text is not None else message.caption
    if words is None and attachment is None:  # stickers, voice, locations...
        return Inbound(chat_id, user.id, answer=text("message.unsupported", language))
    event = IncomingEvent(
        CHANNEL,
        str(user.id),
        str(chat_id),
        text=words,
        attachment=attachment,
        user_name=user.full_name,
    )
    return Inbound(chat_id, user.id, event=event)


def _attachment(message: Message) -> IncomingAttachment | None:
    if message.document is not None:
        document = message.document
        return IncomingAttachment(
            file_ref=document.file_id,
            file_name=document.file_name or "",
            mime_type=document.mime_type or "",
            size=document.file_size or 0,
        )
    if message.photo:
        photo = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return IncomingAttachment(
            file_ref=photo.file_id,
            file_name=f"photo_{photo.file_unique_id}.jpg",
            mime_type="image/jpeg",
            size=photo.file_size or 0,
        )
    return None
