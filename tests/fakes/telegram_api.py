"""A fake Telegram Bot API server, speaking real HTTP on 127.0.0.1 (standard library only).

It keeps what the real server keeps for each bot token: pending updates (confirmed by the
`offset` of getUpdates, held by long polling), the messages the bot sent (HTML parsed and
checked the way Telegram checks it), files both ways, command menus per scope, and the webhook
(updates are then POSTed to the bot with the secret-token header).

A test plays users (`bot.user(42).send_text("/start")`, `press`, `send_document`), reads what
the bot sent (`user.wait_for_messages(2)`), and injects faults (`bot.inject("sendMessage",
Fault.too_many_requests(3))`). Waiting is always on a condition with a deadline, never a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

T = TypeVar("T")

DEFAULT_TOKEN = "123456:TEST-fake-token-do-not-log"
DEFAULT_WAIT = 5.0  # seconds a test waits for something before failing
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
GET_FILE_LIMIT = 20 * 1024 * 1024  # the official server refuses getFile above 20 MB
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
    "tg-spoiler", "tg-emoji", "blockquote",
}  # fmt: skip
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?")
FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_ENTITY_TEXT = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Telegram counts text length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def parse_html(text: str) -> str:
    """The text a user sees for an HTML-formatted message; ApiError where Telegram refuses."""
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            offset = len(text[:i].encode())
            if match is None:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: unexpected '<' at byte offset {offset}",
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise ApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                    f"at byte offset {offset}",
                )
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unexpected end tag "{name}" '
                        f"at byte offset {offset}",
                    )
                open_tags.pop()
            else:
                open_tags.append(name)
            i = match.end()
        elif char == "&" and (entity := _ENTITY.match(text, i)):
            name = entity.group(1)
            if name.startswith("#x"):
                out.append(chr(int(name[2:], 16)))
            elif name.startswith("#"):
                out.append(chr(int(name[1:])))
            else:
                out.append(_ENTITY_TEXT[name])
            i = entity.end()
        else:
            out.append(char)
            i += 1
    if open_tags:
        raise ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag \"{open_tags[-1]}\""
        )
    return "".join(out)


@dataclass(frozen=True)
class Fault:
    """Something going wrong with one Bot API request.

    kinds: ``retry_after`` (429 with parameters.retry_after), ``server_error`` (5xx),
    ``forbidden`` (403, as when the user blocked the bot), ``bad_request`` (400),
    ``timeout`` (the request is held for `delay` seconds, then dropped unanswered and
    unprocessed: lost on the way), ``slow`` (answered, and processed, after `delay` seconds).
    """

    kind: str
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        return cls("retry_after", retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls("server_error", status=status)

    @classmethod
    def forbidden(cls) -> Fault:
        return cls("forbidden")

    @classmethod
    def bad_request(cls) -> Fault:
        return cls("bad_request", status=400)

    @classmethod
    def timeout(cls, delay: float = 2.0) -> Fault:
        return cls("timeout", delay=delay)

    @classmethod
    def slow(cls, delay: float) -> Fault:
        return cls("slow", delay=delay)


@dataclass
class _ArmedFault:
    method: str
    fault: Fault
    chat_id: str | None
    remaining: int


@dataclass(frozen=True)
class Call:
    """One request the bot made; status 0 means the connection was dropped unanswered."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class Message:
    """A message in a chat, as the Bot API returns it (`data`); `html` is what the bot sent."""

    data: dict[str, Any]
    html: str | None = None
    edits: int = 0

    def snapshot(self) -> Message:
        """A copy as it is now (edits, like removing buttons, change the chat's own copy)."""
        return Message(copy.deepcopy(self.data), self.html, self.edits)

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.data["chat"]["id"])

    @property
    def text(self) -> str:
        """What the user reads: the text, or a document's caption."""
        return str(self.data.get("text", self.data.get("caption", "")))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, row by row."""
        markup = self.data.get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]

    @property
    def document(self) -> dict[str, Any] | None:
        return self.data.get("document")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str = ""
    mime_type: str = ""
    size: int = 0


class FakeUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(
        self, bot: FakeBot, user_id: int, first_name: str, username: str | None, language: str
    ) -> None:
        self.bot = bot
        self.user_id = user_id
        self.first_name = first_name
        self.username = username
        self.language = language

    @property
    def json(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language,
        }
        if self.username:
            user["username"] = self.username
        return user

    @property
    def chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {
            "id": self.user_id,
            "type": "private",
            "first_name": self.first_name,
        }
        if self.username:
            chat["username"] = self.username
        return chat

    # --- what the user does ---

    def text_update(self, text: str) -> dict[str, Any]:
        """A text-message update, numbered but not queued (to POST to a webhook by hand)."""
        message: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.bot.make_update({"message": self.bot.user_message(self, message)})

    def send_text(self, text: str) -> int:
        return self.bot.push(self.text_update(text))

    def press(self, message: Message, label: str) -> int:
        """Press the inline button shown with `label` on `message`."""
        for shown, data in message.buttons:
            if shown == label:
                return self.press_data(message, data)
        raise AssertionError(
            f"no button {label!r} on message {message.message_id}: {message.buttons}"
        )

    def press_data(self, message: Message, data: str) -> int:
        query_id = self.bot.new_callback_query_id()
        return self.bot.push(
            self.bot.make_update(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self.json,
                        "message": message.data,
                        "chat_instance": f"ci-{self.user_id}",
                        "data": data,
                    }
                }
            )
        )

    def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str = "application/pdf",
        *,
        caption: str | None = None,
        claimed_size: int | None = None,
    ) -> int:
        """Upload a file; `claimed_size` pretends it is that big without sending the bytes."""
        stored = self.bot.store_file(
            data, folder="documents", file_name=file_name, mime_type=mime_type, size=claimed_size
        )
        content: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": stored.size,
            }
        }
        if caption:
            content["caption"] = caption
        return self.bot.push(
            self.bot.make_update({"message": self.bot.user_message(self, content)})
        )

    def send_photo(
        self, data: bytes, *, caption: str | None = None, claimed_size: int | None = None
    ) -> int:
        thumb = self.bot.store_file(data[:64], folder="photos", file_name="thumb.jpg")
        full = self.bot.store_file(data, folder="photos", file_name="photo.jpg", size=claimed_size)
        sizes = [
            {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "width": w, "height": w,
             "file_size": f.size}
            for f, w in ((thumb, 90), (full, 1280))
        ]  # fmt: skip
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self.bot.push(
            self.bot.make_update({"message": self.bot.user_message(self, content)})
        )

    def send_sticker(self) -> int:
        content = {"sticker": {"file_id": "sticker-1", "file_unique_id": "s1", "width": 512,
                               "height": 512, "is_animated": False, "is_video": False,
                               "type": "regular"}}  # fmt: skip
        return self.bot.push(
            self.bot.make_update({"message": self.bot.user_message(self, content)})
        )

    def block_bot(self) -> None:
        self.bot.set_blocked(self.user_id, True)

    def unblock_bot(self) -> None:
        self.bot.set_blocked(self.user_id, False)

    # --- what the user sees ---

    @property
    def messages(self) -> list[Message]:
        return self.bot.messages_in(self.user_id)

    def wait_for_messages(self, count: int, timeout: float = DEFAULT_WAIT) -> list[Message]:
        """Wait until the bot has sent at least `count` messages to this chat; return them all."""
        return self.bot.wait_for_chat(self.user_id, count, timeout)


class FakeBot:
    """The server-side state of one bot token."""

    def __init__(self, server: FakeTelegram, token: str, username: str) -> None:
        self.server = server
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.username = username
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # anything changed
        self._updates_ready = threading.Condition(self._lock)
        self._chat_changed: dict[int, threading.Condition] = {}
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, FakeUser] = {}
        self._blocked: set[int] = set()
        self._faults: list[_ArmedFault] = []
        self._webhook: dict[str, Any] | None = None
        self._webhook_thread: threading.Thread | None = None
        self.calls: list[Call] = []
        self.sent: list[Message] = []  # every message the bot sent, in order
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self._open_queries: set[str] = set()
        self._chat_messages: dict[int, list[Message]] = {}

    # --- users and updates ---

    @property
    def user_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": "baocao",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def user(
        self,
        user_id: int,
        first_name: str = "Người dùng",
        *,
        username: str | None = None,
        language: str = "vi",
    ) -> FakeUser:
        with self._lock:
            if user_id not in self._users:
                user = FakeUser(self, user_id, first_name, username, language)
                self._users[user_id] = user
                self._chats[user_id] = user.chat
            return self._users[user_id]

    def make_update(self, content: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"update_id": next(self._update_ids), **content}

    def user_message(self, user: FakeUser, content: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {
                "message_id": self._next_message_id(user.user_id),
                "date": int(time.time()),
                "chat": user.chat,
                "from": user.json,
                **content,
            }

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (or the webhook); returns its update_id."""
        with self._lock:
            self._pending.append(update)
            self._updates_ready.notify_all()
            self._changed.notify_all()
            return int(update["update_id"])

    def new_callback_query_id(self) -> str:
        with self._lock:
            query_id = f"cq-{next(self._query_ids)}"
            self._open_queries.add(query_id)
            return query_id

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending)

    def set_blocked(self, chat_id: int, blocked: bool) -> None:
        with self._lock:
            (self._blocked.add if blocked else self._blocked.discard)(chat_id)

    def store_file(
        self,
        data: bytes,
        *,
        folder: str,
        file_name: str,
        mime_type: str = "",
        size: int | None = None,
    ) -> StoredFile:
        with self._lock:
            number = next(self._file_ids)
            safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", file_name) or "file"
            stored = StoredFile(
                file_id=f"{folder}-{number}-{self.id}",
                file_unique_id=f"u{number}",
                file_path=f"{folder}/file_{number}_{safe_name}",
                data=data,
                file_name=file_name,
                mime_type=mime_type,
                size=len(data) if size is None else size,
            )
            self.files[stored.file_id] = stored
            return stored

    # --- faults ---

    def inject(
        self, method: str, fault: Fault, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) meet `fault`."""
        with self._lock:
            self._faults.append(
                _ArmedFault(method, fault, None if chat_id is None else str(chat_id), times)
            )

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._lock:
            for armed in self._faults:
                if armed.method != method or armed.remaining <= 0:
                    continue
                if armed.chat_id is not None and str(params.get("chat_id")) != armed.chat_id:
                    continue
                armed.remaining -= 1
                return armed.fault
            return None

    # --- reading what happened ---

    def messages_in(self, chat_id: int) -> list[Message]:
        with self._lock:
            return list(self._chat_messages.get(chat_id, []))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def menu(self, *, chat_id: int | None = None, language: str = "") -> list[tuple[str, str]]:
        """The command menu set for the default scope, or for one chat."""
        scope = {"type": "default"} if chat_id is None else {"type": "chat", "chat_id": chat_id}
        with self._lock:
            stored = self.commands.get((_scope_key(scope), language), [])
            return [(c["command"], c["description"]) for c in stored]

    def has_menu(self, *, chat_id: int, language: str = "") -> bool:
        scope = {"type": "chat", "chat_id": chat_id}
        with self._lock:
            return (_scope_key(scope), language) in self.commands

    @property
    def webhook(self) -> dict[str, Any] | None:
        with self._lock:
            return dict(self._webhook) if self._webhook else None

    def wait_until(
        self, predicate: Callable[[], T], *, timeout: float = DEFAULT_WAIT, what: str = ""
    ) -> T:
        """Wait (on a condition, with a deadline) until `predicate()` is truthy; return it."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"waited {timeout}s for {what or predicate}")
                self._changed.wait(remaining)

    def wait_for_chat(
        self, chat_id: int, count: int, timeout: float = DEFAULT_WAIT
    ) -> list[Message]:
        deadline = time.monotonic() + timeout
        with self._lock:
            condition = self._chat_changed.setdefault(chat_id, threading.Condition(self._lock))
            while len(self._chat_messages.get(chat_id, [])) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [m.text[:60] for m in self._chat_messages.get(chat_id, [])]
                    raise AssertionError(
                        f"waited {timeout}s for {count} messages to chat {chat_id}; got {seen}"
                    )
                condition.wait(remaining)
            return list(self._chat_messages[chat_id])

    # --- the API ---

    def call(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
    ) -> tuple[int, dict[str, Any]] | None:
        """Answer one request: (HTTP status, JSON body), or None to drop the connection."""
        fault = self._take_fault(method, params)
        if fault is not None and fault.kind == "timeout":
            self._record(method, params, 0)  # recorded on arrival: it will never be answered
            self.server.stopping.wait(fault.delay)
            return None
        if fault is not None and fault.kind == "slow" and self.server.stopping.wait(fault.delay):
            self._record(method, params, 0)
            return None
        if fault is not None and fault.kind not in ("timeout", "slow"):
            error = {
                "retry_after": ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                ),
                "server_error": ApiError(fault.status, "Internal Server Error"),
                "forbidden": ApiError(403, "Forbidden: bot was blocked by the user"),
                "bad_request": ApiError(400, "Bad Request: injected fault"),
            }[fault.kind]
            self._record(method, params, error.status)
            return error.status, error.payload()
        handler = self._methods().get(method.lower())
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params, files)
        except ApiError as error:
            self._record(method, params, error.status)
            return error.status, error.payload()
        self._record(method, params, 200)
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, params: dict[str, Any], status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status, time.monotonic()))
            self._changed.notify_all()

    def _methods(self) -> dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]]:
        return {
            "getme": lambda p, f: self.user_json,
            "logout": lambda p, f: True,
            "close": lambda p, f: True,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "sendchataction": self._send_chat_action,
        }

    def _get_updates(self, params: dict[str, Any], files: dict[str, Any]) -> list[dict]:
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._webhook:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset > 0:  # confirms (forgets) every update before it
                before = len(self._pending)
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
                if len(self._pending) != before:
                    self._changed.notify_all()
            while not self._pending and not self.server.stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._updates_ready.wait(remaining)
            return list(self._pending[:limit])

    def _set_webhook(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            if _truthy(params.get("drop_pending_updates")):
                self._pending.clear()
            if not url:
                self._webhook = None
            else:
                self._webhook = {"url": url, "secret_token": secret}
                if self._webhook_thread is None or not self._webhook_thread.is_alive():
                    self._webhook_thread = threading.Thread(
                        target=self._deliver_to_webhook, name="fake-telegram-webhook", daemon=True
                    )
                    self._webhook_thread.start()
            self._updates_ready.notify_all()
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        with self._lock:
            self._webhook = None
            if _truthy(params.get("drop_pending_updates")):
                self._pending.clear()
            self._updates_ready.notify_all()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        with self._lock:
            return {
                "url": self._webhook["url"] if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }

    def _send_message(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        chat = self._writable_chat(params)
        html = str(params.get("text") or "")
        visible = self._visible(html, params.get("parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._markup(params.get("reply_markup"))
        return self._new_message(chat, {"text": visible}, markup, html).data

    def _send_document(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        chat = self._writable_chat(params)
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            upload = files.get(document.removeprefix("attach://"))
        else:
            upload = files.get("document")
        if upload is not None:
            name, data, mime = upload
            stored = self.store_file(data, folder="documents", file_name=name, mime_type=mime)
        elif isinstance(document, str) and document in self.files:
            stored = self.files[document]
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        content: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": stored.file_name,
                "mime_type": stored.mime_type,
                "file_size": stored.size,
            }
        }
        html = params.get("caption")
        if html:
            visible = self._visible(str(html), params.get("parse_mode"))
            if utf16_len(visible) > CAPTION_LIMIT:
                raise ApiError(400, "Bad Request: message caption is too long")
            content["caption"] = visible
        markup = self._markup(params.get("reply_markup"))
        return self._new_message(chat, content, markup, html).data

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        message = self._own_message(params)
        html = str(params.get("text") or "")
        visible = self._visible(html, params.get("parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._markup(params.get("reply_markup"))
        with self._lock:
            if visible == message.data.get("text") and markup == message.data.get("reply_markup"):
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup of "
                    "the message",
                )
            message.data = {**message.data, "text": visible, "edit_date": int(time.time())}
            message.html = html
            self._set_markup(message, markup)
            return message.data

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        message = self._own_message(params)
        markup = self._markup(params.get("reply_markup"))
        with self._lock:
            if markup == message.data.get("reply_markup"):
                raise ApiError(400, "Bad Request: message is not modified")
            message.data = {**message.data, "edit_date": int(time.time())}
            self._set_markup(message, markup)
            return message.data

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        with self._lock:
            if query_id not in self._open_queries:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is "
                    "invalid",
                )
            self._open_queries.discard(query_id)
            self.callback_answers[query_id] = {
                "text": params.get("text"),
                "show_alert": _truthy(params.get("show_alert")),
            }
            self._changed.notify_all()
        return True

    def _get_file(self, params: dict[str, Any], files: dict[str, Any]) -> dict:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > GET_FILE_LIMIT and self.server.enforce_get_file_limit:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        commands = _json_param(params.get("commands")) or []
        for command in commands:
            if not COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(_json_param(params.get("scope"))), str(params.get("language_code") or ""))
        with self._lock:
            self.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
            self._changed.notify_all()
        return True

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        key = (_scope_key(_json_param(params.get("scope"))), str(params.get("language_code") or ""))
        with self._lock:
            self.commands.pop(key, None)
            self._changed.notify_all()
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, Any]) -> list:
        key = (_scope_key(_json_param(params.get("scope"))), str(params.get("language_code") or ""))
        with self._lock:
            return list(self.commands.get(key, []))

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        chat = self._writable_chat(params)
        with self._lock:
            self.chat_actions.append((int(chat["id"]), str(params.get("action"))))
            self._changed.notify_all()
        return True

    # --- helpers of the API ---

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _writable_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            chat_id = int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                raise ApiError(400, "Bad Request: chat not found")
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return chat

    def _own_message(self, params: dict[str, Any]) -> Message:
        chat = self._writable_chat(params)
        message_id = int(params.get("message_id") or 0)
        with self._lock:
            for message in self._chat_messages.get(int(chat["id"]), []):
                if message.message_id == message_id:
                    return message
        raise ApiError(400, "Bad Request: message to edit not found")

    @staticmethod
    def _visible(text: str, parse_mode: Any) -> str:
        if parse_mode is None or str(parse_mode) == "":
            return text
        if str(parse_mode).upper() != "HTML":
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
        return parse_html(text)

    @staticmethod
    def _markup(raw: Any) -> dict[str, Any] | None:
        markup = _json_param(raw)
        if not markup:
            return None
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            raise ApiError(400, "Bad Request: unsupported reply_markup")
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _set_markup(self, message: Message, markup: dict[str, Any] | None) -> None:
        if markup:
            message.data["reply_markup"] = markup
        else:
            message.data.pop("reply_markup", None)
        message.edits += 1
        self._notify_chat(message.chat_id)

    def _new_message(
        self,
        chat: dict[str, Any],
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        html: Any,
    ) -> Message:
        chat_id = int(chat["id"])
        with self._lock:
            data: dict[str, Any] = {
                "message_id": self._next_message_id(chat_id),
                "date": int(time.time()),
                "chat": chat,
                "from": self.user_json,
                **content,
            }
            if markup:
                data["reply_markup"] = markup
            message = Message(data, None if html is None else str(html))
            self.sent.append(message)
            self._chat_messages.setdefault(chat_id, []).append(message)
            self._notify_chat(chat_id)
            return message

    def _notify_chat(self, chat_id: int) -> None:
        condition = self._chat_changed.get(chat_id)
        if condition is not None:
            condition.notify_all()
        self._changed.notify_all()

    def _deliver_to_webhook(self) -> None:
        """POST pending updates to the webhook in order, as Telegram does, retrying failures."""
        while True:
            with self._lock:
                while self._webhook and not self._pending and not self.server.stopping.is_set():
                    self._updates_ready.wait()
                if not self._webhook or self.server.stopping.is_set():
                    return
                update = self._pending[0]
                url, secret = self._webhook["url"], self._webhook.get("secret_token")
            status = post_update(url, update, secret_token=secret)
            with self._lock:
                self.webhook_deliveries.append((int(update["update_id"]), status))
                if 200 <= status < 300:
                    if self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                    self._changed.notify_all()
                    continue
                self._changed.notify_all()
            self.server.stopping.wait(0.05)  # a failed delivery is retried after a pause

    def _shutdown(self) -> None:
        with self._lock:
            self._updates_ready.notify_all()
            thread = self._webhook_thread
        if thread is not None:
            thread.join(timeout=5)


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _json_param(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON") from None
    return value


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def post_update(url: str, update: dict[str, Any], *, secret_token: str | None = None) -> int:
    """POST one update to a webhook, as Telegram does; returns the HTTP status (0: no answer)."""
    headers = {"Content-Type": "application/json"}
    if secret_token is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
    request = urllib.request.Request(
        url, data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=DEFAULT_WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)
    except OSError:
        return 0


def parse_body(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
    """Request parameters from the query string and a form, multipart or JSON body."""
    params: dict[str, Any] = dict(parse_qsl(query))
    files: dict[str, tuple[str, bytes, str]] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" and body:
        params.update(json.loads(body))
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode()))
    elif kind == "multipart/form-data":
        message = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (filename, data, part.get_content_type())
            else:
                params[str(name)] = data.decode()
    return params, files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real server
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer back ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `bot.calls` instead."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)  # PTB quotes download URLs, and the token's ':' with them
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        if file_match := FILE_PATH.fullmatch(path):
            data = fake.download(file_match["token"], file_match["path"])
            if data is None:
                self._answer(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            else:
                self._answer(200, data, "application/octet-stream")
            return
        match = API_PATH.fullmatch(path)
        if match is None:
            self._answer(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            return
        try:
            params, files = parse_body(parts.query, self.headers.get("Content-Type", ""), body)
        except ValueError:
            self._answer(400, b'{"ok":false,"error_code":400,"description":"Bad Request"}')
            return
        answer = fake.call(match["token"], match["method"], params, files)
        if answer is None:  # a request lost on the way: no answer at all
            self.close_connection = True
            return
        status, payload = answer
        self._answer(status, json.dumps(payload).encode())

    def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a cancelled long poll, a timed-out request) is normal."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(self, address: tuple[str, int], fake: FakeTelegram) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(connection)

    def close_connections(self) -> None:
        """Wake handler threads waiting on idle keep-alive connections, so they end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class FakeTelegram:
    """The server: `with FakeTelegram() as tg: bot = tg.add_bot(); ... tg.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._bots: dict[str, FakeBot] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.enforce_get_file_limit = True

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_bot(self, token: str = DEFAULT_TOKEN, username: str = "baocao_test_bot") -> FakeBot:
        with self._lock:
            bot = self._bots[token] = FakeBot(self, token, username)
            return bot

    def bot(self, token: str = DEFAULT_TOKEN) -> FakeBot:
        return self._bots[token]

    def call(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes, str]],
    ) -> tuple[int, dict[str, Any]] | None:
        bot = self._bots.get(token)
        if bot is None:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return bot.call(method, params, files)

    def download(self, token: str, path: str) -> bytes | None:
        bot = self._bots.get(token)
        if bot is None:
            return None
        for stored in list(bot.files.values()):
            if stored.file_path == path:
                return stored.data
        return None

    def start(self) -> FakeTelegram:
        self.stopping.clear()
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for bot in list(self._bots.values()):
            bot._shutdown()
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LoopThread:
    """An asyncio event loop in its own thread, so a synchronous test can run an async bot
    beside the fake and wait on both with plain blocking calls."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="bot-loop", daemon=True)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = DEFAULT_WAIT) -> T:
        """Run `coroutine` on the loop and wait (at most `timeout`) for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __enter__(self) -> LoopThread:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        async def cancel_rest() -> None:
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        try:
            self.run(cancel_rest())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=DEFAULT_WAIT)
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()
