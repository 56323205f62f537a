"""Map's ItemReader: the items of a distributed Map read from S3 (the `resolvers["s3"]` object
store), as s3:getObject (JSON, JSONL, CSV or an S3 inventory MANIFEST) or s3:listObjectsV2.
Failures are States.ItemReaderFailed, reported after MapRunStarted as AWS does."""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from typing import Any

from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.resolvers.object_store import ObjectStore, ObjectStoreError
from stepscope.engine.states.common import StateRun

__all__ = [
    "ITEM_READER_FAILED",
    "ReaderRequest",
    "object_store",
    "prepare_reader",
    "read_items",
    "s3_cause",
]

ITEM_READER_FAILED = "States.ItemReaderFailed"
GET_OBJECT = "arn:aws:states:::s3:getObject"
LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2"
MAX_ITEMS_LIMIT = 100_000_000
CSV_HEADER_LIMIT_BYTES = 10 * 1024
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


@dataclass
class ReaderRequest:
    """The evaluated ItemReader: which S3 call, its arguments and the reader configuration."""

    action: str  # "getObject" or "listObjectsV2"
    arguments: dict[str, Any]
    config: dict[str, Any]


def _action(resource: str) -> str:
    """getObject or listObjectsV2, from the resource ARN (with or without a region/account)."""
    parts = resource.split(":")
    if len(parts) == 7 and parts[:3] == ["arn", parts[1], "states"] and parts[5] == "s3":
        if parts[6] in ("getObject", "listObjectsV2"):
            return parts[6]
    raise RuntimeFailure(
        f"The ItemReader resource '{resource}' is not supported: use {GET_OBJECT} or "
        f"{LIST_OBJECTS_V2}"
    )


def prepare_reader(current: StateRun, effective: Any) -> ReaderRequest:
    """Evaluate the ItemReader's Parameters/Arguments (before the Map Run starts)."""
    reader = current.state["ItemReader"]
    action = _action(str(reader.get("Resource", "")))
    arguments: Any = {}
    if current.jsonata and "Arguments" in reader:
        arguments = current.evaluate(reader["Arguments"], "ItemReader.Arguments")
    elif "Parameters" in reader:
        arguments = render_template(reader["Parameters"], effective, current.scope())
    config = dict(reader.get("ReaderConfig") or {})
    return ReaderRequest(action, dict(arguments or {}), config)


