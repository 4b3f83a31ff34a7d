"""The Telegram adapter's parts on their own: no server, no database (issue 3)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.settings import load_settings
from bot.telegram.guard import Limits, RequestGuard, RetryPolicy
from bot.telegram.inbound import read_update
from bot.telegram.keyboard import CALLBACK_DATA_LIMIT, CallbackCodec, inline_keyboard
from bot.telegram.outbound import (
    TEXT_LIMIT,
    DocumentPart,
    TextPart,
    escape,
    plan_reply,
    split_text,
    utf16_len,
)
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.runner import max_upload_bytes
from handlers.events import Option, OutgoingFile, Reply
from handlers.messages import translate
from tests.fakes.telegram_api import ApiError, parse_html

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _timedelta_durations(monkeypatch):
    """As the running channel does (see guard.opt_in_to_timedelta), before any RetryAfter."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


# --- replies: splitting, escaping, keyboards ---------------------------------------------


def test_a_long_reply_is_split_at_line_ends_and_nothing_is_lost():
    lines = [f"Dòng {n}: Sở Khoa học và Công nghệ tổng hợp báo cáo." for n in range(400)]
    text = "\n".join(lines)
    assert utf16_len(text) > TEXT_LIMIT
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= TEXT_LIMIT for p in pieces)
    assert "\n".join(pieces) == text  # cut only between lines
    assert all(p.split("\n")[0].startswith("Dòng") for p in pieces)


def test_a_single_huge_line_is_cut_at_spaces_within_the_limit():
    words = "nhiệm vụ " * 1000
    pieces = split_text(words.strip())
    assert len(pieces) == 3
    assert all(utf16_len(p) <= TEXT_LIMIT for p in pieces)
    assert " ".join(pieces).split() == words.split()


def test_length_is_counted_as_telegram_counts_it_in_utf16_units():
    emoji_line = "📄" * 3000  # 2 UTF-16 units each: 6000 units
    pieces = split_text(emoji_line)
    assert [utf16_len(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == emoji_line


def test_user_text_is_escaped_for_telegram_html():
    text = "Kết quả <b>50%</b> & chi phí < 10 triệu"
    assert parse_html(escape(text)) == text  # shown exactly as typed
    with pytest.raises(ApiError):
        parse_html(text)  # unescaped, Telegram would refuse it


def test_options_go_on_the_last_part_and_a_file_with_short_text_is_one_document():
    options = (Option("Đã hoàn thành", "done"),)
    parts = plan_reply(Reply("a\n" * 3000, options))
    assert len(parts) == 2
    assert parts[0] == TextPart(parts[0].text) and parts[-1].options == options
    export = OutgoingFile("bang-tong-hop.xlsx", b"xlsx")
    assert plan_reply(Reply("Bảng tổng hợp", options, export)) == [
        DocumentPart(export, "Bảng tổng hợp", options)
    ]
    long_caption = plan_reply(Reply("x" * 2000, (), export))
    assert [type(p) for p in long_caption] == [TextPart, DocumentPart]
    assert plan_reply(Reply("   ")) == []


def test_callback_data_fits_in_64_bytes_and_long_values_come_back():
    codec = CallbackCodec()
    short, long = "task:12", "nhiệm-vụ-" * 12
    assert codec.encode(short) == short
    encoded = codec.encode(long)
    assert len(encoded.encode()) <= CALLBACK_DATA_LIMIT
    assert codec.decode(encoded) == long
    assert CallbackCodec().decode(encoded) is None  # after a restart: unknown, answered as stale
    markup = inline_keyboard((Option("Một", short), Option("Hai", long)), codec)
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Một"], ["Hai"]]


# --- updates to events ---------------------------------------------------------------------


def _update(content: dict) -> Update:
    user = {"id": 7, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn"}
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 7, "type": "private"},
        "from": user,
        **content,
    }
    return Update.de_json({"update_id": 1, "message": message}, None)


def _read(content: dict, limit: int = 20 * MB):
    return read_update(
        _update(content), codec=CallbackCodec(), max_upload_bytes=limit, language="vi"
    )


def test_a_document_becomes_an_attachment_with_its_caption_as_text():
    document = {"file_id": "F1", "file_unique_id": "u1", "file_name": "bao-cao.pdf",
                "mime_type": "application/pdf", "file_size": 2048}  # fmt: skip
    inbound = _read({"document": document, "caption": "Báo cáo năm 2026"})
    event = inbound.event
    assert (event.channel, event.user_id, event.chat_id) == ("telegram", "7", "7")
    assert event.text == "Báo cáo năm 2026" and event.user_name == "Lan Nguyễn"
    attachment = event.attachment
    assert (attachment.file_ref, attachment.file_name, attachment.size) == (
        "F1",
        "bao-cao.pdf",
        2048,
    )


def test_the_largest_photo_size_is_taken():
    sizes = [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 9},
             {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960,
              "file_size": 99}]  # fmt: skip
    attachment = _read({"photo": sizes}).event.attachment
    assert (attachment.file_ref, attachment.mime_type) == ("big", "image/jpeg")


def test_a_file_over_the_limit_is_refused_in_vietnamese_before_the_handlers():
    document = {
        "file_id": "F",
        "file_unique_id": "u",
        "file_name": "scan.pdf",
        "file_size": 25 * MB,
    }
    inbound = _read({"document": document}, limit=20 * MB)
    assert inbound.event is None
    assert inbound.answer == (
        "Tệp “scan.pdf” quá lớn (25,0 MB). Bot chỉ nhận tệp tối đa 20 MB. "
        "Vui lòng nén tệp hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại."
    )


