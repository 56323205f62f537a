"""stepscope/engine/resolvers/s3_sdk.py: aws-sdk:s3 Tasks answered by the local object store."""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from stepscope.engine import run_to_completion
from stepscope.engine.errors import StatesError
from stepscope.engine.resolvers import s3_sdk
from stepscope.engine.resolvers.object_store import InMemoryObjectStore

NOW = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
CAUSE_SUFFIX = re.compile(
    r" \(Service: S3, Status Code: 404, Request ID: [0-9A-F]{16}, "
    r"Extended Request ID: [A-Za-z0-9+/=]{76}\)$"
)


def current(store: InMemoryObjectStore, seed: int = 7) -> Any:
    run = SimpleNamespace(
        rng=random.Random(seed), clock=SimpleNamespace(now=NOW), resolvers={"s3": store}
    )
    return SimpleNamespace(run=run)


def task(api: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": f"arn:aws:states:::aws-sdk:s3:{api}",
                "Parameters": parameters,
                "End": True,
            }
        },
    }


def test_serves_only_known_apis_with_a_store() -> None:
    kind = {"resourceType": "aws-sdk:s3", "resource": "getObject"}
    assert s3_sdk.serves(kind, {"s3": InMemoryObjectStore()})
    assert not s3_sdk.serves(kind, {})
    assert not s3_sdk.serves({**kind, "resource": "deleteBucket"}, {"s3": object()})
    assert not s3_sdk.serves({**kind, "resourceType": "aws-sdk:sqs"}, {"s3": object()})


@pytest.mark.parametrize(
    ("body", "sent"),
    [("text", b"text"), ({"Dict": "Value"}, b'{"Dict":"Value"}'), (False, b"false"), (0, b"0")],
)
def test_put_object_sends_json_values_as_their_text(body: Any, sent: bytes) -> None:
    store = InMemoryObjectStore(buckets=["b"])
    result = s3_sdk.call(current(store), "putObject", {"Bucket": "b", "Key": "k", "Body": body})
    assert store.get_object("b", "k") == sent
    assert set(result) == {"ChecksumCRC32", "ChecksumType", "ETag", "ServerSideEncryption"}
    assert result["ChecksumType"] == "FULL_OBJECT"
    assert result["ServerSideEncryption"] == "AES256"


def test_put_object_checksums_are_md5_etag_and_big_endian_crc32() -> None:
    store = InMemoryObjectStore(buckets=["b"])
    result = s3_sdk.call(current(store), "putObject", {"Bucket": "b", "Key": "k", "Body": "0"})
    assert result["ETag"] == '"cfcd208495d565ef66e7dff9f98764da"'  # MD5("0"), quoted
    assert result["ChecksumCRC32"] == "9NvfIQ=="  # base64 of CRC32("0") = 0xf4dbdf21
    assert s3_sdk.crc32_checksum(b"") == "AAAAAA=="


def test_get_object_returns_the_body_as_text_with_s3_metadata() -> None:
    store = InMemoryObjectStore(buckets=["b"])
    s3_sdk.call(current(store), "putObject", {"Bucket": "b", "Key": "k", "Body": "héllo"})
    result = s3_sdk.call(current(store), "getObject", {"Bucket": "b", "Key": "k"})
    assert result == {
        "AcceptRanges": "bytes",
        "ContentLength": 6,
        "ContentType": "binary/octet-stream",
        "ETag": '"' + hashlib.md5("héllo".encode()).hexdigest() + '"',
        "LastModified": "2025-03-04T05:06:07Z",  # the run's clock when it was put
        "Metadata": {},
        "ServerSideEncryption": "AES256",
        "Body": "héllo",
    }
    head = s3_sdk.call(current(store), "headObject", {"Bucket": "b", "Key": "k"})
    assert head == {key: value for key, value in result.items() if key != "Body"}


