"""Crash safety of Telegram polling with real processes (issue 15, point 4).

python-telegram-bot tells Telegram an update arrived (the next getUpdates' offset) while the
handler may still be running. The bot is killed (SIGKILL) in the middle of handling: the
handlers have done their work in their open transaction, Telegram has already forgotten the
update. After the restart the update is handled exactly once: one answer, the data stored once,
and a further restart handles nothing again.

Each child process runs `worker()` below: the real TelegramChannel, long-polling the fake Bot
API server of the test over HTTP, on the test database.
"""

from __future__ import annotations

import signal
import sys
from datetime import datetime

import pytest
from sqlmodel import select

from storage.models import ConversationState, Identity, InboundUpdate
from tests.bot_process import (  # noqa: F401  (no_child_left_behind: a fixture)
    BotProcess,
    no_child_left_behind,
    serve_until_stopped,
)
from tests.fakes.telegram_api import FakeBot, FakeTelegram
from tests.people import invite_code, say

pytestmark = pytest.mark.processes

USER = "4301"


def worker() -> None:
    """python -c '…import worker; worker()' MODE DB API TOKEN NOW (the test's frozen instant)"""
    from datetime import datetime

    from bot.app import App
    from bot.settings import load_settings
    from bot.telegram import Limits, TelegramChannel, TelegramOptions, Timeouts
    from storage.clock import FrozenClock

    mode, url, api, token, now = sys.argv[1:6]
    settings = load_settings(database_url=url, telegram_token=token, telegram_api_url=api)
    app = App.build(settings, clock=FrozenClock(datetime.fromisoformat(now)))
    if mode == "hold-in-handling":
        dispatcher = app.dispatcher
        work = dispatcher._handle_in

        def held(session, event):  # the handlers' work is done, not yet committed: the window
            replies = work(session, event)
            print("handling", flush=True)
            sys.stdin.readline()  # held here until the test kills the process
            return replies

        dispatcher._handle_in = held  # type: ignore[method-assign]

    options = TelegramOptions(
        limits=Limits.unlimited(),
        timeouts=Timeouts(connect=2, read=2, write=2, pool=2, long_poll=1),
    )

    serve_until_stopped(app, lambda: TelegramChannel(app, options))


def Child(mode: str, url: str, api: str, token: str, now: datetime) -> BotProcess:
    return BotProcess("tests.test_telegram_crash", mode, url, api, token, now.isoformat())


@pytest.fixture
def telegram():
    with FakeTelegram() as server:
        yield server, server.add_bot()


def identities(app) -> list[Identity]:
    with app.make_session() as session:
        return list(session.exec(select(Identity).where(Identity.external_id == USER)).all())


def stored(app, update_id: int) -> InboundUpdate | None:
    with app.make_session() as session:
        return session.exec(
            select(InboundUpdate).where(
                InboundUpdate.channel == "telegram", InboundUpdate.update_key == str(update_id)
            )
        ).first()


def conversation_step(app) -> str | None:
    with app.make_session() as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.chat_id == USER)
        ).first()
        return state.step if state else None


@pytest.mark.both_databases
def test_a_message_in_hand_when_the_bot_is_killed_is_handled_once_after_the_restart(
    make_app, db_url, clock, telegram: tuple[FakeTelegram, FakeBot]
):
    server, tg = telegram
    app = make_app()
    lan = tg.user(int(USER), "Lan")
    # Lan has given her name and position; the bot asks her to confirm (option 1).
    say(app, USER, f"/start {invite_code(app)}", channel="telegram")
    say(app, USER, "Nguyễn Thị Lan", channel="telegram")
    assert "Bước 3/3" in say(app, USER, "Chuyên viên", channel="telegram")
    confirm = lan.send_text("1")

    crashed = Child("hold-in-handling", db_url, server.url, tg.token, clock.now())
    crashed.wait_for("handling")  # the handlers registered her, in an open transaction...
    tg.wait_until(lambda: tg.pending_updates == 0, what="Telegram told the update arrived")
    assert crashed.kill() == -signal.SIGKILL  # ...and the process dies before the commit
    row = stored(app, confirm)
    assert row is not None and row.handled_at is None and row.payload["message"]["text"] == "1"
    assert identities(app) == [] and lan.messages == []  # nothing kept, nothing said
    assert conversation_step(app) == "confirm"

    restarted = Child("serve", db_url, server.url, tg.token, clock.now())
    restarted.wait_ready()
    (answer,) = lan.wait_for_messages(1, timeout=20)
    tg.wait_until(lambda: (r := stored(app, confirm)) and r.handled_at, what="marked handled")
    assert restarted.finish() == 0
    [identity] = identities(app)  # registered once
    assert identity.channel == "telegram" and identity.chat_id == USER
    assert conversation_step(app) is None

    # Another restart: nothing is handled again; the bot answers what comes next.
    again = Child("serve", db_url, server.url, tg.token, clock.now())
    again.wait_ready()
    lan.send_text("/whoami")
    lan.wait_for_messages(2, timeout=20)
    assert again.finish() == 0
    assert len(lan.messages) == 2 and "Nguyễn Thị Lan" in lan.messages[1].text
    assert len(identities(app)) == 1
    assert [m.text for m in lan.messages].count(answer.text) == 1
