"""Test databases that are quick to make: migrate once, copy for each test.

Running every Alembic migration and importing the bundled plan took most of each database
test's time. Here that work is done once per test process (per pytest-xdist worker) and per
distinct start state, into a template, and each test gets a copy of it:

- SQLite: a copy of the template file.
- PostgreSQL: each process keeps one work schema, migrated once; before a test its rows and
  sequences are replaced by the template schema's. (`CREATE DATABASE … TEMPLATE` was tried:
  creating and dropping a database took 1–9 s on the shared 2-core machine, more than
  migrating.)

A template is exactly what `prepare_database` leaves behind for that start state (the same
code, the same frozen instant, the same time zone), so a test on a copy starts from the same
rows as one whose App migrated and imported by itself; `App.prepare()` still runs on the copy
and finds nothing to do but open the current period, as on any restart. The migrations
themselves still run for real in `tests/test_migrations.py`, and wherever a test asks for
`db_url` (an empty database, as before).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, MetaData, create_engine, text

from storage import migrate
from storage.bootstrap import BootReport, prepare_database
from storage.clock import FrozenClock
from storage.db import create_db_engine, session_factory

# What a fresh database turns into on an App's first prepare(): the bundled plan imported at
# this instant in this zone (plan_file unset), or only migrated (a plan file of the test's own,
# which prepare() then imports for real).
StartKey = tuple[str, str, str]
MIGRATED_ONLY: StartKey = ("migrated", "", "")


def start_key(*, plan_file: object, instant: datetime, zone: ZoneInfo) -> StartKey:
    if plan_file is not None:
        return MIGRATED_ONLY
    return ("bundled", instant.isoformat(), zone.key)


def _fill(engine: Engine, key: StartKey) -> BootReport:
    if key == MIGRATED_ONLY:
        migrate.upgrade(engine)
        return BootReport()
    _, instant, zone = key
    return prepare_database(
        engine,
        session_factory(engine),
        clock=FrozenClock(datetime.fromisoformat(instant)),
        zone=ZoneInfo(zone),
    )


@dataclass(frozen=True)
class Snapshot:
    """A database as a test left it (`AppMaker.shared`): where its copy is, and how to go on."""

    kind: str
    location: str  # the SQLite file, or the PostgreSQL schema
    instant: datetime
    settings: dict[str, object]


def with_schema(base: str, schema: str) -> str:
    """The server URL with `schema` as the only schema on the search path."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def new_schema(prefix: str) -> str:
    # Unique per process and call: colleagues' test runs share the server.
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@dataclass
class Templates:
    """The templates of one test process, made on first use and removed at its end."""

    root: Path
    postgres_base: str | None
    _sqlite: dict[StartKey, tuple[Path, BootReport]] = field(default_factory=dict)
    _postgres: dict[StartKey, tuple[str, BootReport]] = field(default_factory=dict)
    _work: str | None = None
    _tables: list[str] = field(default_factory=list)
    _schemas: list[str] = field(default_factory=list)
    _snapshots: dict[tuple[str, str], Snapshot] = field(default_factory=dict)
    _admin: Engine | None = None

    def snapshot(self, kind: str, name: str) -> Snapshot | None:
        return self._snapshots.get((kind, name))

    def keep(
        self, database: TestDatabase, name: str, *, instant: datetime, settings: dict[str, object]
    ) -> None:
        """Keep a copy of `database` as it is now, under `name`."""
        if database.kind == "sqlite":
            assert database.sqlite_path is not None
            path = self.root / f"snapshot-{len(self._snapshots)}.db"
            # SQLite's backup API copies a consistent state, WAL included, while the test's
            # App still has the database open.
            with closing(sqlite3.connect(database.sqlite_path)) as source, closing(
                sqlite3.connect(path)
            ) as target:
                source.backup(target)
            location = str(path)
        else:
            assert database.schema_in_use is not None
            self._work_schema()  # knows the tables
            location, _ = self._filled_schema(MIGRATED_ONLY)
            with self.admin().begin() as connection:
                self._copy_rows(connection, database.schema_in_use, location)
        kept = Snapshot(database.kind, location, instant, settings)
        self._snapshots[(database.kind, name)] = kept

    def copy_sqlite(self, key: StartKey, target: Path) -> BootReport:
        if key not in self._sqlite:
            path = self.root / f"template-{len(self._sqlite)}.db"
            engine = create_db_engine(f"sqlite:///{path}")
            try:
                report = _fill(engine, key)
                with engine.connect() as connection:
                    # Everything into the main file, so that copying that one file is enough.
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                engine.dispose()
            self._sqlite[key] = (path, report)
        path, report = self._sqlite[key]
        shutil.copyfile(path, target)
        return report

    # --- PostgreSQL ---------------------------------------------------------------------------

    def admin(self) -> Engine:
        assert self.postgres_base is not None
        if self._admin is None:
            self._admin = create_engine(self.postgres_base)
        return self._admin

    def empty_schema(self) -> str:
        """A new, empty schema; dropped with `drop_schema`."""
        schema = new_schema("t")
        with self.admin().begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema

    def drop_schema(self, schema: str) -> None:
        with self.admin().begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    def _filled_schema(self, key: StartKey) -> tuple[str, BootReport]:
        schema = self.empty_schema()
        self._schemas.append(schema)
        assert self.postgres_base is not None
        engine = create_db_engine(with_schema(self.postgres_base, schema))
        try:
            return schema, _fill(engine, key)
        finally:
            engine.dispose()

    def reset_postgres(self, key: StartKey) -> tuple[str, BootReport]:
        """The work schema, its rows and sequences made those of the template for `key`."""
        if key not in self._postgres:
            self._postgres[key] = self._filled_schema(key)
        template, report = self._postgres[key]
        work = self._work_schema()
        with self.admin().begin() as connection:
            self._copy_rows(connection, template, work)
        return work, report

    def _work_schema(self) -> str:
        """This process's work schema, migrated once; the schema of each test in turn."""
        if self._work is None:
            self._work, _ = self._filled_schema(MIGRATED_ONLY)
            self._tables = self._tables_in_insert_order(self._work)
        return self._work

    def restore_postgres(self, snapshot: Snapshot) -> str:
        """The work schema made a copy of a kept schema."""
        work = self._work_schema()
        with self.admin().begin() as connection:
            self._copy_rows(connection, snapshot.location, work)
        return work

    def _copy_rows(self, connection: Connection, source: str, target: str) -> None:
        """Replace `target`'s rows and sequence values by `source`'s (same migrations)."""
        # A connection a test left in a transaction would hold locks: fail, do not hang.
        connection.execute(text("SET LOCAL lock_timeout = '20s'"))
        for table in reversed(self._tables):
            connection.execute(text(f'DELETE FROM "{target}"."{table}"'))
        for table in self._tables:
            # Same migrations, so the same columns in the same order.
            connection.execute(
                text(f'INSERT INTO "{target}"."{table}" SELECT * FROM "{source}"."{table}"')
            )
        sequences = connection.execute(
            text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = :s"),
            {"s": source},
        ).all()
        for name, last_value in sequences:
            connection.execute(
                text("SELECT setval(:seq, :value, :called)"),
                {
                    "seq": f'"{target}"."{name}"',
                    "value": last_value or 1,
                    "called": last_value is not None,
                },
            )

    def _tables_in_insert_order(self, schema: str) -> list[str]:
        """Parents before children, as the foreign keys in the migrated schema say."""
        metadata = MetaData()
        with self.admin().connect() as connection:
            metadata.reflect(connection, schema=schema)
        return [table.name for table in metadata.sorted_tables]

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if self._admin is None:
            return
        for schema in self._schemas:
            self.drop_schema(schema)
        self._admin.dispose()


