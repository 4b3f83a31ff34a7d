"""Where the file store is: one answer for every part of the bot (the channels, the web
endpoint, the console, backups), worked out from the settings by `open_store`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from storage.files.store import FileStore, LocalFileStore, S3FileStore

LOCAL = "local"


def data_folder(database_url: str) -> Path:
    """The bot's data folder: beside an SQLite database, else ./data."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return Path("data")


def files_folder(database_url: str, files_dir: Path | None = None) -> Path:
    """The local file store's folder: BAOCAO_FILES_DIR, else `files/` in the data folder."""
    return files_dir if files_dir is not None else data_folder(database_url) / "files"


@dataclass(frozen=True)
class S3Access:
    """How to reach an S3-compatible server; None fields use boto3's own defaults (the
    environment, an instance role)."""

    endpoint_url: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    region: str = "us-east-1"


def parse_s3_url(value: str) -> tuple[str, str]:
    """'s3://bucket/some/prefix' -> ('bucket', 'some/prefix')."""
    parts = urlsplit(value)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("must be 'local' or s3://BUCKET[/PREFIX]")
    return parts.netloc, parts.path.strip("/")


def open_store(
    kind: str, *, database_url: str, files_dir: Path | None = None, s3: S3Access | None = None
) -> FileStore:
    """The configured store: `local` (a folder) or `s3://bucket/prefix` (an object store)."""
    if kind == LOCAL:
        return LocalFileStore(files_folder(database_url, files_dir))
    bucket, prefix = parse_s3_url(kind)
    import boto3  # only when an object store is configured: boto3 takes a while to import
    from botocore.config import Config

    access = s3 or S3Access()
    client = boto3.client(
        "s3",
        endpoint_url=access.endpoint_url,
        aws_access_key_id=access.access_key,
        aws_secret_access_key=access.secret_key,
        region_name=access.region,
        # Path-style addressing works with MinIO and Ceph as well as the clouds; retries
        # ride out a busy server.
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 4}),
    )
    return S3FileStore(client, bucket, prefix)
