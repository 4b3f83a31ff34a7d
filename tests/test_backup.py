"""`baocao backup` and `baocao restore`: round trips on SQLite and PostgreSQL (issue 16)."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.cli import main
from storage import migrate
from storage.db import create_db_engine, session_factory, transaction
from storage.files.location import files_folder
from storage.models import Agency


def agency_name(url: str, code: str) -> str:
    engine = create_db_engine(url)
    try:
        with session_factory(engine)() as session:
            return session.exec(select(Agency.name).where(Agency.code == code)).one()
    finally:
        engine.dispose()


def rename(url: str, code: str, name: str) -> None:
    engine = create_db_engine(url)
    try:
        with transaction(session_factory(engine)) as session:
            agency = session.exec(select(Agency).where(Agency.code == code)).one()
            agency.name = name
            session.add(agency)
    finally:
        engine.dispose()


def test_backup_and_restore_round_trip(db_url, monkeypatch, capsys, tmp_path):
    if db_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    monkeypatch.setenv("BAOCAO_DATABASE_URL", db_url.replace("+psycopg", ""))
    assert main(["agency", "list"]) == 0  # first start: migrate and import Plan 452
    files = files_folder(db_url)
    (files / "2026").mkdir(parents=True)
    (files / "2026" / "bao-cao.pdf").write_bytes(b"%PDF signed report")
    original = agency_name(db_url, "so-yte")

    archive = tmp_path / "backup.tar.gz"
    assert main(["backup", "-o", str(archive)]) == 0
    with tarfile.open(archive) as packed:
        names = packed.getnames()
        manifest = json.loads(packed.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert "files/2026/bao-cao.pdf" in names
    assert manifest["schema_revision"] == migrate.head_revision()
    assert manifest["version"] and manifest["created_at"] and manifest["files"] == 1

    rename(db_url, "so-yte", "Đổi sau khi sao lưu")
    shutil.rmtree(files)
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 1  # the database holds data
    err = capsys.readouterr().err
    assert "--force" in err and len(err.strip().splitlines()) == 1
    assert agency_name(db_url, "so-yte") == "Đổi sau khi sao lưu"

    assert main(["restore", str(archive), "--force"]) == 0
    assert agency_name(db_url, "so-yte") == original
    assert (files / "2026" / "bao-cao.pdf").read_bytes() == b"%PDF signed report"


def test_restore_into_an_empty_sqlite_database_needs_no_force(monkeypatch, capsys, tmp_path):
    source = f"sqlite:///{tmp_path}/a/baocao.db"
    (tmp_path / "a").mkdir()
    monkeypatch.setenv("BAOCAO_DATABASE_URL", source)
    assert main(["agency", "list"]) == 0
    assert main(["backup", "-o", str(tmp_path / "b.tar.gz")]) == 0

    target = f"sqlite:///{tmp_path}/new/baocao.db"
    (tmp_path / "new").mkdir()
    monkeypatch.setenv("BAOCAO_DATABASE_URL", target)
    assert main(["restore", str(tmp_path / "b.tar.gz")]) == 0
    assert agency_name(target, "so-yte") == agency_name(source, "so-yte")
    assert Path(make_url(target).database or "").exists()


def test_postgresql_backup_without_pg_dump_is_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", "postgresql://u@127.0.0.1:1/x?connect_timeout=2")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    assert main(["backup", "-o", str(tmp_path / "x.tar.gz")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pg_dump" in err[0]


def test_restore_refuses_a_file_that_is_not_a_backup(monkeypatch, capsys, tmp_path):
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    assert main(["restore", str(tmp_path / "junk.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "không đọc được" in err and "cannot read" not in err


def test_a_restore_error_speaks_the_operators_language(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BAOCAO_LANGUAGE", "en")
    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    assert main(["restore", str(tmp_path / "junk.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert "cannot read" in err and "không đọc được" not in err