def test_missing_key_and_bucket_raise_the_sdk_exceptions() -> None:
    store = InMemoryObjectStore(buckets=["b"])
    with pytest.raises(StatesError) as key:
        s3_sdk.call(current(store), "getObject", {"Bucket": "b", "Key": "nope"})
    assert key.value.error == "S3.NoSuchKeyException"
    assert (key.value.cause or "").startswith("The specified key does not exist. (Service: S3")
    assert CAUSE_SUFFIX.search(key.value.cause or "")
    with pytest.raises(StatesError) as bucket:
        s3_sdk.call(current(store), "listObjects", {"Bucket": "absent"})
    assert bucket.value.error == "S3.NoSuchBucketException"
    assert (bucket.value.cause or "").startswith("The specified bucket does not exist (Service")


def test_request_ids_come_from_the_run_generator() -> None:
    def cause(seed: int) -> str | None:
        with pytest.raises(StatesError) as raised:
            s3_sdk.call(
                current(InMemoryObjectStore(), seed), "getObject", {"Bucket": "x", "Key": "k"}
            )
        return raised.value.cause

    assert cause(1) == cause(1) != cause(2)


def test_unmodelled_errors_are_s3_exceptions() -> None:
    assert s3_sdk.error_name("AccessDenied") == "S3.S3Exception"
    assert s3_sdk.error_name("NoSuchKey") == "S3.NoSuchKeyException"


def test_a_missing_required_parameter_is_a_client_error() -> None:
    with pytest.raises(StatesError) as raised:
        s3_sdk.call(current(InMemoryObjectStore(buckets=["b"])), "getObject", {"Bucket": "b"})
    assert raised.value.error == "S3.SdkClientException"


def test_list_objects_v1_and_v2_page_by_max_keys() -> None:
    store = InMemoryObjectStore({("b", "a/1"): "1", ("b", "a/2"): "22", ("b", "z"): ""})
    v1 = s3_sdk.call(current(store), "listObjects", {"Bucket": "b", "Prefix": "a/"})
    assert [item["Key"] for item in v1["Contents"]] == ["a/1", "a/2"]
    assert v1["Contents"][1]["Size"] == 2
    assert (v1["IsTruncated"], v1["MaxKeys"], v1["Name"], v1["Prefix"]) == (False, 1000, "b", "a/")
    first = s3_sdk.call(current(store), "listObjectsV2", {"Bucket": "b", "MaxKeys": 2})
    assert (first["KeyCount"], first["IsTruncated"]) == (2, True)
    token = first["NextContinuationToken"]
    rest = s3_sdk.call(current(store), "listObjectsV2", {"Bucket": "b", "ContinuationToken": token})
    assert [item["Key"] for item in rest["Contents"]] == ["z"]
    assert rest["ContinuationToken"] == token and rest["IsTruncated"] is False
    empty = s3_sdk.call(current(store), "listObjectsV2", {"Bucket": "b", "Prefix": "none"})
    assert "Contents" not in empty and empty["KeyCount"] == 0


def test_list_buckets_names_every_bucket() -> None:
    store = InMemoryObjectStore(buckets=["two", "one"])
    result = s3_sdk.call(current(store), "listBuckets", {})
    assert [bucket["Name"] for bucket in result["Buckets"]] == ["one", "two"]


def test_a_run_records_the_call_and_catches_its_error() -> None:
    store = InMemoryObjectStore(buckets=["b"])
    put = run_to_completion(
        task("putObject", {"Bucket": "b", "Key": "k", "Body.$": "$"}),
        {"n": 1},
        resolvers={"s3": store},
    )
    assert put.status == "SUCCEEDED"
    assert store.get_object("b", "k") == b'{"n":1}'
    kinds = [event["type"] for event in put.events]
    assert kinds[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = put.events[2]["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == ("aws-sdk:s3", "putObject")
    missing = run_to_completion(
        task("getObject", {"Bucket": "b", "Key": "gone"}), {}, resolvers={"s3": store}
    )
    assert (missing.status, missing.error) == ("FAILED", "S3.NoSuchKeyException")
    failed = next(event for event in missing.events if event["type"] == "TaskFailed")
    assert json.dumps(failed).count("The specified key does not exist.") == 1
