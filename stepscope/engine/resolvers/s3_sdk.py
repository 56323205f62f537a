"""The aws-sdk:s3 Task integration (arn:aws:states:::aws-sdk:s3:<api>) served by the local
object store in `resolvers["s3"]`, answering as AWS's SDK integration answers.

Results carry the fields S3 returns for the call (as the AWS SDK names them) with no HTTP
metadata. S3's errors become `S3.<Code>Exception` for the errors the SDK models (NoSuchKey,
NoSuchBucket, ...) and `S3.S3Exception` otherwise, with S3's message followed by
"(Service: S3, Status Code: N, Request ID: ..., Extended Request ID: ...)".

Not modelled (the store keeps no such data): owners, user metadata, content types given at
upload (objects read back as `binary/octet-stream`), versions, ranges and checksum modes.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from stepscope.engine.errors import StatesError
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers.object_store import (
    ObjectInfo,
    ObjectStore,
    ObjectStoreError,
    etag_of,
)

__all__ = ["APIS", "call", "serves"]

DEFAULT_CONTENT_TYPE = "binary/octet-stream"
MAX_KEYS = 1000
# S3 error codes the SDK has an exception class for (S3.<Code>Exception); others: S3.S3Exception.
MODELED_ERRORS = frozenset(
    {
        "BucketAlreadyExists",
        "BucketAlreadyOwnedByYou",
        "InvalidObjectState",
        "NoSuchBucket",
        "NoSuchKey",
        "NoSuchUpload",
    }
)


def serves(kind: dict[str, str], resolvers: dict[str, Any]) -> bool:
    """Is this an aws-sdk:s3 call the local object store can answer?"""
    return kind["resourceType"] == "aws-sdk:s3" and kind["resource"] in APIS and "s3" in resolvers


def call(current: Any, api: str, parameters: Any) -> Any:
    """The result of `api` called with `parameters`, or its error as a StatesError."""
    store: ObjectStore = current.run.resolvers["s3"]
    arguments = parameters if isinstance(parameters, dict) else {}
    try:
        return _HANDLERS[api](current, store, arguments)
    except ObjectStoreError as problem:
        raise StatesError(error_name(problem.code), s3_cause(current, problem)) from None


def error_name(code: str) -> str:
    return f"S3.{code}Exception" if code in MODELED_ERRORS else "S3.S3Exception"


def s3_cause(current: Any, problem: ObjectStoreError) -> str:
    """S3's message with the SDK's suffix; the request ids are drawn from the run's generator."""
    request_id = f"{current.run.rng.getrandbits(64):016X}"
    extended = base64.b64encode(current.run.rng.getrandbits(456).to_bytes(57, "big")).decode()
    return (
        f"{problem.message} (Service: S3, Status Code: {problem.status}, "
        f"Request ID: {request_id}, Extended Request ID: {extended})"
    )


def _required(arguments: dict[str, Any], name: str) -> str:
    value = arguments.get(name)
    if not isinstance(value, str) or not value:
        raise StatesError("S3.SdkClientException", f"Parameter '{name}' must not be null or empty")
    return value


def body_bytes(body: Any) -> bytes:
    """A Body as sent: text as UTF-8, any other JSON value as its (compact) JSON text."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return json_text(body).encode("utf-8")


def crc32_checksum(body: bytes) -> str:
    """S3's ChecksumCRC32: the big-endian CRC32 of the body, base64-encoded."""
    return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode("ascii")


