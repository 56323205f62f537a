from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from stepscope.engine.resolvers.object_store import (
    InMemoryObjectStore,
    LocalObjectStore,
    ObjectStoreError,
    etag_of,
)


def test_in_memory_store_reads_lists_and_writes() -> None:
    store = InMemoryObjectStore({("b", "data/2.txt"): "two", ("b", "data/1.txt"): b"one"})
    assert store.get_object("b", "data/1.txt") == b"one"
    store.put_object("b", "other.txt", b"x")
    listing = store.list_objects("b", "data/")
    assert [info.key for info in listing] == ["data/1.txt", "data/2.txt"]
    assert listing[0].size == 3
    assert listing[0].etag == '"f97c5d29941bfb1b2fdab0874906ab82"'  # MD5 of "one", quoted
    assert listing[0].storage_class == "STANDARD"
    assert [info.key for info in store.list_objects("b")][-1] == "other.txt"


def test_in_memory_store_answers_with_s3_errors() -> None:
    store = InMemoryObjectStore(buckets=["empty"])
    with pytest.raises(ObjectStoreError) as missing_key:
        store.get_object("empty", "nope")
    assert missing_key.value.code == "NoSuchKey"
    assert missing_key.value.message == "The specified key does not exist."
    with pytest.raises(ObjectStoreError) as missing_bucket:
        store.list_objects("absent")
    assert missing_bucket.value.code == "NoSuchBucket"
    with pytest.raises(ObjectStoreError):
        store.put_object("absent", "k", b"")


def test_local_store_maps_s3_urls_to_files(tmp_path: Path) -> None:
    (tmp_path / "bucket" / "dir").mkdir(parents=True)
    (tmp_path / "bucket" / "dir" / "a.json").write_text("[1]")
    (tmp_path / "bucket" / "top.csv").write_text("h\n1\n")
    store = LocalObjectStore(tmp_path)
    assert store.get_object("bucket", "dir/a.json") == b"[1]"
    assert [info.key for info in store.list_objects("bucket")] == ["dir/a.json", "top.csv"]
    assert [info.key for info in store.list_objects("bucket", "dir/")] == ["dir/a.json"]
    store.put_object("bucket", "out/run/manifest.json", b"{}")
    assert (tmp_path / "bucket" / "out" / "run" / "manifest.json").read_bytes() == b"{}"


def test_local_store_keeps_keys_inside_their_bucket(tmp_path: Path) -> None:
    (tmp_path / "bucket").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    store = LocalObjectStore(tmp_path)
    for key in ("../secret.txt", "/etc/passwd", "a/../../secret.txt"):
        with pytest.raises(ObjectStoreError) as problem:
            store.get_object("bucket", key)
        assert problem.value.code == "NoSuchKey"
    with pytest.raises(ObjectStoreError) as problem:
        store.get_object("..", "secret.txt")
    assert problem.value.code == "NoSuchBucket"
    with pytest.raises(ObjectStoreError):
        store.put_object("bucket", "../escape.txt", b"x")
    assert not (tmp_path / "escape.txt").exists()


def test_stores_describe_objects_and_buckets(tmp_path: Path) -> None:
    memory = InMemoryObjectStore(buckets=["b"])
    moment = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)
    memory.put_object("b", "k", b"one", modified=moment)
    assert memory.head_object("b", "k").last_modified == moment
    assert memory.list_objects("b")[0].last_modified == moment
    assert [bucket.name for bucket in memory.list_buckets()] == ["b"]
    (tmp_path / "bucket").mkdir()
    local = LocalObjectStore(tmp_path)
    local.put_object("bucket", "dir/k", b"two", modified=moment)
    info = local.head_object("bucket", "dir/k")
    assert (info.key, info.size, info.etag) == ("dir/k", 3, etag_of(b"two"))
    assert [bucket.name for bucket in local.list_buckets()] == ["bucket"]
    with pytest.raises(ObjectStoreError):
        local.head_object("bucket", "missing")
