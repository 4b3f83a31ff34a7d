"""Any number of `baocao run` may start at once on an empty database (issue 18, 3): one
migrates and imports the plan under a lock, the others wait and find it done."""

from __future__ import annotations

import multiprocessing
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.app import App
from bot.settings import load_settings
from storage.models import Plan, ReportingPeriod
from tests.conftest import _postgres_once

pytestmark = [pytest.mark.both_databases, pytest.mark.processes]

PROCESSES = 4
ROUNDS = 10


def _start(url: str, barrier, errors) -> None:  # runs in a forked child
    try:
        barrier.wait(timeout=30)
        app = App.build(load_settings(database_url=url))
        try:
            app.prepare()
        finally:
            app.close()
    except BaseException:
        errors.put(traceback.format_exc())
        raise


@contextmanager
def fresh_database(db_url: str, tmp_path, round_: int) -> Iterator[str]:
    """A new, empty database for each round: an SQLite file, or a new PostgreSQL schema."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/round{round_}.db"
        return
    base = _postgres_once()
    assert base is not None
    schema = f"s_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_several_processes_start_at_once_on_an_empty_database(db_url, tmp_path):
    context = multiprocessing.get_context("fork")  # the children need no imports of their own
    for round_ in range(ROUNDS):
        with fresh_database(db_url, tmp_path, round_) as url:
            barrier, errors = context.Barrier(PROCESSES), context.Queue()
            children = [
                context.Process(target=_start, args=(url, barrier, errors))
                for _ in range(PROCESSES)
            ]
            for child in children:
                child.start()
            for child in children:
                child.join(timeout=120)
            failures = []
            while not errors.empty():
                failures.append(errors.get())
            assert [c.exitcode for c in children] == [0] * PROCESSES, (round_, failures)
            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            try:
                with engine.connect() as connection:
                    plans = connection.execute(select(Plan.code)).all()
                    periods = connection.execute(select(ReportingPeriod.key)).all()
            finally:
                engine.dispose()
            assert len(plans) == 1 and len(periods) == 1, round_
