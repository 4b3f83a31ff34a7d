"""Where the bytes live: a folder (the default, beside the database) or an S3-compatible object
store that several bot processes on several machines share (MinIO, Ceph, any cloud).

A key is a relative path of plain segments (`sha256/ab/ab12…`, `links/<random>/<name>`); both
stores refuse any other, so a key can never reach outside its store. A write is complete or
absent: the folder store writes a temporary file, flushes it to disk and renames it; an object
store's PUT is atomic by itself.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

_SEGMENT = re.compile(r"^[\w][\w.\-]{0,199}$")


class StoreError(Exception):
    """The store could not be read or written (a full disk, an unreachable server)."""


class FileMissing(StoreError):
    """No file under that key."""


def check_key(key: str) -> str:
    parts = key.split("/")
    if not 1 <= len(parts) <= 4 or not all(_SEGMENT.match(part) for part in parts):
        raise ValueError(f"not a file store key: {key!r}")
    return key


def blob_key(sha256: str) -> str:
    """Where a file's content lives: by its SHA-256, so the same bytes are kept once."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"sha256/{sha256[:2]}/{sha256}"


class FileStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> Iterator[str]: ...

    def describe(self) -> str: ...


class LocalFileStore:
    """A folder; keys are paths below it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
            with partial.open("wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())  # on disk before anyone is told it is kept
            os.replace(partial, path)
        except OSError as error:
            raise StoreError(f"cannot write {key}: {error.strerror or error}") from None

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise FileMissing(key) from None
        except OSError as error:
            raise StoreError(f"cannot read {key}: {error.strerror or error}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Tidy the folders a link file had to itself; never the store's own root.
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def describe(self) -> str:
        return str(self.root)


class S3FileStore:
    """A bucket (and an optional prefix) on any S3-compatible server, through boto3."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", Bucket=self.bucket, Key=self._name(key), Body=data)

    def get(self, key: str) -> bytes:
        answer = self._call("get_object", Bucket=self.bucket, Key=self._name(key))
        body = answer["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Bucket=self.bucket, Key=self._name(key))
        except FileMissing:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Bucket=self.bucket, Key=self._name(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    yield str(item["Key"])[len(self.prefix) :]
        except Exception as error:
            raise _store_error(error, "list") from None

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _call(self, method: str, **params: Any) -> Any:
        try:
            return getattr(self.client, method)(**params)
        except Exception as error:  # botocore's errors; their text never holds the secret key
            raise _store_error(error, params.get("Key", "")) from None


def _store_error(error: Exception, key: str) -> StoreError:
    response = getattr(error, "response", None)
    code = str((response or {}).get("Error", {}).get("Code", ""))
    if code in {"NoSuchKey", "404", "NotFound"}:
        return FileMissing(key)
    return StoreError(f"{type(error).__name__}: {code or error}")
