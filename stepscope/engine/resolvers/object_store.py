"""Local stand-ins for Amazon S3, passed to the engine as `resolvers["s3"]`.

`LocalObjectStore(root)` keeps the object s3://bucket/key in the file `root/bucket/key` (a bucket
is a directory under `root`). `InMemoryObjectStore` keeps objects in a dict, for tests. Both
answer as S3 does: a missing bucket or key raises `ObjectStoreError` with S3's error code and
message, and listings come back in key order with S3's object fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

__all__ = [
    "BucketInfo",
    "InMemoryObjectStore",
    "access_denied",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "ObjectStoreError",
    "no_such_bucket",
    "no_such_key",
]

DEFAULT_LAST_MODIFIED = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class ObjectStoreError(Exception):
    """An S3 error: `code` (e.g. NoSuchKey), S3's message and the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 404) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def no_such_bucket() -> ObjectStoreError:
    return ObjectStoreError("NoSuchBucket", "The specified bucket does not exist")


def no_such_key() -> ObjectStoreError:
    return ObjectStoreError("NoSuchKey", "The specified key does not exist.")


def access_denied() -> ObjectStoreError:
    return ObjectStoreError("AccessDenied", "Access Denied", 403)


@dataclass(frozen=True)
class ObjectInfo:
    """One entry of a listing (S3's ListObjectsV2 `Contents` item)."""

    key: str
    size: int
    etag: str  # quoted MD5 hex digest, as S3 returns it
    last_modified: datetime
    storage_class: str = "STANDARD"


@dataclass(frozen=True)
class BucketInfo:
    """One bucket of a listing (S3's ListBuckets `Buckets` item)."""

    name: str
    creation_date: datetime


def etag_of(body: bytes) -> str:
    return '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'


class ObjectStore(Protocol):
    def get_object(self, bucket: str, key: str) -> bytes: ...

    def head_object(self, bucket: str, key: str) -> ObjectInfo: ...

    def list_buckets(self) -> list[BucketInfo]: ...

    def list_objects(self, bucket: str, prefix: str = "") -> list[ObjectInfo]: ...

    def put_object(
        self, bucket: str, key: str, body: bytes, *, modified: datetime | None = None
    ) -> None: ...


class InMemoryObjectStore:
    """Objects in a dict {(bucket, key): body}. A bucket exists once named in `buckets` or once
    it holds an object."""

    def __init__(
        self,
        objects: Mapping[tuple[str, str], bytes | str] | None = None,
        *,
        buckets: Iterable[str] = (),
        last_modified: datetime = DEFAULT_LAST_MODIFIED,
    ) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.buckets: set[str] = set(buckets)
        self.last_modified = last_modified
        self.modified: dict[tuple[str, str], datetime] = {}
        for (bucket, key), body in (objects or {}).items():
            self.buckets.add(bucket)
            self.objects[(bucket, key)] = body.encode("utf-8") if isinstance(body, str) else body

    def create_bucket(self, bucket: str) -> None:
        self.buckets.add(bucket)

    def get_object(self, bucket: str, key: str) -> bytes:
        if bucket not in self.buckets:
            raise no_such_bucket()
        if (bucket, key) not in self.objects:
            raise no_such_key()
        return self.objects[(bucket, key)]

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        body = self.get_object(bucket, key)
        return ObjectInfo(key, len(body), etag_of(body), self._modified(bucket, key))

    def list_buckets(self) -> list[BucketInfo]:
        return [BucketInfo(name, self.last_modified) for name in sorted(self.buckets)]

    def _modified(self, bucket: str, key: str) -> datetime:
        return self.modified.get((bucket, key), self.last_modified)

    def list_objects(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        if bucket not in self.buckets:
            raise no_such_bucket()
        found = [
            ObjectInfo(key, len(body), etag_of(body), self._modified(name, key))
            for (name, key), body in self.objects.items()
            if name == bucket and key.startswith(prefix)
        ]
        return sorted(found, key=lambda info: info.key.encode("utf-8"))

    def put_object(
        self, bucket: str, key: str, body: bytes, *, modified: datetime | None = None
    ) -> None:
        """Store `body`; `modified` (default: the store's `last_modified`) is its LastModified."""
        if bucket not in self.buckets:
            raise no_such_bucket()
        self.objects[(bucket, key)] = bytes(body)
        if modified is not None:
            self.modified[(bucket, key)] = modified


class LocalObjectStore:
    """s3://bucket/key is the file `root/bucket/key`; buckets are the directories under `root`.
    Keys that would leave their bucket's directory (`..`, absolute paths) do not exist."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _bucket_dir(self, bucket: str) -> Path:
        if not bucket or "/" in bucket or "\\" in bucket or bucket in (".", ".."):
            raise no_such_bucket()
        directory = self.root / bucket
        if not directory.is_dir():
            raise no_such_bucket()
        return directory

    def _object_path(self, bucket: str, key: str) -> Path:
        directory = self._bucket_dir(bucket)
        parts = key.split("/")
        if not key or any(part in ("", ".", "..") for part in parts):
            raise no_such_key()
        path = directory.joinpath(*parts)
        if not path.resolve().is_relative_to(directory.resolve()):
            raise no_such_key()
        return path

    def get_object(self, bucket: str, key: str) -> bytes:
        path = self._object_path(bucket, key)
        if not path.is_file():
            raise no_such_key()
        try:
            return path.read_bytes()
        except OSError:
            raise access_denied() from None

    def head_object(self, bucket: str, key: str) -> ObjectInfo:
        body = self.get_object(bucket, key)
        modified = self._object_path(bucket, key).stat().st_mtime
        return ObjectInfo(key, len(body), etag_of(body), datetime.fromtimestamp(modified, tz=UTC))

    def list_buckets(self) -> list[BucketInfo]:
        """The directories under `root` whose names could be buckets, dated by their mtime."""
        if not self.root.is_dir():
            return []
        return [
            BucketInfo(path.name, datetime.fromtimestamp(path.stat().st_mtime, tz=UTC))
            for path in sorted(self.root.iterdir())
            if path.is_dir() and not path.name.startswith(".")
        ]

    def list_objects(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        directory = self._bucket_dir(bucket)
        found: list[ObjectInfo] = []
        for path in directory.rglob("*"):
            if not path.is_file():
                continue
            key = path.relative_to(directory).as_posix()
            if key.startswith(prefix):
                try:
                    body = path.read_bytes()
                except OSError:
                    raise access_denied() from None
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                found.append(ObjectInfo(key, len(body), etag_of(body), modified))
        return sorted(found, key=lambda info: info.key.encode("utf-8"))

    def put_object(
        self, bucket: str, key: str, body: bytes, *, modified: datetime | None = None
    ) -> None:
        """Write the file; its own mtime stays its LastModified (`modified` is not applied)."""
        path = self._object_path(bucket, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        except OSError:
            raise access_denied() from None
