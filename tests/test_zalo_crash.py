"""Crash safety of Zalo polling with real processes: the bot is killed (SIGKILL) after it
fetched and stored an update (which Zalo has then forgotten) and before it handled it; after
the restart the update is handled exactly once (issue 8).

Each child process runs `worker()` below: the real ZaloChannel, long-polling the fake Zalo
server of the test over HTTP, on the test database.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest
from sqlmodel import select

from bot.zalo.inbound import update_key
from storage.models import ConversationState, InboundUpdate
from tests import test_zalo_support as support
from tests.bot_process import (  # noqa: F401  (no_child_left_behind: a fixture)
    BotProcess,
    no_child_left_behind,
    serve_until_stopped,
)
from tests.fakes.zalo_api import FakeZaloBot
from tests.people import invite_code, say

pytestmark = pytest.mark.processes

# The shared fixtures (pytest finds them by name in this module).
fake, zalo = support.fake, support.zalo


# --- the child process -----------------------------------------------------------------------


def worker() -> None:
    """python -c 'from tests.test_zalo_crash import worker; worker()' MODE DB API TOKEN"""
    from bot.app import App
    from bot.settings import load_settings
    from bot.zalo import PollSettings, ZaloChannel, ZaloOptions

    mode, url, api, token = sys.argv[1:5]
    app = App.build(load_settings(database_url=url, zalo_token=token, zalo_api_url=api))

    def die(key: str) -> None:  # stored (committed), not yet handled: the window
        os.kill(os.getpid(), signal.SIGKILL)

    options = ZaloOptions(
        poll=PollSettings(timeout=2, retry_base=0.01, retry_max=0.05),
        send_interval=0,
        after_store=die if mode == "die-after-store" else None,
    )

    serve_until_stopped(app, lambda: ZaloChannel(app, options))


# --- the parent ------------------------------------------------------------------------------


def Child(mode: str, url: str, api: str, token: str) -> BotProcess:
    return BotProcess("tests.test_zalo_crash", mode, url, api, token)


def conversation_step(app, chat_id: str) -> str | None:
    with app.make_session() as session:
        state = session.exec(
            select(ConversationState).where(ConversationState.chat_id == chat_id)
        ).first()
        return state.step if state else None


def stored_update(app, update) -> InboundUpdate:
    with app.make_session() as session:
        return session.exec(
            select(InboundUpdate).where(InboundUpdate.update_key == update_key(update))
        ).one()


def test_an_update_stored_before_a_crash_is_handled_once_after_the_restart(
    make_app, db_url, fake, zalo: FakeZaloBot
):
    app = make_app()
    lan = zalo.user("Lan")
    # Lan is in the middle of registering: the bot has asked for her name.
    assert "Bước 1/3" in say(app, lan.user_id, f"/start {invite_code(app)}", channel="zalo")
    name = lan.send_text("Nguyễn Thị Lan")

    crashed = Child("die-after-store", db_url, fake.url, zalo.token)
    assert crashed.finish(terminate=False) == -signal.SIGKILL
    assert zalo.pending_updates == 0  # Zalo handed it out, and has forgotten it
    row = stored_update(app, name)
    assert row.handled_at is None and row.payload["message"]["text"] == "Nguyễn Thị Lan"
    assert lan.messages == [] and conversation_step(app, lan.user_id) == "name"

    restarted = Child("serve", db_url, fake.url, zalo.token)
    restarted.wait_ready()
    (answer,) = lan.wait_for_messages(1, timeout=20)
    assert "Bước 2/3" in answer.text  # the name was taken; the bot asks for the position
    support.wait_for(lambda: stored_update(app, name).handled_at, what="the update handled")
    assert restarted.finish() == 0
    # A stopped bot's last long poll may still wait on the server, and would take (and lose,
    # as Zalo would) the next update: let it end before Zalo gets anything new.
    zalo.wait_until(lambda: zalo.polls_in_flight == 0, timeout=20, what="the old poll ended")

    # Another restart, and Zalo sending the same update again: nothing is handled twice.
    again = Child("serve", db_url, fake.url, zalo.token)
    again.wait_ready()
    zalo.push(name)
    zalo.wait_until(lambda: zalo.pending_updates == 0, timeout=20, what="the duplicate fetched")
    follow_up = lan.send_text("/whoami")
    zalo.wait_until(lambda: len(lan.messages) >= 2, timeout=20, what="the answer to /whoami")
    assert again.finish() == 0
    assert len(lan.messages) == 2 and "chưa đăng ký" in lan.messages[1].text
    assert conversation_step(app, lan.user_id) == "position"
    assert stored_update(app, follow_up).handled_at is not None
