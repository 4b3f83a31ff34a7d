"""Engine and session factory. Nothing connects at import time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

SessionFactory = Callable[[], Session]


def normalise_url(url: str) -> str:
    """PostgreSQL goes through psycopg 3 whatever driver the URL names."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    # Errors and echo never print SQL parameters: they are people's names and answers.
    kwargs.setdefault("hide_parameters", True)
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def error_reason(error: BaseException, *, password: str | None) -> str:
    """The first line of a database driver's error, with the password masked (drivers may
    repeat the connection string): for start-up messages and the health check."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = lines[0] if lines else type(error).__name__
    return first.replace(password, "***") if password else first


def session_factory(engine: Engine) -> SessionFactory:
    def make() -> Session:
        return Session(engine, expire_on_commit=False)

    return make


def wrote_nothing(session: Session) -> bool:
    """True only when this session's transaction has certainly written no row so far. SQLite
    (Python's sqlite3 driver) opens a transaction only before a statement that writes, so
    its connection tells; on other databases a transaction opens with any statement, and
    the answer is always False (as if something was written)."""
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    raw = connection.connection.dbapi_connection
    return raw is not None and not raw.in_transaction


@contextmanager
def transaction(make_session: SessionFactory) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with make_session() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
