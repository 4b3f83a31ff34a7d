"""`baocao backup` and `baocao restore`: one archive with a consistent copy of the database,
the stored files, and a manifest saying what it holds.

The copy is taken while the bot runs: SQLite through its online backup API (a WAL database is
not one file), PostgreSQL through `pg_dump`. The archive is a gzip'd tar:

    manifest.json      {"format", "version", "schema_revision", "created_at", "database", "files"}
    database.sqlite3   or database.pgdump (pg_dump's custom format)
    files/<key>        every file of the file store (the folder or the S3-compatible store
                       that BAOCAO_FILE_STORE names), by its key: documents under sha256/

Restore writes the files back into the store that is configured then, which need not be the
kind the backup was made from (a folder's backup can fill an object store).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from storage import migrate
from storage.files.store import FileStore, StoreError, check_key
from storage.i18n import Text

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
FILES = "files"


class BackupError(Exception):
    """An expected failure (no pg_dump, a non-empty target, a foreign archive): one line,
    worded in the reader's language (`text.render(language)`)."""

    def __init__(self, key: str, **values: object) -> None:
        self.text: Text = Text(f"backup.error.{key}", values)
        super().__init__(str(self.text))


@dataclass(frozen=True)
class Manifest:
    format: int
    version: str
    schema_revision: str | None
    created_at: str
    database: str  # sqlite | postgresql
    files: int


def app_version() -> str:
    try:
        return metadata.version("baocao")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- backup ---------------------------------------------------------------------------------


def backup(
    engine: Engine, database_url: str, target: Path, *, now: datetime, store: FileStore
) -> Manifest:
    url = make_url(database_url)
    with tempfile.TemporaryDirectory(prefix="baocao-backup-") as tmp:
        if url.get_backend_name() == "sqlite":
            member, kind = SQLITE_MEMBER, "sqlite"
            _sqlite_copy(Path(url.database or ""), Path(tmp) / member)
        else:
            member, kind = PG_MEMBER, "postgresql"
            _pg_dump(url, Path(tmp) / member)
        # Listed after the database copy: a file the copy names was stored before it (the
        # bytes are kept before the row that names them is committed).
        stored = sorted(store.keys())
        manifest = Manifest(
            format=FORMAT,
            version=app_version(),
            schema_revision=migrate.current_revision(engine),
            created_at=now.isoformat(timespec="seconds"),
            database=kind,
            files=len(stored),
        )
        partial = target.with_name(target.name + ".part")  # never a half-written archive
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest.__dict__, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(Path(tmp) / member, arcname=member)
            for key in stored:
                try:
                    data = store.get(key)
                except StoreError as error:
                    raise BackupError("store", store=store.describe(), error=error) from None
                info = tarfile.TarInfo(f"{FILES}/{key}")
                info.size, info.mtime = len(data), int(now.timestamp())
                archive.addfile(info, io.BytesIO(data))
        os.replace(partial, target)
    return manifest


def _sqlite_copy(source: Path, target: Path) -> None:
    # The online backup API copies a consistent snapshot, the WAL's committed pages included,
    # while the bot keeps writing.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("no_pg_tool", name=name)
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str], list[str]]:
    """A libpq URL without the password (it goes in PGPASSWORD, not on a command line), and
    the --schema options for a URL that pins search_path (as the tests' schemas do)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    schemas: list[str] = []
    options = plain.query.get("options")
    for option in [options] if isinstance(options, str) else list(options or ()):
        for part in unquote(option).split():
            if part.startswith("-csearch_path="):
                schemas += [s.strip() for s in part.removeprefix("-csearch_path=").split(",")]
    text_url = plain.render_as_string(hide_password=False)
    return text_url, env, [f"--schema={s}" for s in schemas if s]


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["exit code " + str(done.returncode)])[0]
        raise BackupError("tool_failed", tool=Path(command[0]).name, first=first)


def _pg_dump(url: URL, target: Path) -> None:
    text_url, env, schemas = _libpq(url)
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            *schemas,
            f"--dbname={text_url}",
        ],
        env,
    )


# --- restore --------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> Manifest:
    try:
        member = archive.extractfile(MANIFEST)
        assert member is not None
        data = json.loads(member.read())
        return Manifest(**data)
    except (KeyError, AssertionError, ValueError, TypeError):
        raise BackupError("foreign") from None


def has_data(engine: Engine) -> bool:
    """True when any table other than Alembic's own holds a row."""
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            if table == "alembic_version":
                continue
            quoted = connection.dialect.identifier_preparer.quote(table)
            if connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first():
                return True
    return False


def restore(
    engine: Engine, database_url: str, source: Path, *, force: bool, store: FileStore
) -> Manifest:
    url = make_url(database_url)
    backend = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql"
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError) as error:
        raise BackupError("unreadable", source=source, error=error) from None
    with archive, tempfile.TemporaryDirectory(prefix="baocao-restore-") as tmp:
        manifest = read_manifest(archive)
        if manifest.database != backend:
            raise BackupError("other_database", backup=manifest.database, backend=backend)
        if has_data(engine) and not force:
            raise BackupError("not_empty")
        member = SQLITE_MEMBER if backend == "sqlite" else PG_MEMBER
        dump = Path(tmp) / member
        _extract(archive, member, dump)
        engine.dispose()  # no pooled connection may hold the old database open
        if backend == "sqlite":
            _sqlite_restore(dump, Path(url.database or ""))
        else:
            _pg_restore(engine, url, dump)
        _restore_files(archive, store)
    return manifest


def _extract(archive: tarfile.TarFile, name: str, target: Path) -> None:
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("missing_member", name=name)
    with member, target.open("wb") as out:
        shutil.copyfileobj(member, out)


def _sqlite_restore(dump: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(dump)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # page by page into the live file, WAL and all
    finally:
        src.close()
        dst.close()


def _pg_restore(engine: Engine, url: URL, dump: Path) -> None:
    # Tables of the current schema go first, so rows of a newer or older layout cannot mix.
    with engine.begin() as connection:
        for table in inspect(connection).get_table_names():
            quoted = connection.dialect.identifier_preparer.quote(table)
            connection.execute(text(f"DROP TABLE IF EXISTS {quoted} CASCADE"))
    engine.dispose()
    text_url, env, _ = _libpq(url)
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            f"--dbname={text_url}",
            str(dump),
        ],
        env,
    )


def _restore_files(archive: tarfile.TarFile, store: FileStore) -> int:
    count = 0
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if not member.isfile() or path.parts[:1] != (FILES,):
            continue
        try:
            key = check_key("/".join(path.parts[1:]))  # plain segments: nothing climbs out
        except ValueError:
            continue
        extracted = archive.extractfile(member)
        if extracted is None:
            continue
        with extracted:
            data = extracted.read()
        try:
            store.put(key, data)
        except StoreError as error:
            raise BackupError("store", store=store.describe(), error=error) from None
        count += 1
    return count