def timestamp(moment: datetime) -> str:
    """A time as the SDK integration writes it: ISO-8601 in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _object_fields(info: ObjectInfo) -> dict[str, Any]:
    return {
        "AcceptRanges": "bytes",
        "ContentLength": info.size,
        "ContentType": DEFAULT_CONTENT_TYPE,
        "ETag": info.etag,
        "LastModified": timestamp(info.last_modified),
        "Metadata": {},
        "ServerSideEncryption": "AES256",
    }


def get_object(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    bucket, key = _required(arguments, "Bucket"), _required(arguments, "Key")
    body = store.get_object(bucket, key)
    info = store.head_object(bucket, key)
    return {**_object_fields(info), "Body": body.decode("utf-8", errors="replace")}


def head_object(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    bucket, key = _required(arguments, "Bucket"), _required(arguments, "Key")
    return _object_fields(store.head_object(bucket, key))


def put_object(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    bucket, key = _required(arguments, "Bucket"), _required(arguments, "Key")
    body = body_bytes(arguments.get("Body"))
    store.put_object(bucket, key, body, modified=current.run.clock.now)
    return {
        "ChecksumCRC32": crc32_checksum(body),
        "ChecksumType": "FULL_OBJECT",
        "ETag": etag_of(body),
        "ServerSideEncryption": "AES256",
    }


def _max_keys(arguments: dict[str, Any]) -> int:
    value = arguments.get("MaxKeys", MAX_KEYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return MAX_KEYS
    return min(value, MAX_KEYS)


def _page(
    store: ObjectStore, bucket: str, arguments: dict[str, Any], after: str
) -> tuple[list[ObjectInfo], bool]:
    """The objects after the key `after` under Prefix, at most MaxKeys, and whether more remain."""
    prefix = str(arguments.get("Prefix") or "")
    found = [info for info in store.list_objects(bucket, prefix) if info.key > after]
    limit = _max_keys(arguments)
    return found[:limit], len(found) > limit


def _contents(page: list[ObjectInfo]) -> dict[str, Any]:
    items = [
        {
            "Key": info.key,
            "LastModified": timestamp(info.last_modified),
            "ETag": info.etag,
            "Size": info.size,
            "StorageClass": info.storage_class,
        }
        for info in page
    ]
    return {"Contents": items} if items else {}


def list_objects(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    bucket = _required(arguments, "Bucket")
    marker = str(arguments.get("Marker") or "")
    page, truncated = _page(store, bucket, arguments, marker)
    return {
        **_contents(page),
        "IsTruncated": truncated,
        "Marker": marker,
        "MaxKeys": _max_keys(arguments),
        "Name": bucket,
        "Prefix": str(arguments.get("Prefix") or ""),
    }


def list_objects_v2(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    bucket = _required(arguments, "Bucket")
    token = arguments.get("ContinuationToken")
    after = _decode_token(token) if isinstance(token, str) else ""
    after = max(after, str(arguments.get("StartAfter") or ""))
    page, truncated = _page(store, bucket, arguments, after)
    answer: dict[str, Any] = {**_contents(page), "IsTruncated": truncated}
    if isinstance(token, str):
        answer["ContinuationToken"] = token
    answer.update(KeyCount=len(page), MaxKeys=_max_keys(arguments), Name=bucket)
    if truncated:
        answer["NextContinuationToken"] = _encode_token(page[-1].key)
    answer["Prefix"] = str(arguments.get("Prefix") or "")
    if "StartAfter" in arguments:
        answer["StartAfter"] = arguments["StartAfter"]
    return answer


def _encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii")


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except ValueError:
        raise ObjectStoreError(
            "InvalidArgument", "The continuation token provided is incorrect", 400
        ) from None


def list_buckets(current: Any, store: ObjectStore, arguments: dict[str, Any]) -> dict[str, Any]:
    buckets = [
        {"CreationDate": timestamp(info.creation_date), "Name": info.name}
        for info in store.list_buckets()
    ]
    return {"Buckets": buckets}


_Handler = Callable[[Any, ObjectStore, dict[str, Any]], dict[str, Any]]
_HANDLERS: dict[str, _Handler] = {
    "getObject": get_object,
    "headObject": head_object,
    "listBuckets": list_buckets,
    "listObjects": list_objects,
    "listObjectsV2": list_objects_v2,
    "putObject": put_object,
}
APIS: frozenset[str] = frozenset(_HANDLERS)