@dataclass
class TestDatabase:
    """One test's database. It exists once `db_url` is asked for (empty) or the test's first
    App is built (a copy of a template); until then it can still become either."""

    __test__ = False  # not a test class, whatever its name

    kind: str
    templates: Templates
    sqlite_path: Path | None = None
    url: str = ""
    schema: str | None = None  # a private schema of this test's, dropped at its end
    schema_in_use: str | None = None  # on PostgreSQL: this schema, or the process's work schema
    created: bool = False

    def __post_init__(self) -> None:
        if self.sqlite_path is not None:
            self.url = f"sqlite:///{self.sqlite_path}"

    def ensure_empty(self) -> str:
        if not self.created and self.kind == "postgres":
            assert self.templates.postgres_base is not None
            self.schema = self.templates.empty_schema()
            self.url = with_schema(self.templates.postgres_base, self.schema)
            self.schema_in_use = self.schema
        self.created = True
        return self.url

    def ensure_started(self, key: StartKey) -> BootReport | None:
        """Make a fresh database the copy of the template for `key`; the boot report of that
        template, or None when the database already existed (prepare() then does the work)."""
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            if self.sqlite_path.exists():
                return None
            self.created = True
            return self.templates.copy_sqlite(key, self.sqlite_path)
        if self.created:
            return None
        self.created = True
        assert self.templates.postgres_base is not None
        schema, report = self.templates.reset_postgres(key)
        self._use(schema)
        return report

    def restore(self, snapshot: Snapshot) -> bool:
        """Make a fresh database a copy of `snapshot`; False if it already existed."""
        if self.created or (self.sqlite_path is not None and self.sqlite_path.exists()):
            return False
        self.created = True
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            shutil.copyfile(snapshot.location, self.sqlite_path)
        else:
            self._use(self.templates.restore_postgres(snapshot))
        return True

    def _use(self, schema: str) -> None:
        assert self.templates.postgres_base is not None
        self.schema_in_use = schema
        self.url = with_schema(self.templates.postgres_base, schema)

    def drop(self) -> None:
        if self.schema is not None:
            self.templates.drop_schema(self.schema)
