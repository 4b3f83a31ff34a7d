"""Shared fixtures: a clean environment, a database per test (SQLite, and PostgreSQL where
one is reachable), a frozen clock, and an App built the way `baocao run` builds it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from bot.app import App
from bot.logs import QUIETED_LOGGERS
from bot.settings import load_settings
from handlers.events import IncomingEvent, Reply
from storage.bootstrap import BootReport
from storage.clock import FrozenClock
from tests.databases import Templates, TestDatabase, start_key

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


# What CI tells the suite (README, Tests), not settings of the bot: kept for the tests to read.
SUITE_VARIABLES = frozenset(
    {
        "BAOCAO_TEST_POSTGRES_URL",
        "BAOCAO_REQUIRE_POSTGRES",
        "BAOCAO_REQUIRE_SOFFICE",
        "BAOCAO_REQUIRE_BROWSER",
    }
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No BAOCAO_* from the developer's shell, and no stray .env: each test starts clean."""
    for name in list(os.environ):
        if name.startswith("BAOCAO_") and name not in SUITE_VARIABLES:
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every database test runs on SQLite; those marked `both_databases` on PostgreSQL too."""
    if "test_database" not in metafunc.fixturenames:
        return
    params: list[object] = ["sqlite"]
    if metafunc.definition.get_closest_marker("both_databases"):
        params.append(pytest.param("postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("test_database", params, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start real processes first: they are the longest, and started last they
    would leave one test process working alone at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("processes") is None)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Migrated (and plan-imported) databases to copy, made once per test process."""
    made = Templates(tmp_path_factory.mktemp("templates"), _postgres_once())
    yield made
    made.close()


@pytest.fixture
def test_database(
    request: pytest.FixtureRequest, tmp_path, templates: Templates
) -> Iterator[TestDatabase]:
    """This test's database: an SQLite file, or a schema on PostgreSQL."""
    if request.param == "sqlite":
        yield TestDatabase("sqlite", templates, sqlite_path=tmp_path / "baocao.db")
        return
    if _postgres_once() is None:
        if os.environ.get("BAOCAO_REQUIRE_POSTGRES") == "1":
            pytest.fail("BAOCAO_REQUIRE_POSTGRES=1 but no PostgreSQL is reachable")
        pytest.skip("no PostgreSQL reachable (set BAOCAO_TEST_POSTGRES_URL)")
    database = TestDatabase("postgres", templates)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def db_url(test_database: TestDatabase) -> str:
    """A fresh, empty database (nothing migrated), for tests that work on one directly."""
    return test_database.ensure_empty()


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 2 November 2026, 09:00 in Đắk Nông."""
    return FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=VN))


class AppMaker:
    """Builds (and prepares) Apps on the test database, as `make_app(**settings)`.

    The first build on a fresh database starts from a copy of the migrated (and, without a
    plan file, plan-imported) template, which is what its own prepare() would have made."""

    def __init__(self, database: TestDatabase, clock: FrozenClock) -> None:
        self.database, self.clock = database, clock
        self.apps: list[App] = []
        self.last_settings: dict[str, object] = {}

    def __call__(self, **settings: object) -> App:
        # The start state is known before the database is chosen; the settings are then made
        # again with its URL (the copy's, or the one db_url already made).
        wanted = load_settings(database_url="sqlite://", **settings)
        key = start_key(plan_file=wanted.plan_file, instant=self.clock.now(), zone=wanted.zone)
        copied = self.database.ensure_started(key)
        return self._build(settings, copied)

    def _build(self, settings: dict[str, object], copied: BootReport | None) -> App:
        app = App.build(
            load_settings(database_url=self.database.url, **settings), clock=self.clock
        )
        report = app.prepare()
        if copied is not None:  # what this first prepare() would have reported by itself
            report.imported_plan = copied.imported_plan
            report.opened_periods = [*copied.opened_periods, *report.opened_periods]
        self.apps.append(app)
        self.last_settings = settings
        return app

    def shared(self, name: str, build: Callable[[], App]) -> App:
        """The App that `build()` returns (built with this maker), made once per test process
        and database kind: later tests start on a copy of the database it left, with the clock
        where it left it and an App built with the same settings. For a costly world that a
        module's tests only read or add to; `build()`'s own checks run once."""
        name = f"{name} from {self.clock.now().isoformat()}"  # a world depends on its start
        kept = self.database.templates.snapshot(self.database.kind, name)
        if kept is not None and self.database.restore(kept):
            self.clock.set(kept.instant)
            return self._build(kept.settings, None)
        app = build()
        assert app is self.apps[-1], "build() must return the last App it made with make_app"
        self.database.templates.keep(
            self.database, name, instant=self.clock.now(), settings=self.last_settings
        )
        return app

    def close(self) -> None:
        for app in self.apps:
            app.close()


@pytest.fixture
def make_app(test_database: TestDatabase, clock: FrozenClock) -> Iterator[AppMaker]:
    """Build (and prepare) an App on the test database; extra settings as keyword arguments."""
    maker = AppMaker(test_database, clock)
    yield maker
    maker.close()


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
