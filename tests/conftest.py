"""Shared fixtures: a clean environment, a database per test (SQLite, and PostgreSQL where
one is reachable), a frozen clock, and an App built the way `baocao run` builds it."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.app import App
from bot.logs import QUIETED_LOGGERS
from bot.settings import load_settings
from handlers.events import IncomingEvent, Reply
from storage.clock import FrozenClock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """The PostgreSQL server for tests, or None when there is none (the tests then skip)."""
    url = os.environ.get("BAOCAO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return url
    except OperationalError:
        return None
    finally:
        engine.dispose()


_POSTGRES: list[str | None] = []


def _postgres_once() -> str | None:
    if not _POSTGRES:
        _POSTGRES.append(postgres_url())
    return _POSTGRES[0]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No BAOCAO_* from the developer's shell, and no stray .env: each test starts clean."""
    for name in list(os.environ):
        if name.startswith("BAOCAO_") and name != "BAOCAO_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _isolated_logging() -> Iterator[None]:
    """`baocao` commands run in-process reconfigure logging (root handler bound to the
    captured stderr, quieter httpx): put it back so one test cannot change the next."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a private schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/baocao.db"
        return
    base = _postgres_once()
    if base is None:
        if os.environ.get("BAOCAO_REQUIRE_POSTGRES") == "1":
            pytest.fail("BAOCAO_REQUIRE_POSTGRES=1 but no PostgreSQL is reachable")
        pytest.skip("no PostgreSQL reachable (set BAOCAO_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 2 November 2026, 09:00 in Đắk Nông."""
    return FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=VN))


@pytest.fixture
def make_app(db_url: str, clock: FrozenClock) -> Iterator[Callable[..., App]]:
    """Build (and prepare) an App on the test database; extra settings as keyword arguments."""
    apps: list[App] = []

    def build(**settings: object) -> App:
        app = App.build(load_settings(database_url=db_url, **settings), clock=clock)
        app.prepare()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    return make_app()


class ChatUser:
    """Plays one person chatting with the bot through the channel-agnostic dispatcher."""

    def __init__(self, app: App, channel: str, user_id: str, name: str = "") -> None:
        self.app, self.channel, self.user_id, self.name = app, channel, user_id, name

    def event(self, text: str | None = None, **kwargs: object) -> IncomingEvent:
        return IncomingEvent(
            self.channel, self.user_id, self.user_id, text=text, user_name=self.name, **kwargs
        )  # type: ignore[arg-type]

    def send(self, text: str | None = None, **kwargs: object) -> list[Reply]:
        return self.app.dispatcher.handle(self.event(text, **kwargs))

    def say(self, text: str, **kwargs: object) -> str:
        """Send and return all reply texts joined, for assertions on what the user reads."""
        return "\n".join(r.text for r in self.send(text, **kwargs))


@pytest.fixture
def chat_user(app: App) -> Callable[..., ChatUser]:
    def make(user_id: str, channel: str = "console", name: str = "") -> ChatUser:
        return ChatUser(app, channel, user_id, name)

    return make
