"""Fixtures and helpers for the Zalo channel tests: the fake Zalo server, an event loop in a
thread, and the real ZaloChannel started on a fresh App. Imported by the test_zalo_* modules.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from sqlmodel import select

from bot.app import App
from bot.zalo import PollSettings, ZaloChannel, ZaloOptions
from bot.zalo.inbound import update_key
from handlers.events import Reply
from storage.models import InboundUpdate
from tests.fakes.telegram_api import LoopThread
from tests.fakes.zalo_api import DEFAULT_WAIT, FakeZalo, FakeZaloBot, FakeZaloUser

T = TypeVar("T")

QUICK = ZaloOptions(
    poll=PollSettings(timeout=2, retry_base=0.01, retry_max=0.05),
    http_timeout=3,
    send_interval=0,
    web_port=0,
    stop_timeout=5,
)


def wait_for(predicate: Callable[[], T], timeout: float = DEFAULT_WAIT, what: str = "") -> T:
    """Re-check `predicate` (a database state, say) until it is truthy; bounded."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout}s for {what or predicate}")
        pause.wait(0.01)  # a bounded re-check of the condition, not a wait for time
    return value


@pytest.fixture
def fake() -> Iterator[FakeZalo]:
    with FakeZalo() as server:
        yield server


@pytest.fixture
def zalo(fake: FakeZalo) -> FakeZaloBot:
    return fake.add_bot()


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    with LoopThread() as thread:
        yield thread


@dataclass
class RunningZalo:
    app: App
    channel: ZaloChannel
    loop: LoopThread
    zalo: FakeZaloBot

    def deliver(self, chat_id: str, reply: Reply) -> None:
        self.loop.run(self.channel.deliver(chat_id, reply))

    def handled(self, update: dict[str, Any]) -> InboundUpdate | None:
        with self.app.make_session() as session:
            return session.exec(
                select(InboundUpdate).where(InboundUpdate.update_key == update_key(update))
            ).first()

    def settle(self, update: dict[str, Any], timeout: float = DEFAULT_WAIT) -> None:
        """Wait until `update` was handled and every answer sent (nothing left in hand)."""

        def done() -> bool:
            row = self.handled(update)
            return bool(row and row.handled_at and not self.channel.processor.busy)

        wait_for(done, timeout, f"update {update_key(update)} handled and answered")

    def say(self, user: FakeZaloUser, text: str) -> str:
        """What the user reads in answer to `text` (every message, joined)."""
        before = len(user.messages)
        update = user.send_text(text)
        self.settle(update)
        return "\n".join(m.text for m in user.messages[before:])

    def send_photo(self, user: FakeZaloUser, url: str, caption: str | None = None) -> str:
        before = len(user.messages)
        update = user.send_photo(url, caption=caption)
        self.settle(update)
        return "\n".join(m.text for m in user.messages[before:])


@pytest.fixture
def start_zalo(make_app, fake: FakeZalo, zalo: FakeZaloBot, loop: LoopThread):
    """Start the channel on a fresh App: start_zalo(setup=..., options=..., **settings)."""
    started: list[ZaloChannel] = []

    def start(
        *,
        setup: Callable[[App], None] | None = None,
        options: ZaloOptions = QUICK,
        app: App | None = None,
        **settings: object,
    ) -> RunningZalo:
        if app is None:
            app = make_app(zalo_token=zalo.token, zalo_api_url=fake.url, **settings)
        if setup is not None:
            setup(app)
        channel = ZaloChannel(app, options)
        loop.run(channel.start())
        started.append(channel)
        return RunningZalo(app, channel, loop, zalo)

    yield start
    for channel in started:
        loop.run(channel.stop(), timeout=15)
