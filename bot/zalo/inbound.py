"""A Zalo update as the plain event handlers understand (no Zalo shapes beyond here).

`{event_name, message: {from: {id, display_name, is_bot}, chat: {id, chat_type}, message_id,
date (ms), text | photo(_url) + caption | sticker | voice_url}}`; ids are strings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.zalo.texts import text
from bot.zalo.values import as_id, from_millis
from handlers.events import IncomingAttachment, IncomingEvent
from handlers.messages import Language

CHANNEL = "zalo"
TEXT = "message.text.received"
IMAGE = "message.image.received"
KEY_LIMIT = 200  # InboundUpdate.update_key


@dataclass(frozen=True)
class Inbound:
    """What came in: an event for the handlers, or an `answer` the adapter gives itself."""

    chat_id: str
    user_id: str
    event: IncomingEvent | None = None
    answer: str | None = None
    sent_at: datetime | None = None


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update in a webhook body, which comes bare or wrapped as {ok, result}."""
    if not isinstance(body, dict):
        return None
    if "event_name" not in body and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if isinstance(body.get("event_name"), str) else None


def update_key(update: dict[str, Any]) -> str:
    """What makes an update unique: its event and message id (duplicates share both)."""
    message = update.get("message") if isinstance(update.get("message"), dict) else {}
    message_id = as_id(message.get("message_id"))
    key = f"{update.get('event_name', '')}:{message_id}"
    if not message_id or len(key) > KEY_LIMIT:  # no id to go by: the content itself
        canonical = json.dumps(update, sort_keys=True, ensure_ascii=False).encode()
        key = f"sha256:{hashlib.sha256(canonical).hexdigest()}"
    return key


def chat_of(update: dict[str, Any]) -> str:
    """The chat an update belongs to ('' when none), for per-chat ordering."""
    message = update.get("message")
    if not isinstance(message, dict):
        return ""
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    return as_id(chat.get("id")) or as_id(sender.get("id"))


def read_update(update: dict[str, Any], language: Language) -> Inbound | None:
    """None for updates the bot does not act on (other bots, non-message events)."""
    event_name = str(update.get("event_name") or "")
    message = update.get("message")
    if not event_name.startswith("message.") or not isinstance(message, dict):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    if sender.get("is_bot"):
        return None
    user_id = as_id(sender.get("id"))
    chat_id = chat_of(update)
    if not user_id or not chat_id:
        return None
    sent_at = from_millis(message.get("date"))
    name = str(sender.get("display_name") or sender.get("name") or "")
    if event_name == TEXT and isinstance(message.get("text"), str):
        event = IncomingEvent(CHANNEL, user_id, chat_id, text=message["text"], user_name=name)
        return Inbound(chat_id, user_id, event=event, sent_at=sent_at)
    photo = _photo_url(message)
    if event_name == IMAGE and photo:
        caption = message.get("caption")
        attachment = IncomingAttachment(
            file_ref=photo,
            file_name=f"zalo_photo_{as_id(message.get('message_id')) or 'anh'}.jpg",
            mime_type="image/jpeg",
        )
        event = IncomingEvent(
            CHANNEL,
            user_id,
            chat_id,
            text=caption if isinstance(caption, str) and caption.strip() else None,
            attachment=attachment,
            user_name=name,
        )
        return Inbound(chat_id, user_id, event=event, sent_at=sent_at)
    # Stickers, voice, content Zalo hides ("unsupported"): a polite word, nothing handled.
    return Inbound(chat_id, user_id, answer=text("message.unsupported", language), sent_at=sent_at)


def _photo_url(message: dict[str, Any]) -> str:
    for name in ("photo_url", "photo", "url"):
        value = message.get(name)
        if isinstance(value, dict):
            value = value.get("url")
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return value
    return ""
