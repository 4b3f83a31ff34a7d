"""A fake Zalo Bot API server, speaking real HTTP on 127.0.0.1 (standard library only).

It behaves as `../shared/reference/zalo-bot-api.md` describes the real one: `/bot<token>/<method>`
by GET or POST (JSON, form or query); answers `{ok, result}` or `{ok:false, error_code,
description}`, errors sometimes with HTTP 200; getUpdates returns ONE update and forgets it at
once (no offset, no acknowledgement), or `408` after the poll timeout when there is none; text
of at most 2,000 characters; no buttons, no files; a chat can only be written to after its user
wrote to the bot; the webhook POSTs updates with the `X-Bot-Api-Secret-Token` header.

A test plays users (`zalo.user("Lan").send_text("/start …")`, `send_photo`, `send_sticker`),
reads what the bot sent (`user.wait_for_messages(2)`), and injects faults
(`zalo.inject("sendMessage", Fault.quota())`). Waiting is always on a condition with a deadline,
never a sleep.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

T = TypeVar("T")

DEFAULT_TOKEN = "3141592653589793238:zalo-TEST-secret-do-not-log"
DEFAULT_WAIT = 5.0  # seconds a test waits for something before failing
TEXT_LIMIT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?")
PHOTO_PATH = re.compile(r"/photos/(?P<name>[A-Za-z0-9_.-]+)")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def now_ms() -> int:
    return int(time.time() * 1000)


class ApiError(Exception):
    def __init__(
        self, code: int, description: str, *, status: int | None = None, spelling: str = ""
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = code if status is None else status
        self.spelling = spelling or "error_code"

    def payload(self) -> dict[str, Any]:
        return {"ok": False, self.spelling: self.code, "description": self.description}


@dataclass(frozen=True)
class Fault:
    """Something going wrong with one Bot API request.

    kinds: ``error`` (ok:false with `code`, on HTTP `status`: 200 as Zalo often does),
    ``slow`` (answered, and processed, after `delay` seconds), ``timeout`` (held for `delay`
    seconds, then dropped unanswered and unprocessed).
    """

    kind: str
    code: int = 0
    status: int = 200
    description: str = ""
    spelling: str = "error_code"
    delay: float = 0.0

    @classmethod
    def ok_false(
        cls, code: int, description: str, *, status: int = 200, spelling: str = "error_code"
    ) -> Fault:
        return cls("error", code, status, description, spelling)

    @classmethod
    def empty_poll(cls, *, status: int = 200) -> Fault:
        return cls.ok_false(408, "Request timeout", status=status)

    @classmethod
    def quota(cls, *, status: int = 429) -> Fault:
        return cls.ok_false(429, "Quota exceeded", status=status)

    @classmethod
    def rate_limited(cls) -> Fault:
        return cls.ok_false(429, "Too many requests", status=429)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls.ok_false(status, "Internal Server Error", status=status)

    @classmethod
    def forbidden(cls) -> Fault:
        return cls.ok_false(403, "Forbidden", status=403)

    @classmethod
    def slow(cls, delay: float) -> Fault:
        return cls("slow", delay=delay)

    @classmethod
    def timeout(cls, delay: float = 2.0) -> Fault:
        return cls("timeout", delay=delay)


@dataclass
class _ArmedFault:
    method: str
    fault: Fault
    chat_id: str | None
    remaining: int
    skip: int = 0  # matching calls let through before the fault applies


@dataclass(frozen=True)
class Call:
    """One request the bot made; status 0 means the connection was dropped unanswered."""

    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    at: float


@dataclass(frozen=True)
class Sent:
    """A message the bot sent: text (sendMessage) or a photo with its caption (sendPhoto)."""

    chat_id: str
    method: str
    message_id: str
    date: int
    text: str = ""
    photo: str = ""


class FakeZaloUser:
    """A Zalo user in a private chat with the bot (chat id == user id)."""

    def __init__(self, bot: FakeZaloBot, user_id: str, display_name: str) -> None:
        self.bot = bot
        self.user_id = user_id
        self.display_name = display_name

    # --- what the user does ---

    def update(self, event_name: str, content: dict[str, Any]) -> dict[str, Any]:
        """An update from this user, not queued (to POST to a webhook by hand)."""
        message = {
            "from": {"id": self.user_id, "display_name": self.display_name, "is_bot": False},
            "chat": {"id": self.user_id, "chat_type": "PRIVATE"},
            "message_id": secrets.token_hex(16),
            "date": now_ms(),
            **content,
        }
        return {"event_name": event_name, "message": message}

    def text_update(self, text: str) -> dict[str, Any]:
        return self.update("message.text.received", {"text": text})

    def send_text(self, text: str) -> dict[str, Any]:
        return self.bot.push(self.text_update(text))

    def send_photo(self, url: str, *, caption: str | None = None) -> dict[str, Any]:
        content: dict[str, Any] = {"photo": url}
        if caption:
            content["caption"] = caption
        return self.bot.push(self.update("message.image.received", content))

    def send_sticker(self) -> dict[str, Any]:
        return self.bot.push(
            self.update("message.sticker.received", {"sticker": "ab12cd34", "url": ""})
        )

    def send_unsupported(self) -> dict[str, Any]:
        return self.bot.push(self.update("message.unsupported.received", {}))

    def block_bot(self) -> None:
        self.bot.set_blocked(self.user_id, True)

    def unblock_bot(self) -> None:
        self.bot.set_blocked(self.user_id, False)

    # --- what the user sees ---

    @property
    def messages(self) -> list[Sent]:
        return self.bot.messages_in(self.user_id)

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    def wait_for_messages(self, count: int, timeout: float = DEFAULT_WAIT) -> list[Sent]:
        """Wait until the bot has sent at least `count` messages to this chat; return them all."""
        return self.bot.wait_for_chat(self.user_id, count, timeout)

    def wait_for_text(self, needle: str, timeout: float = DEFAULT_WAIT) -> Sent:
        """Wait for a message containing `needle`; return it."""
        return self.bot.wait_until(
            lambda: next((m for m in self.messages if needle in m.text), None),
            timeout=timeout,
            what=f"a message with {needle!r} to {self.display_name}",
        )


class FakeZaloBot:
    """The server-side state of one bot token."""

    def __init__(self, server: FakeZalo, token: str, account_name: str) -> None:
        self.server = server
        self.token = token
        self.id = token.split(":", 1)[0]
        self.account_name = account_name
        self.empty_poll_status = 200  # the real server answers an empty poll with 200 or 408
        self.webhook_wrapped = False  # POST updates as {ok, result} instead of bare
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._updates_ready = threading.Condition(self._lock)
        self._pending: list[dict[str, Any]] = []
        self._polls_in_flight = 0  # getUpdates calls waiting (a stopped bot's may linger)
        self._users: dict[str, FakeZaloUser] = {}
        self._wrote: set[str] = set()  # chats whose user wrote to the bot: it may answer them
        self._blocked: set[str] = set()
        self._faults: list[_ArmedFault] = []
        self._webhook: dict[str, Any] | None = None
        self._webhook_thread: threading.Thread | None = None
        self._chat_messages: dict[str, list[Sent]] = {}
        self._message_ids = itertools.count(1)
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.chat_actions: list[tuple[str, str]] = []
        self.delivered: list[dict[str, Any]] = []  # updates handed out by getUpdates or webhook
        self.webhook_deliveries: list[tuple[str, int]] = []  # (message_id, HTTP status)
        self.photos: dict[str, bytes] = {}

    # --- users and updates ---

    def user(self, display_name: str = "Người dùng", user_id: str | None = None) -> FakeZaloUser:
        with self._lock:
            user_id = user_id or secrets.token_hex(10)  # 20 hex characters, as Zalo's
            if user_id not in self._users:
                self._users[user_id] = FakeZaloUser(self, user_id, display_name)
            return self._users[user_id]

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (or the webhook); returns it."""
        with self._lock:
            self._wrote.add(str(update["message"]["chat"]["id"]))
            self._pending.append(update)
            self._updates_ready.notify_all()
            self._changed.notify_all()
            return update

    def open_chat(self, chat_id: str) -> None:
        """Let the bot write to `chat_id`, as when its user wrote first (for updates a test
        POSTs to a webhook by hand)."""
        with self._lock:
            self._wrote.add(chat_id)

    @property
    def polls_in_flight(self) -> int:
        with self._lock:
            return self._polls_in_flight

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending)

    def set_blocked(self, chat_id: str, blocked: bool) -> None:
        with self._lock:
            (self._blocked.add if blocked else self._blocked.discard)(chat_id)

    def host_photo(self, data: bytes, name: str = "anh.jpg") -> str:
        """Serve `data` at a public URL (as Zalo's CDN serves photos users send)."""
        with self._lock:
            stored = f"{secrets.token_hex(8)}-{name}"
            self.photos[stored] = data
            return f"{self.server.url}/photos/{stored}"

    # --- faults ---

    def inject(
        self,
        method: str,
        fault: Fault,
        *,
        times: int = 1,
        chat_id: str | None = None,
        after: int = 0,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) meet `fault`, once
        `after` such calls have gone through untouched."""
        with self._lock:
            self._faults.append(_ArmedFault(method, fault, chat_id, times, after))

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._lock:
            for armed in self._faults:
                if armed.method != method or armed.remaining <= 0:
                    continue
                if armed.chat_id is not None and str(params.get("chat_id")) != armed.chat_id:
                    continue
                if armed.skip > 0:
                    armed.skip -= 1
                    return None
                armed.remaining -= 1
                return armed.fault
            return None

    # --- reading what happened ---

    def messages_in(self, chat_id: str) -> list[Sent]:
        with self._lock:
            return list(self._chat_messages.get(chat_id, []))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

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

    def wait_for_chat(self, chat_id: str, count: int, timeout: float = DEFAULT_WAIT) -> list[Sent]:
        def enough() -> list[Sent] | None:
            messages = self._chat_messages.get(chat_id, [])
            return list(messages) if len(messages) >= count else None

        try:
            return self.wait_until(enough, timeout=timeout)
        except AssertionError:
            seen = [m.text[:60] for m in self.messages_in(chat_id)]
            raise AssertionError(
                f"waited {timeout}s for {count} messages to chat {chat_id}; got {seen}"
            ) from None

    # --- the API ---

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """Answer one request: (HTTP status, JSON body), or None to drop the connection."""
        fault = self._take_fault(method, params)
        if fault is not None and fault.kind == "timeout":
            self._record(method, params, 0, False)  # recorded on arrival: never answered
            self.server.stopping.wait(fault.delay)
            return None
        if fault is not None and fault.kind == "slow" and self.server.stopping.wait(fault.delay):
            self._record(method, params, 0, False)
            return None
        try:
            if fault is not None and fault.kind == "error":
                raise ApiError(
                    fault.code, fault.description, status=fault.status, spelling=fault.spelling
                )
            handler = self._methods().get(method)  # method names are case-sensitive
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params)
        except ApiError as error:
            self._record(method, params, error.status, False)
            return error.status, error.payload()
        self._record(method, params, 200, True)
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, params: dict[str, Any], status: int, ok: bool) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status, ok, time.monotonic()))
            self._changed.notify_all()

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        timeout = float(params.get("timeout") or 30)
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._webhook:
                raise ApiError(400, "Webhook is set: getUpdates is not available")
            self._polls_in_flight += 1
            try:
                while not self._pending and not self.server.stopping.is_set():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._updates_ready.wait(remaining)
            finally:
                self._polls_in_flight -= 1
                self._changed.notify_all()
            if not self._pending:
                raise ApiError(408, "Request timeout", status=self.empty_poll_status)
            update = self._pending.pop(0)  # forgotten once handed out: no acknowledgement
            self.delivered.append(update)
            self._changed.notify_all()
            return update

    def _set_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        url = str(params.get("url") or "")
        secret = str(params.get("secret_token") or "")
        if not url.startswith(("https://", "http://")):
            raise ApiError(400, "Invalid webhook url")
        if not 8 <= len(secret) <= 256:
            raise ApiError(400, "secret_token must be 8-256 characters")
        with self._lock:
            self._webhook = {"url": url, "secret_token": secret, "updated_at": now_ms()}
            if self._webhook_thread is None or not self._webhook_thread.is_alive():
                self._webhook_thread = threading.Thread(
                    target=self._deliver_to_webhook, name="fake-zalo-webhook", daemon=True
                )
                self._webhook_thread.start()
            self._updates_ready.notify_all()
            return {"url": url, "updated_at": self._webhook["updated_at"], "verification": {}}

    def _delete_webhook(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._webhook = None
            self._updates_ready.notify_all()
        return {"url": "", "updated_at": now_ms()}

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if not self._webhook:
                # This endpoint spells the code errorCode (see the reference).
                raise ApiError(404, "Webhook not found", status=200, spelling="errorCode")
            return {"url": self._webhook["url"], "updated_at": self._webhook["updated_at"]}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._writable_chat(params)
        text = str(params.get("text") or "")
        if not text:
            raise ApiError(400, "text is required")
        if utf16_len(text) > TEXT_LIMIT:
            raise ApiError(400, f"text is longer than {TEXT_LIMIT} characters")
        if params.get("parse_mode") not in (None, "", "markdown", "html"):
            raise ApiError(400, "unsupported parse_mode")
        return self._new_message(chat_id, "sendMessage", text=text)

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._writable_chat(params)
        photo = str(params.get("photo") or "")
        if not photo.startswith(("https://", "http://")):
            raise ApiError(400, "photo must be a public URL")
        caption = str(params.get("caption") or "")
        if utf16_len(caption) > TEXT_LIMIT:
            raise ApiError(400, f"caption is longer than {TEXT_LIMIT} characters")
        return self._new_message(chat_id, "sendPhoto", text=caption, photo=photo)

    def _send_chat_action(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._writable_chat(params)
        with self._lock:
            self.chat_actions.append((chat_id, str(params.get("action") or "")))
            self._changed.notify_all()
        return {"ok": True}

    def _writable_chat(self, params: dict[str, Any]) -> str:
        chat_id = str(params.get("chat_id") or "")
        with self._lock:
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: the user blocked the bot")
            if chat_id not in self._wrote:  # the bot can only answer a chat that wrote first
                raise ApiError(400, "Chat not found or the user has not messaged the bot")
            return chat_id

    def _new_message(self, chat_id: str, method: str, *, text: str, photo: str = "") -> dict:
        with self._lock:
            sent = Sent(
                chat_id=chat_id,
                method=method,
                message_id=f"m{next(self._message_ids)}",
                date=now_ms(),
                text=text,
                photo=photo,
            )
            self.sent.append(sent)
            self._chat_messages.setdefault(chat_id, []).append(sent)
            self._changed.notify_all()
            return {"message_id": sent.message_id, "date": sent.date}

    def _deliver_to_webhook(self) -> None:
        """POST pending updates to the webhook in order, retrying failures after a pause."""
        while True:
            with self._lock:
                while self._webhook and not self._pending and not self.server.stopping.is_set():
                    self._updates_ready.wait()
                if not self._webhook or self.server.stopping.is_set():
                    return
                update = self._pending[0]
                url, secret = self._webhook["url"], self._webhook["secret_token"]
                body = {"ok": True, "result": update} if self.webhook_wrapped else update
            status = post_update(url, body, secret_token=secret)
            with self._lock:
                self.webhook_deliveries.append((str(update["message"]["message_id"]), status))
                if 200 <= status < 300:
                    if self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                        self.delivered.append(update)
                    self._changed.notify_all()
                    continue
                self._changed.notify_all()
            self.server.stopping.wait(0.05)

    def _shutdown(self) -> None:
        with self._lock:
            self._updates_ready.notify_all()
            thread = self._webhook_thread
        if thread is not None:
            thread.join(timeout=5)


def post_update(url: str, body: Any, *, secret_token: str | None = None) -> int:
    """POST one update to a webhook, as Zalo does; returns the HTTP status (0: no answer)."""
    headers = {"Content-Type": "application/json"}
    if secret_token is not None:
        headers[SECRET_HEADER] = secret_token
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DEFAULT_WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)
    except OSError:
        return 0


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    """GET a URL: (status, body, headers); for download links in tests."""
    try:
        with urllib.request.urlopen(url, timeout=DEFAULT_WAIT) as response:
            return int(response.status), response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), error.read(), dict(error.headers)


def parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Request parameters from the query string and a JSON or form body."""
    params: dict[str, Any] = dict(parse_qsl(query))
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" and body:
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise ValueError("not a JSON object")
        params.update(loaded)
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode()))
    return params


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real server
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Without this, Nagle's algorithm and delayed ACKs hold every answer back ~40 ms.
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
        path = unquote(parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        if photo := PHOTO_PATH.fullmatch(path):
            data = fake.photo(photo["name"])
            if data is None:
                self._answer(404, b"not found", "text/plain")
            else:
                self._answer(200, data, "image/jpeg")
            return
        match = API_PATH.fullmatch(path)
        if match is None:
            self._answer(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            return
        try:
            params = parse_params(parts.query, self.headers.get("Content-Type", ""), body)
        except ValueError:
            self._answer(400, b'{"ok":false,"error_code":400,"description":"Bad Request"}')
            return
        answer = fake.call(match["token"], match["method"], params)
        if answer is None:  # a request lost on the way: no answer at all
            self.close_connection = True
            return
        status, payload = answer
        self._answer(status, json.dumps(payload, ensure_ascii=False).encode())

    def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeZalo) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a cancelled long poll, a timed-out request) is normal."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

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


class FakeZalo:
    """The server: `with FakeZalo() as server: zalo = server.add_bot(); ... server.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._bots: dict[str, FakeZaloBot] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_bot(self, token: str = DEFAULT_TOKEN, account_name: str = "baocao") -> FakeZaloBot:
        with self._lock:
            bot = self._bots[token] = FakeZaloBot(self, token, account_name)
            return bot

    def call(
        self, token: str, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]] | None:
        bot = self._bots.get(token)
        if bot is None:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return bot.call(method, params)

    def photo(self, name: str) -> bytes | None:
        for bot in list(self._bots.values()):
            if name in bot.photos:
                return bot.photos[name]
        return None

    def start(self) -> FakeZalo:
        self.stopping.clear()
        self._server = _Server(self._address, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-zalo",
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

    def __enter__(self) -> FakeZalo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
