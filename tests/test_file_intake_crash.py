"""Crash safety of keeping a file, with real processes: the Telegram bot is killed (SIGKILL)
after a document arrived and was journalled, before its bytes were fetched and stored. At the
next start the file is fetched and kept and its sender told "đã lưu" (or, had it become
unreachable, asked to send it again): never a "saved" that isn't, never silence (issue 12).

Each child process runs `worker()` below: the real TelegramChannel, long-polling the fake Bot
API server of the test over HTTP, on the test database and its file store.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from collections.abc import Iterator

import pytest
from sqlmodel import select

from handlers.events import IncomingEvent
from storage.files.store import blob_key
from storage.models import FileIntake, ReportDraft
from tests.bot_process import (  # noqa: F401  (no_child_left_behind: a fixture)
    BotProcess,
    no_child_left_behind,
    serve_until_stopped,
)
from tests.document_support import small_app
from tests.documents import pdf
from tests.fakes.telegram_api import FakeBot, FakeTelegram
from tests.people import register

pytestmark = pytest.mark.processes

USER = 4201


def worker() -> None:
    """python -c 'from tests.test_file_intake_crash import worker; worker()' MODE DB API TOKEN"""

    from bot.app import App
    from bot.intake import IntakeOptions
    from bot.settings import load_settings
    from bot.telegram.channel import TelegramChannel, TelegramOptions
    from bot.telegram.guard import Limits
    from bot.telegram.runner import Timeouts

    mode, url, api, token = sys.argv[1:5]
    app = App.build(load_settings(database_url=url, telegram_token=token, telegram_api_url=api))

    def die(intake_id: int) -> None:  # journalled (committed), not yet fetched: the window
        os.kill(os.getpid(), signal.SIGKILL)

    options = TelegramOptions(
        limits=Limits.unlimited(),
        timeouts=Timeouts(connect=2, read=2, write=2, pool=2, long_poll=1),
        intake=IntakeOptions(after_begin=die if mode == "die-after-begin" else None),
    )

    serve_until_stopped(app, lambda: TelegramChannel(app, options))


def Child(mode: str, url: str, api: str, token: str) -> BotProcess:
    return BotProcess("tests.test_file_intake_crash", mode, url, api, token)


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, FakeBot]]:
    with FakeTelegram() as server:
        yield server, server.add_bot()


def test_a_file_journalled_before_a_crash_is_kept_and_its_sender_told(
    make_app, db_url, tmp_path, telegram
):
    server, tg = telegram
    app = small_app(make_app, tmp_path)
    register(app, str(USER), "so-a", name="Lê Văn Tâm", channel="telegram")
    for text in ("/report", "3", "Xong", "3", "Xong", "3"):  # to the files question
        app.dispatcher.handle(_event(text))
    assert "Tệp kèm theo" in "\n".join(r.text for r in app.dispatcher.handle(_event("Ok")))
    tam = tg.user(USER, "Tâm")
    annex = pdf("phu luc gui truoc khi bot chet")
    tam.send_document(annex, "phu-luc.pdf")

    crashed = Child("die-after-begin", db_url, server.url, tg.token)
    assert crashed.finish(terminate=False) == -signal.SIGKILL
    with app.make_session() as session:
        (row,) = session.exec(select(FileIntake)).all()  # journalled...
        assert row.chat_id == str(USER) and row.event["attachment"]["file_name"] == "phu-luc.pdf"
    assert list(app.files.keys()) == [] and tam.messages == []  # ...nothing kept, nothing said

    restarted = Child("serve", db_url, server.url, tg.token)
    restarted.wait_ready()
    (answer,) = tam.wait_for_messages(1, timeout=20)[:1]
    assert "Đã lưu tệp phu-luc.pdf (1 tệp)" in answer.text
    assert restarted.finish() == 0
    assert app.files.get(blob_key(hashlib.sha256(annex).hexdigest())) == annex
    with app.make_session() as session:
        assert session.exec(select(FileIntake)).all() == []
        draft = session.exec(select(ReportDraft)).one()
        assert [f["file_name"] for f in draft.answers["agency"]["documents"]] == ["phu-luc.pdf"]
    assert len([m for m in tam.messages if "Đã lưu tệp" in m.text]) == 1  # told once


def _event(text: str) -> IncomingEvent:
    return IncomingEvent("telegram", str(USER), str(USER), text=text)
