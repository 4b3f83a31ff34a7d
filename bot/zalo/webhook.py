"""The Zalo webhook route on the bot's web endpoint (`bot.web`).

Zalo POSTs each update with the secret in `X-Bot-Api-Secret-Token`. The secret is compared in
constant time; a wrong or missing one gets 403 and nothing is stored. The body may be the
update itself or wrapped as {ok, result}. The answer comes as soon as the update is stored
(handling goes on afterwards); a duplicate is answered 200 and dropped.
"""

from __future__ import annotations

import hmac
import json
import logging
import re

from tornado.web import HTTPError

from bot.web import PlainHandler, Route
from bot.zalo.inbound import unwrap
from bot.zalo.inbox import ZaloInbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloWebhookHandler(PlainHandler):
    def initialize(self, secret: str, inbox: ZaloInbox) -> None:
        self.secret = secret.encode("utf-8")
        self.inbox = inbox

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            log.warning("Zalo webhook: a request without the right secret was refused")
            raise HTTPError(403)
        try:
            body = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError):
            raise HTTPError(400) from None
        update = unwrap(body)
        if update is None:  # a test ping or an event this bot does not know: nothing to keep
            self.finish({"ok": True})
            return
        try:
            await self.inbox.accept(update)
        except Exception as error:
            log.error("Zalo webhook: could not store an update: %s", type(error).__name__)
            raise HTTPError(500) from None
        self.finish({"ok": True})


def webhook_route(path: str, *, secret: str, inbox: ZaloInbox) -> Route:
    return (re.escape(path), ZaloWebhookHandler, {"secret": secret, "inbox": inbox})
