"""A thin, typed client of the Zalo Bot API (`<api>/bot<token>/<method>`) on httpx.

Every answer is checked: `ok` must be true, whatever the HTTP status says (Zalo answers errors
with HTTP 200 too), and the error code is read from `error_code` or `errorCode`. Errors come
out as `ZaloError` subclasses whose messages never contain the token.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.logs import Redaction
from bot.zalo.errors import (
    ZaloEmptyPoll,
    ZaloError,
    ZaloFileTooLarge,
    ZaloNetworkError,
    error_for,
)
from bot.zalo.values import BotInfo, SentMessage, WebhookInfo

log = logging.getLogger(__name__)

POLL_GRACE = 10.0  # the HTTP read timeout of getUpdates exceeds its poll timeout by this


class ZaloClient:
    def __init__(
        self,
        token: str,
        api_url: str,
        *,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        redact: Redaction | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self.redact = redact or Redaction([token])
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._http = httpx.AsyncClient(timeout=self._timeout, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
    ) -> Any:
        """The `result` of one method; raises a ZaloError subclass for anything else."""
        timeout = self._timeout if read_timeout is None else self._timeout_with(read_timeout)
        problem: ZaloError | None = None
        try:
            response = await self._http.post(
                self._base + method, json=params or {}, timeout=timeout
            )
        except httpx.TimeoutException:
            problem = ZaloNetworkError(method, 0, "timed out")
        except httpx.HTTPError as error:
            problem = ZaloNetworkError(
                method, 0, f"{type(error).__name__}: {self.redact(str(error))}"
            )
        if problem is not None:
            # Raised outside the except block: the httpx error (its request holds the URL, and
            # the URL the token) is not kept as this one's context.
            raise problem
        return self._result(method, response)

    def _timeout_with(self, read: float) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self._timeout.connect,
            read=read,
            write=self._timeout.write,
            pool=self._timeout.pool,
        )

    def _result(self, method: str, response: httpx.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if status == 408:  # an empty poll answered by a proxy, without a JSON body
                raise ZaloEmptyPoll(method, 408, "no update")
            code = status if status >= 400 else 0
            raise error_for(method, code, f"HTTP {status}: not a Bot API answer")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = _error_code(body, status)
        description = self.redact(str(body.get("description") or body.get("message") or ""))
        raise error_for(method, code, description)

    # --- the methods -------------------------------------------------------------------------

    async def get_me(self) -> BotInfo:
        return BotInfo.parse(await self.call("getMe"))

    async def get_updates(self, *, timeout: int) -> list[dict[str, Any]]:
        """Wait up to `timeout` seconds for updates. Zalo returns ONE update (some servers a
        list) and forgets it at once: the caller must store it before anything else."""
        result = await self.call(
            "getUpdates", {"timeout": timeout}, read_timeout=timeout + POLL_GRACE
        )
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def set_webhook(self, *, url: str, secret_token: str) -> WebhookInfo:
        return WebhookInfo.parse(
            await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        )

    async def delete_webhook(self) -> WebhookInfo:
        return WebhookInfo.parse(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> WebhookInfo:
        return WebhookInfo.parse(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> SentMessage:
        # No parse_mode: Zalo shows the text as it is, so user text needs no escaping.
        return SentMessage.parse(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo: str, *, caption: str = "") -> SentMessage:
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        return SentMessage.parse(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, *, limit: int) -> bytes:
        """The bytes at a public URL (a photo a user sent), at most `limit` of them."""
        problem: ZaloError | None = None
        data = bytearray()
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    problem = ZaloNetworkError("download", 0, f"HTTP {response.status_code}")
                else:
                    async for chunk in response.aiter_bytes():
                        data.extend(chunk)
                        if len(data) > limit:
                            problem = ZaloFileTooLarge("download", 0, "file too large")
                            break
        except httpx.HTTPError as error:
            problem = ZaloNetworkError("download", 0, type(error).__name__)
        if problem is not None:
            raise problem
        return bytes(data)


def _error_code(body: dict[str, Any], status: int) -> int:
    for name in ("error_code", "errorCode"):  # one endpoint spells it errorCode
        value = body.get(name)
        try:
            if value is not None:
                return int(value)
        except (TypeError, ValueError):
            continue
    return status if status >= 400 else 0
