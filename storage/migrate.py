"""Run the Alembic migrations shipped inside the package, on any engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def _run(engine: Engine, action: str, target: str) -> None:
    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by rebuilding it (batch mode); with foreign keys enforced,
            # dropping the old copy fails once other rows point at it. The pragma only takes
            # effect outside a transaction; the keys are checked once the migration is done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, action)(config, target)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


# One key per schema, so deployments (and tests) in separate schemas do not wait on each other.
_PG_LOCK_KEY = "hashtext('baocao:schema:' || current_schema())"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Only one process at a time migrates or seeds this database; the others wait here, then
    find the work done. PostgreSQL: a session advisory lock (freed if the process dies).
    SQLite: an exclusive lock on a file beside the database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text(f"SELECT pg_advisory_lock({_PG_LOCK_KEY})"))
            connection.commit()  # the lock is the session's: it outlives this transaction
            try:
                yield
            finally:
                connection.execute(text(f"SELECT pg_advisory_unlock({_PG_LOCK_KEY})"))
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    import fcntl  # POSIX only, like the deployment this file lock is for

    with open(f"{database}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, target: str = "head", *, lock: bool = True) -> None:
    """`lock=False` when the caller already holds `schema_lock` (it is not re-entrant)."""
    if not lock:
        _run(engine, "upgrade", target)
        return
    with schema_lock(engine):
        _run(engine, "upgrade", target)


def downgrade(engine: Engine, target: str = "base") -> None:
    with schema_lock(engine):
        _run(engine, "downgrade", target)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def revisions_in_order() -> list[str]:
    """Every revision from the first to the head."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