def _max_items(current: StateRun, config: dict[str, Any], effective: Any) -> int:
    if "MaxItems" in config:
        value = config["MaxItems"]
        if current.jsonata:
            value = current.evaluate(value, "ItemReader.ReaderConfig.MaxItems")
    elif isinstance(config.get("MaxItemsPath"), str):
        path = config["MaxItemsPath"]
        value = _as_integer(select(path, effective, current.scope()))
        if not isinstance(value, int):
            shown = value if isinstance(value, str) else json.dumps(value)
            raise RuntimeFailure(
                f'The MaxItemsPath field refers to value "{shown}" which is not a valid '
                f"integer: {path}"
            )
    else:
        return 0
    value = _as_integer(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StatesError(ITEM_READER_FAILED, "field MaxItems must be positive")
    return min(value, MAX_ITEMS_LIMIT)


def _as_integer(value: Any) -> Any:
    """Numbers written as text count as numbers, as AWS reads MaxItemsPath values."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def object_store(current: StateRun, error: str = ITEM_READER_FAILED) -> ObjectStore:
    store = current.run.resolvers.get("s3")
    if store is None:
        raise StatesError(
            error,
            "No local object store stands in for Amazon S3 (resolvers['s3'] is not set)",
        )
    return store  # type: ignore[no-any-return]


def s3_cause(problem: ObjectStoreError, current: StateRun) -> str:
    """S3's error message with the service details Step Functions appends."""
    request_id = f"{current.run.rng.getrandbits(64):016X}"
    extended = f"{current.run.rng.getrandbits(128):032x}"
    return (
        f"{problem.message} (Service: S3, Status Code: {problem.status}, "
        f"Request ID: {request_id}, Extended Request ID: {extended})"
    )


def read_items(current: StateRun, request: ReaderRequest, effective: Any) -> list[Any]:
    """The items the reader yields, at most MaxItems of them (read once the Map Run started)."""
    max_items = _max_items(current, request.config, effective)
    store = object_store(current)
    bucket = _text_argument(request, "Bucket")
    try:
        if request.action == "listObjectsV2":
            prefix = request.arguments.get("Prefix") or ""
            items = _listing(store, bucket, str(prefix))
        else:
            body = store.get_object(bucket, _text_argument(request, "Key"))
            items = _parse(store, body, request.config)
    except ObjectStoreError as problem:
        raise StatesError(ITEM_READER_FAILED, s3_cause(problem, current)) from None
    return items[:max_items] if max_items else items


def _text_argument(request: ReaderRequest, name: str) -> str:
    value = request.arguments.get(name)
    if not isinstance(value, str) or not value:
        raise StatesError(ITEM_READER_FAILED, f"The ItemReader's {name} must be a non-empty string")
    return value


def _listing(store: ObjectStore, bucket: str, prefix: str) -> list[Any]:
    return [
        {
            "Etag": info.etag,
            "Key": info.key,
            "LastModified": int(info.last_modified.timestamp()),
            "Size": info.size,
            "StorageClass": info.storage_class,
        }
        for info in store.list_objects(bucket, prefix)
    ]


def _parse(store: ObjectStore, body: bytes, config: dict[str, Any]) -> list[Any]:
    input_type = config.get("InputType", "JSON")
    text = body.decode("utf-8-sig", errors="replace")
    if input_type == "JSON":
        return _json_items(text, config)
    if input_type == "JSONL":
        return _jsonl_items(text)
    if input_type == "CSV":
        return csv_items(text, config)
    if input_type == "MANIFEST":
        return _manifest_items(store, text)
    raise StatesError(ITEM_READER_FAILED, f"The InputType '{input_type}' is not supported")


def _json_items(text: str, config: dict[str, Any]) -> list[Any]:
    try:
        document = json.loads(text)
    except ValueError:
        raise StatesError(ITEM_READER_FAILED, "The file is not valid JSON.") from None
    pointer = config.get("ItemsPointer")
    if isinstance(pointer, str) and pointer:
        document = _resolve_pointer(document, pointer)
    if not isinstance(document, list):
        raise StatesError(
            ITEM_READER_FAILED,
            "Attempting to map over non-iterable node: the JSON is not an array.",
        )
    return document


def _resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON Pointer (ReaderConfig.ItemsPointer)."""
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        index = token.isascii() and token.isdigit()  # "¹".isdigit() too, but int() refuses it
        if isinstance(document, dict) and token in document:
            document = document[token]
        elif isinstance(document, list) and index and int(token) < len(document):
            document = document[int(token)]
        else:
            raise StatesError(ITEM_READER_FAILED, f"The ItemsPointer '{pointer}' matched nothing.")
    return document


def _jsonl_items(text: str) -> list[Any]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            raise StatesError(
                ITEM_READER_FAILED, f"Line {number} of the JSONL file is not valid JSON."
            ) from None
    return items


def csv_items(text: str, config: dict[str, Any]) -> list[dict[str, str]]:
    """CSV rows as objects keyed by the headers (from the first row or CSVHeaders). Missing
    fields are empty strings; fields beyond the headers are dropped."""
    delimiter = DELIMITERS.get(str(config.get("CSVDelimiter", "COMMA")))
    if delimiter is None:
        raise StatesError(
            ITEM_READER_FAILED, f"The CSVDelimiter '{config.get('CSVDelimiter')}' is not supported"
        )
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = [str(header) for header in config.get("CSVHeaders") or []]
    else:
        headers, rows = (rows[0], rows[1:]) if rows else ([], [])
    if len(delimiter.join(headers).encode("utf-8")) > CSV_HEADER_LIMIT_BYTES:
        raise StatesError(ITEM_READER_FAILED, "CSV headers cannot be larger than 10 KiB.")
    if len(set(headers)) != len(headers):
        raise StatesError(ITEM_READER_FAILED, "CSV headers cannot contain duplicates.")
    return [
        {header: row[index] if index < len(row) else "" for index, header in enumerate(headers)}
        for row in rows
    ]


def _manifest_items(store: ObjectStore, text: str) -> list[Any]:
    """An S3 Inventory manifest.json: the rows of its CSV files, keyed by its fileSchema."""
    try:
        manifest = json.loads(text)
        schema = [name.strip() for name in str(manifest["fileSchema"]).split(",")]
        bucket = str(manifest["destinationBucket"]).rsplit(":", 1)[-1]
        files = [str(entry["key"]) for entry in manifest["files"]]
    except (ValueError, KeyError, TypeError):
        raise StatesError(ITEM_READER_FAILED, "The file is not an S3 Inventory manifest.") from None
    if manifest.get("fileFormat", "CSV") != "CSV":
        raise StatesError(ITEM_READER_FAILED, "Only CSV S3 Inventory reports can be read.")
    items: list[Any] = []
    for key in files:
        body = store.get_object(bucket, key)
        if key.endswith(".gz"):
            body = gzip.decompress(body)
        config = {"CSVHeaderLocation": "GIVEN", "CSVHeaders": schema}
        items.extend(csv_items(body.decode("utf-8"), config))
    return items
