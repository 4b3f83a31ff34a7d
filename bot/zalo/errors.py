"""Typed errors of the Zalo Bot API: every `ok:false` answer (even with HTTP 200) becomes one.

Messages carry the method, the code and Zalo's description, never the request URL (it holds
the bot token).
"""

from __future__ import annotations

QUOTA_WORDS = ("quota",)
QUOTA_RETRY_AFTER = 3600.0  # the free plan's quota is monthly: check back hourly, not sooner
RATE_RETRY_AFTER = 30.0


class ZaloError(Exception):
    """An answer that is not `ok`: `code` is Zalo's error code (0: no answer at all)."""

    def __init__(self, method: str, code: int, description: str) -> None:
        super().__init__(f"{method}: {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description


class ZaloNetworkError(ZaloError):
    """No usable answer: connection refused, timed out, or not a Bot API body."""


class ZaloFileTooLarge(ZaloNetworkError):
    """A download stopped at its size limit."""


class ZaloEmptyPoll(ZaloError):
    """408 from getUpdates: nothing came in during the poll. Not a failure."""


class ZaloBadRequest(ZaloError):
    """400: Zalo refuses the request as such (too long, unknown chat...)."""


class ZaloUnauthorized(ZaloError):
    """401: the token is wrong or revoked."""


class ZaloForbidden(ZaloError):
    """403: not allowed, e.g. the user blocked the bot."""


class ZaloNotFound(ZaloError):
    """404: unknown method, or nothing there (getWebhookInfo without a webhook)."""


class ZaloRateLimited(ZaloError):
    """429: too many requests, or the plan's message quota is used up ("Quota exceeded")."""

    @property
    def quota(self) -> bool:
        text = self.description.lower()
        return any(word in text for word in QUOTA_WORDS)

    @property
    def retry_after(self) -> float:
        return QUOTA_RETRY_AFTER if self.quota else RATE_RETRY_AFTER


class ZaloServerError(ZaloError):
    """5xx: Zalo's side failed; worth retrying later."""


_BY_CODE: dict[int, type[ZaloError]] = {
    400: ZaloBadRequest,
    401: ZaloUnauthorized,
    403: ZaloForbidden,
    404: ZaloNotFound,
    408: ZaloEmptyPoll,
    429: ZaloRateLimited,
}


def error_for(method: str, code: int, description: str) -> ZaloError:
    if code in _BY_CODE:
        return _BY_CODE[code](method, code, description)
    if code >= 500:
        return ZaloServerError(method, code, description)
    if code == 0:
        return ZaloNetworkError(method, code, description)
    return ZaloError(method, code, description)


def is_transient(error: ZaloError) -> bool:
    """Worth trying again later without anyone changing anything."""
    return isinstance(error, ZaloRateLimited | ZaloServerError | ZaloNetworkError)
