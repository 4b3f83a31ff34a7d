"""A 429 for one chat delays only that chat; a 429 for the bot delays every chat (issue 18, 5).

Nothing here waits for time to pass: the guard's sleep is a gate the test opens, and the
outbox limiter runs on a fake clock."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from telegram.error import RetryAfter

from bot.telegram import TelegramChannel
from bot.telegram.guard import GLOBAL_AFTER_CHATS, RequestGuard
from scheduler.ratelimit import RateLimit
from tests.fakes.telegram_api import FakeTelegram, Fault, LoopThread
from tests.test_reminders_support import FakeTime, fake_limiter
from tests.test_telegram_channel import QUICK


class Gate:
    """The guard's sleep: a flood wait holds until the test opens the gate."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds >= 10:  # a flood wait; backoffs of a test pass at once
            await asyncio.to_thread(self.opened.wait, 30)
        await asyncio.sleep(0)


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    with LoopThread() as thread:
        yield thread


def test_while_one_chat_waits_out_a_429_another_user_is_answered(make_app, loop):
    gate = Gate()
    with FakeTelegram() as fake:
        tg = fake.add_bot()
        app = make_app(telegram_token=tg.token, telegram_api_url=fake.url)
        channel = TelegramChannel(app, replace(QUICK, sleep=gate.sleep))
        loop.run(channel.start())
        try:
            flooded, other = tg.user(4801), tg.user(4802)
            tg.inject("sendMessage", Fault.too_many_requests(retry_after=10), chat_id=4801)
            flooded.send_text("/help")
            tg.wait_until(lambda: gate.waits == [10.0], what="the flooded chat waiting")
            other.send_text("/whoami")
            assert other.wait_for_messages(1)[0].text  # answered while the other chat waits
            assert flooded.messages == []  # ... which is still waiting
            gate.opened.set()
            assert flooded.wait_for_messages(1)[0].text.startswith("Các lệnh bạn dùng được:")
        finally:
            gate.opened.set()
            loop.run(channel.stop(), timeout=10)


def test_a_429_on_many_chats_or_on_no_chat_pauses_the_whole_bot():
    async def run() -> list[bool]:
        guard = RequestGuard(sleep=lambda s: asyncio.sleep(0), now=lambda: 100.0)
        await guard.initialize()
        scopes = []
        for chat in range(GLOBAL_AFTER_CHATS):

            async def flood() -> bool:
                raise RetryAfter(60)  # longer than the guard sits out: it is raised

            try:
                await guard.process_request(flood, (), {}, "sendMessage", {"chat_id": chat}, None)
            except RetryAfter as error:
                scopes.append(error.whole_bot)  # type: ignore[attr-defined]
        try:
            await guard.process_request(flood, (), {}, "setMyCommands", {}, None)
        except RetryAfter as error:
            scopes.append(error.whole_bot)  # type: ignore[attr-defined]
        return scopes

    assert asyncio.run(run()) == [False] * (GLOBAL_AFTER_CHATS - 1) + [True, True]


def test_the_outbox_pauses_one_chat_and_not_the_others() -> None:
    time = FakeTime()
    limiter = fake_limiter(RateLimit(), time)
    start = time.now()
    limiter.pause(42, "1")
    asyncio.run(limiter.acquire("2"))
    assert time.now() - start < 1  # another chat goes at once
    asyncio.run(limiter.acquire("1"))
    assert time.now() - start >= 42