def test_the_upload_limit_never_exceeds_what_the_official_server_can_hand_over(monkeypatch):
    assert max_upload_bytes(load_settings(max_upload_mb=50)) == 20 * MB
    local = load_settings(max_upload_mb=50, telegram_api_url="http://127.0.0.1:8081")
    assert max_upload_bytes(local) == 50 * MB


def test_a_button_whose_long_value_was_forgotten_is_answered_as_stale():
    before_restart = CallbackCodec()
    data = before_restart.encode("nhiệm-vụ-" * 12)
    message = {"message_id": 5, "date": 0, "chat": {"id": 7, "type": "private"}, "text": "?"}
    query = {"id": "q1", "from": {"id": 7, "is_bot": False, "first_name": "Lan"},
             "chat_instance": "c", "message": message, "data": data}  # fmt: skip
    update = Update.de_json({"update_id": 2, "callback_query": query}, None)
    inbound = read_update(update, codec=CallbackCodec(), max_upload_bytes=MB, language="vi")
    assert inbound.event is None and inbound.query is not None
    assert inbound.answer == translate("stale.option", "vi")
    remembered = read_update(update, codec=before_restart, max_upload_bytes=MB, language="vi")
    assert remembered.event.choice == "nhiệm-vụ-" * 12


# --- the guard: flood limits and retries ---------------------------------------------------


class Script:
    """A Bot API call that fails as scripted, then succeeds."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> dict:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True}


def _guarded(script: Script, policy: RetryPolicy | None = None, endpoint: str = "sendMessage"):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run():
        guard = RequestGuard(Limits.unlimited(), policy or RetryPolicy(), sleep=sleep)
        await guard.initialize()
        return await guard.process_request(script, (), {}, endpoint, {"chat_id": 1}, None)

    return asyncio.run(run()), waits


def test_a_429_waits_retry_after_then_retries():
    script = Script(RetryAfter(timedelta(seconds=7)))
    result, waits = _guarded(script)
    assert result == {"ok": True} and script.calls == 2 and waits == [7.0]


def test_timeouts_and_server_errors_retry_with_growing_backoff():
    script = Script(TimedOut(), NetworkError("Internal Server Error"), NetworkError("Bad Gateway"))
    result, waits = _guarded(script, RetryPolicy(attempts=5, backoff=0.5))
    assert result == {"ok": True} and script.calls == 4 and waits == [0.5, 1.0, 2.0]


def test_retries_stop_after_the_last_attempt():
    script = Script(*[TimedOut() for _ in range(5)])
    with pytest.raises(TimedOut):
        _guarded(script, RetryPolicy(attempts=3))
    assert script.calls == 3


@pytest.mark.parametrize(
    "error", [BadRequest("Bad Request: chat not found"), Forbidden("Forbidden: bot was blocked")]
)
def test_what_retrying_cannot_fix_is_raised_at_once(error):
    script = Script(error)
    with pytest.raises(type(error)):
        _guarded(script)
    assert script.calls == 1


def test_a_long_flood_wait_is_handed_back_not_sat_out():
    script = Script(RetryAfter(timedelta(hours=2)))
    with pytest.raises(RetryAfter):
        _guarded(script, RetryPolicy(max_retry_after=30))
    assert script.calls == 1


def test_sends_to_one_chat_are_spaced_out_but_other_chats_are_not_held_up():
    async def run() -> tuple[list[float], float]:
        loop = asyncio.get_running_loop()
        limits = Limits(overall_per_second=0, chat_per_second=40, chat_burst=1)
        guard = RequestGuard(limits)
        await guard.initialize()
        times: dict[int, list[float]] = {1: [], 2: []}

        def send(chat: int):
            async def call() -> bool:
                times[chat].append(loop.time())
                return True

            return guard.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)

        await asyncio.gather(*(send(1) for _ in range(4)), send(2))
        return times[1], times[2][0] - times[1][0]

    one_chat, other_chat_delay = asyncio.run(run())
    gaps = [b - a for a, b in itertools.pairwise(one_chat)]
    assert min(gaps) >= 1 / 40 * 0.8  # 40/s allowed in this chat: at least ~25 ms apart
    assert other_chat_delay < 1 / 40  # the second chat did not wait its turn behind the first


def test_groups_get_their_own_per_minute_budget():
    guard = RequestGuard(Limits(group_per_minute=20))
    assert len(guard._limiters(-100123)) == len(guard._limiters(42)) + 1


# --- per-chat ordering ---------------------------------------------------------------------


def test_one_chats_updates_run_in_order_while_other_chats_run_alongside():
    def update(update_id: int, chat: int) -> Update:
        return _update_in_chat(update_id, chat)

    async def run() -> list[str]:
        processor = PerChatUpdateProcessor()
        log: list[str] = []
        release_first = asyncio.Event()

        async def work(name: str, wait: asyncio.Event | None = None) -> None:
            log.append(f"start {name}")
            if wait is not None:
                await wait.wait()
            log.append(f"end {name}")

        tasks = [
            asyncio.create_task(processor.process_update(update(1, 10), work("A1", release_first))),
            asyncio.create_task(processor.process_update(update(2, 10), work("A2"))),
            asyncio.create_task(processor.process_update(update(3, 20), work("B1"))),
        ]
        await asyncio.sleep(0)  # let the tasks reach their locks (no time passes)
        await asyncio.sleep(0)
        release_first.set()
        await asyncio.gather(*tasks)
        return log

    log = asyncio.run(run())
    assert log.index("end B1") < log.index("end A1")  # B did not wait for A's slow update
    assert log.index("end A1") < log.index("start A2")  # A's updates one after another


def _update_in_chat(update_id: int, chat: int) -> Update:
    user = {"id": chat, "is_bot": False, "first_name": "X"}
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"},
               "from": user, "text": "hi"}  # fmt: skip
    return Update.de_json({"update_id": update_id, "message": message}, None)
