"""The Zalo adapter's parts on their own: reading updates (string ids, millisecond dates),
numbering options and splitting text, the client's answer checks (on httpx's MockTransport),
redaction, and the inbound update store (issue 8)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import select

from bot.logs import Redaction
from bot.zalo.client import POLL_GRACE, ZaloClient
from bot.zalo.errors import (
    ZaloEmptyPoll,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
    error_for,
)
from bot.zalo.inbound import chat_of, read_update, unwrap, update_key
from bot.zalo.outbound import TEXT_LIMIT, plan_texts, render, split_text
from bot.zalo.values import from_millis
from handlers.events import Option
from storage import inbound as store
from storage.db import transaction
from storage.models import InboundUpdate

TOKEN = "1234567890:SeCrEt-zalo-token-value"
USER = "6ede9afa66b8d1c2e3f4"


def update(event: str = "message.text.received", **content: object) -> dict:
    return {
        "event_name": event,
        "message": {
            "from": {"id": USER, "display_name": "Lan", "is_bot": False},
            "chat": {"id": USER, "chat_type": "PRIVATE"},
            "message_id": "2d9f0c7e1b",
            "date": 1_793_955_600_000,  # milliseconds
            **content,
        },
    }


# --- reading updates -------------------------------------------------------------------------


def test_a_text_update_becomes_an_event_with_string_ids_and_a_real_date():
    inbound = read_update(update(text="/help"), "vi")
    assert inbound is not None and inbound.event is not None
    event = inbound.event
    assert (event.channel, event.user_id, event.chat_id, event.text, event.user_name) == (
        "zalo",
        USER,
        USER,
        "/help",
        "Lan",
    )
    assert inbound.sent_at == datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


def test_numeric_ids_are_kept_exact_as_strings():
    raw = update(text="hi")
    raw["message"]["from"]["id"] = 12345678901234567890
    raw["message"]["chat"]["id"] = 12345678901234567890
    inbound = read_update(raw, "vi")
    assert inbound is not None and inbound.chat_id == "12345678901234567890"


def test_a_photo_becomes_an_attachment_whose_reference_is_its_url():
    for field in ("photo", "photo_url"):
        raw = update(
            "message.image.received", **{field: "https://photo.zdn.vn/a.jpg", "caption": "Ảnh"}
        )
        inbound = read_update(raw, "vi")
        assert inbound is not None and inbound.event is not None
        attachment = inbound.event.attachment
        assert attachment is not None and attachment.file_ref == "https://photo.zdn.vn/a.jpg"
        assert attachment.mime_type == "image/jpeg" and attachment.file_name.endswith(".jpg")
        assert inbound.event.text == "Ảnh"


def test_other_messages_get_an_answer_and_non_messages_are_ignored():
    for event in ("message.sticker.received", "message.voice.received",
                  "message.unsupported.received"):  # fmt: skip
        inbound = read_update(update(event), "vi")
        assert inbound is not None and inbound.event is None
        assert inbound.answer and "chỉ đọc được tin nhắn chữ và ảnh" in inbound.answer
    assert read_update({"event_name": "bot.ping"}, "vi") is None
    from_bot = update(text="hi")
    from_bot["message"]["from"]["is_bot"] = True
    assert read_update(from_bot, "vi") is None
    no_sender = update(text="hi")
    del no_sender["message"]["from"]
    assert read_update(no_sender, "vi") is None


def test_webhook_bodies_bare_or_wrapped_and_update_keys():
    raw = update(text="hi")
    assert unwrap(raw) == raw and unwrap({"ok": True, "result": raw}) == raw
    assert unwrap([raw]) is None and unwrap({"ok": True, "result": {}}) is None
    assert update_key(raw) == "message.text.received:2d9f0c7e1b"
    assert chat_of(raw) == USER
    no_id = update(text="hi")
    del no_id["message"]["message_id"]
    assert update_key(no_id).startswith("sha256:") and update_key(no_id) == update_key(no_id)


def test_millisecond_and_second_timestamps():
    assert from_millis(1_793_955_600_000) == datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
    assert from_millis("1793955600000") == from_millis(1_793_955_600)
    assert from_millis(None) is None and from_millis("soon") is None and from_millis(0) is None


# --- replies as text ---------------------------------------------------------------------------


def test_options_become_numbered_lines_with_a_hint():
    options = (Option("Đúng, đăng ký", "reg:yes"), Option("Nhập lại", "reg:no"))
    assert render("Thông tin đúng chưa?", options, hint="(Trả lời bằng số)") == (
        "Thông tin đúng chưa?\n\n1. Đúng, đăng ký\n2. Nhập lại\n(Trả lời bằng số)"
    )
    assert render("  Chỉ chữ.  ") == "Chỉ chữ."


def test_decomposed_vietnamese_is_sent_composed():
    decomposed = "Nguye\u0302\u0303n"  # 'Nguyễn' typed with combining marks
    assert render(decomposed) == "Nguyễn"


def test_splitting_keeps_pieces_within_the_limit_in_order():
    assert split_text("") == []
    exact = "a" * TEXT_LIMIT
    assert split_text(exact) == [exact]
    lines = [f"dòng {n}: " + "chữ " * 30 for n in range(200)]
    pieces = split_text("\n".join(lines))
    assert all(len(p) <= TEXT_LIMIT for p in pieces)
    assert "\n".join(pieces) == "\n".join(lines)
    # Emoji count twice (UTF-16), so a piece never overflows whatever Zalo counts.
    emoji = "😀" * 1500
    assert all(len(p.encode("utf-16-le")) // 2 <= TEXT_LIMIT for p in split_text(emoji))
    assert "".join(split_text(emoji)) == emoji
    # One long line without spaces is cut hard, nothing dropped.
    word = "x" * 4500
    assert [len(p) for p in split_text(word)] == [2000, 2000, 500]
    assert len(plan_texts("a\n" * 10, (Option("Có", "y"),), hint="gợi ý")) == 1


# --- errors and redaction ---------------------------------------------------------------------


def test_error_codes_map_to_types():
    assert isinstance(error_for("getUpdates", 408, ""), ZaloEmptyPoll)
    assert isinstance(error_for("sendMessage", 401, ""), ZaloUnauthorized)
    assert isinstance(error_for("sendMessage", 403, ""), ZaloForbidden)
    assert isinstance(error_for("sendMessage", 503, ""), ZaloServerError)
    assert isinstance(error_for("sendMessage", 0, "no answer"), ZaloNetworkError)
    quota = error_for("sendMessage", 429, "Quota exceeded")
    rate = error_for("sendMessage", 429, "Too many requests")
    assert isinstance(quota, ZaloRateLimited) and isinstance(rate, ZaloRateLimited)
    assert quota.quota and not rate.quota and quota.retry_after > rate.retry_after
    assert type(error_for("x", 418, "")) is ZaloError


def test_redaction_covers_the_token_in_every_form():
    redact = Redaction([TOKEN])
    assert redact(f"POST https://x/bot{TOKEN}/getMe") == "POST https://x/bot***/getMe"
    assert redact("bot1234567890%3ASeCrEt-zalo-token-value") == "bot***"
    assert redact("secret SeCrEt-zalo-token-value leaked") == "secret *** leaked"
    assert Redaction([""])("nothing") == "nothing"


# --- the client, on a mock transport ---------------------------------------------------------


def client_with(handler) -> ZaloClient:
    return ZaloClient(TOKEN, "https://zalo.test", transport=httpx.MockTransport(handler))


def call(handler, method: str, **params: object):
    async def go():
        client = client_with(handler)
        try:
            return await getattr(client, method)(**params)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_the_client_checks_ok_whatever_the_http_status():
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/bot{TOKEN}/sendMessage"
        assert json.loads(request.content) == {"chat_id": USER, "text": "Chào"}
        return httpx.Response(200, json={"ok": False, "errorCode": 403, "description": "Nope"})

    with pytest.raises(ZaloForbidden) as raised:
        call(answer, "send_message", chat_id=USER, text="Chào")
    assert raised.value.description == "Nope" and TOKEN not in str(raised.value)


def test_the_client_reads_results_and_odd_answers():
    def me(request):
        return httpx.Response(200, json={"ok": True, "result": {"id": 42, "account_name": "bc"}})

    info = call(me, "get_me")
    assert (info.id, info.account_name) == ("42", "bc")

    def html(request):
        return httpx.Response(502, text="<html>Bad gateway</html>")

    with pytest.raises(ZaloServerError):
        call(html, "get_me")

    def bare_408(request):
        return httpx.Response(408, text="")

    with pytest.raises(ZaloEmptyPoll):
        call(bare_408, "get_updates", timeout=1)

    def sent(request):
        return httpx.Response(200, json={"ok": True, "result": {"message_id": "m1", "date": 1}})

    assert call(sent, "send_message", chat_id=USER, text="x").message_id == "m1"


def test_get_updates_takes_one_update_or_a_list_and_waits_longer_than_the_poll():
    seen: list[float] = []

    def one(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        assert json.loads(request.content) == {"timeout": 30}
        return httpx.Response(200, json={"ok": True, "result": update(text="a")})

    assert len(call(one, "get_updates", timeout=30)) == 1
    assert seen == [30 + POLL_GRACE]

    def many(request):
        return httpx.Response(200, json={"ok": True, "result": [update(text="a"), "junk"]})

    assert len(call(many, "get_updates", timeout=1)) == 1

    def none(request):
        return httpx.Response(200, json={"ok": True, "result": None})

    assert call(none, "get_updates", timeout=1) == []


def test_network_failures_never_carry_the_url():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    with pytest.raises(ZaloNetworkError) as raised:
        call(refuse, "get_me")
    error = raised.value
    assert TOKEN not in str(error) and "SeCrEt" not in str(error)
    assert error.__cause__ is None and error.__context__ is None

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ZaloNetworkError, match="timed out"):
        call(slow, "get_me")


# --- the inbound update store ----------------------------------------------------------------


@pytest.mark.both_databases
def test_an_update_is_stored_once_and_marked_handled_once(app, clock):
    raw = update(text="hi")
    with transaction(app.make_session) as session:
        row = store.store_update(
            session, channel="zalo", update_key=update_key(raw), payload=raw, clock=clock
        )
        assert row is not None and row.id is not None
        row_id = row.id
        again = store.store_update(
            session, channel="zalo", update_key=update_key(raw), payload=raw, clock=clock
        )
        assert again is None
        # Another channel may use the same key.
        assert store.store_update(
            session, channel="telegram", update_key=update_key(raw), payload=raw, clock=clock
        )
    with transaction(app.make_session) as session:
        assert [u.id for u in store.unhandled(session, channel="zalo")] == [row_id]
        assert store.begin_attempt(session, update_id=row_id) == 1
        assert store.mark_handled(session, update_id=row_id, now=clock.now())
        assert not store.mark_handled(session, update_id=row_id, now=clock.now())
        assert store.unhandled(session, channel="zalo") == []
    clock.advance(timedelta(days=8))
    with transaction(app.make_session) as session:
        assert store.purge_handled(session, channel="zalo", before=clock.now()) == 1
        assert len(session.exec(select(InboundUpdate)).all()) == 1
