"""The object-store path (BAOCAO_FILE_STORE=s3://…) against a real S3-compatible server: moto's
standalone server, started on a free local port (skipped when moto is not installed). Several
bot processes on several machines share such a store; here one bot keeps a document in it, the
secretariat reads it back, and a backup holds it."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator

import pytest

from bot.cli import main
from handlers.events import IncomingEvent
from storage.files.location import S3Access, open_store
from storage.files.store import FileMissing, S3FileStore, blob_key
from tests.document_support import Sender, small_app, to_files_question
from tests.documents import pdf
from tests.people import say

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("moto") is None, reason="moto[server] is not installed"
)

BUCKET = "baocao-test"
KEYS = {"s3_access_key": "test-key", "s3_secret_key": "test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
    )
    deadline = time.monotonic() + 30
    pause = threading.Event()
    try:
        while True:  # a bounded wait for the port to answer, not a wait for time
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("moto's server did not start")
            pause.wait(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_server: str) -> str:
    """A fresh prefix in the bucket (made once) for each test."""
    store = open_store(
        f"s3://{BUCKET}",
        database_url="sqlite://",
        s3=S3Access(s3_server, KEYS["s3_access_key"], KEYS["s3_secret_key"]),
    )
    assert isinstance(store, S3FileStore)
    with contextlib.suppress(store.client.exceptions.BucketAlreadyOwnedByYou):
        store.client.create_bucket(Bucket=BUCKET)
    return f"s3://{BUCKET}/t{time.monotonic_ns()}"


def test_documents_live_in_the_object_store_and_come_back(
    make_app, tmp_path, s3_server, bucket, monkeypatch
):
    settings = {"file_store": bucket, "s3_endpoint_url": s3_server, **KEYS}
    app = small_app(make_app, tmp_path, **settings)
    store = app.files
    assert isinstance(store, S3FileStore) and store.describe() == f"{bucket}/"
    with pytest.raises(FileMissing):
        store.get(blob_key("0" * 64))

    to_files_question(app)
    lan = Sender(app, "u1")
    assert "Đã lưu tệp phu-luc.pdf" in lan.send(pdf("annex on s3"), "phu-luc.pdf")
    say(app, "u1", "1")
    receipt = lan.send(pdf("letter on s3"), "bc.pdf", "Số 3/BC-SA, ngày 30/10/2026, Nguyễn An")
    assert "ĐÃ NỘP" in receipt
    kept = {blob_key(hashlib.sha256(pdf(t)).hexdigest()) for t in ("annex on s3", "letter on s3")}
    assert set(store.keys()) == kept
    assert not (tmp_path / "files").exists()  # nothing on this machine's disk

    # Another process (another machine) with the same settings reads the same bytes.
    other = make_app(plan_file=app.settings.plan_file, **settings)
    replies = other.dispatcher.handle(IncomingEvent("console", "operator", "operator",
                                                    text="/view so-a"))  # fmt: skip
    files = {r.file.file_name: r.file.data for r in replies if r.file is not None}
    assert files == {"so-a_3-BC-SA.pdf": pdf("letter on s3"), "phu-luc.pdf": pdf("annex on s3")}

    # A backup holds the object store's files too.
    for name, value in {"DATABASE_URL": app.settings.database_url, "FILE_STORE": bucket,
                        "S3_ENDPOINT_URL": s3_server, "S3_ACCESS_KEY": KEYS["s3_access_key"],
                        "S3_SECRET_KEY": KEYS["s3_secret_key"]}.items():  # fmt: skip
        monkeypatch.setenv(f"BAOCAO_{name}", value)
    archive = tmp_path / "b.tar.gz"
    assert main(["backup", "-o", str(archive)]) == 0
    with tarfile.open(archive) as packed:
        assert len([n for n in packed.getnames() if n.startswith("files/sha256/")]) == 2
