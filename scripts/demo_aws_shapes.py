"""What AWS services answer, shaped as they appear in Step Functions histories (demo data).

Used by generate_demo_histories.py. Every identifier is derived from a seed, so the histories are
the same on every run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from stepscope.history.synthetic import HistoryWriter, json_text

REGION = "us-east-1"
ACCOUNT = "123456789012"
_NAMESPACE = uuid.UUID("6f1c7e0a-52b4-4c55-9a51-0d9b7a3f2e10")


def request_id(seed: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, seed))


def task_token(seed: str) -> str:
    """A task token with the look of AWS's: long, opaque, base64."""
    digest = b"".join(hashlib.sha256(f"{seed}/{n}".encode()).digest() for n in range(6))
    return "AQB4AAAAKgAAAAMAAAAAAAAAA" + base64.b64encode(digest).decode()


def lambda_arn(function: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"


def _http_date(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _service_metadata(at: datetime, rid: str, length: int, content_type: str) -> dict[str, Any]:
    """SQS's and SNS's HTTP metadata, with the headers AWS records (lower-case `connection`)."""
    return {
        "AllHttpHeaders": {
            "x-amzn-RequestId": [rid],
            "connection": ["keep-alive"],
            "Content-Length": [str(length)],
            "Date": [_http_date(at)],
            "Content-Type": [content_type],
        },
        "HttpHeaders": {
            "connection": "keep-alive",
            "Content-Length": str(length),
            "Content-Type": content_type,
            "Date": _http_date(at),
            "x-amzn-RequestId": rid,
        },
        "HttpStatusCode": 200,
    }


def _trace_id(at: datetime, rid: str) -> str:
    return f"Root=1-{int(at.timestamp()):08x}-{rid.replace('-', '')[:24]};Sampled=0"


def _lambda_metadata(at: datetime, rid: str, length: int) -> dict[str, Any]:
    """Lambda's HTTP metadata, with the headers AWS records for an invocation."""
    length_text, date, trace = str(length), _http_date(at), _trace_id(at, rid)
    return {
        "AllHttpHeaders": {
            "X-Amz-Executed-Version": ["$LATEST"],
            "x-amzn-Remapped-Content-Length": ["0"],
            "Connection": ["keep-alive"],
            "x-amzn-RequestId": [rid],
            "Content-Length": [length_text],
            "Date": [date],
            "X-Amzn-Trace-Id": [trace],
            "Content-Type": ["application/json"],
        },
        "HttpHeaders": {
            "Connection": "keep-alive",
            "Content-Length": length_text,
            "Content-Type": "application/json",
            "Date": date,
            "X-Amz-Executed-Version": "$LATEST",
            "x-amzn-Remapped-Content-Length": "0",
            "x-amzn-RequestId": rid,
            "X-Amzn-Trace-Id": trace,
        },
        "HttpStatusCode": 200,
    }


def lambda_invoke_result(at: datetime, seed: str, payload: object) -> dict[str, Any]:
    """The result of the optimised lambda:invoke integration: the reply wrapped in Payload.

    Content-Length is the length of the body the Python runtime sends: `json.dumps` with its
    default separators (AWS's recordings agree)."""
    rid = request_id(seed)
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": _lambda_metadata(at, rid, len(json.dumps(payload))),
        "SdkResponseMetadata": {"RequestId": rid},
        "StatusCode": 200,
    }


def sns_publish_result(at: datetime, seed: str) -> dict[str, Any]:
    rid = request_id(seed + "/http")
    return {
        "MessageId": request_id(seed),
        "SdkHttpMetadata": _service_metadata(at, rid, 294, "text/xml"),
        "SdkResponseMetadata": {"RequestId": rid},
    }


def sqs_send_result(at: datetime, seed: str, body: object) -> dict[str, Any]:
    rid = request_id(seed + "/http")
    return {
        "MD5OfMessageBody": hashlib.md5(json_text(body).encode()).hexdigest(),
        "MessageId": request_id(seed),
        "SdkHttpMetadata": _service_metadata(at, rid, 106, "application/x-amz-json-1.0"),
        "SdkResponseMetadata": {"RequestId": rid},
    }


def lambda_cause(
    error_type: str, message: str, seed: str, frames: list[tuple[str, int, str, str]]
) -> str:
    """The cause a Python Lambda function's uncaught exception gives (the runtime's own JSON)."""
    stack = [
        f'  File "{path}", line {line}, in {function}\n    {code}\n'
        for path, line, function, code in frames
    ]
    document = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id(seed),
        "stackTrace": stack,
    }
    return json.dumps(document)


# ------------------------------------------------------------------------ task events in a history


def service_task(writer: HistoryWriter, *, resource_type: str, resource: str, **fields: Any) -> int:
    """TaskScheduled then TaskStarted for an optimised integration (`fields`: task_scheduled's
    parameters, timeout, heartbeat, previous); returns TaskStarted's id."""
    writer.advance(0.021)
    scheduled = task_scheduled(writer, resource_type=resource_type, resource=resource, **fields)
    writer.advance(0.046)
    return task_started(writer, resource_type, resource, scheduled)


def task_scheduled(
    writer: HistoryWriter,
    *,
    resource_type: str,
    resource: str,
    parameters: object,
    timeout: int | None = None,
    heartbeat: int | None = None,
    previous: int | None = None,
) -> int:
    """TaskScheduled for an optimised integration, now."""
    details: dict[str, Any] = {
        "resourceType": resource_type,
        "resource": resource,
        "region": REGION,
        "parameters": json_text(parameters),
    }
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None:
        details["heartbeatInSeconds"] = heartbeat
    return writer.add("TaskScheduled", "taskScheduledEventDetails", details, previous=previous)


def task_started(
    writer: HistoryWriter, resource_type: str, resource: str, previous: int | None
) -> int:
    """TaskStarted, once the task has been dispatched."""
    started = {"resourceType": resource_type, "resource": resource}
    return writer.add("TaskStarted", "taskStartedEventDetails", started, previous=previous)


def task_succeeded(
    writer: HistoryWriter, resource_type: str, resource: str, output: object, previous: int | None
) -> int:
    details = {
        "resourceType": resource_type,
        "resource": resource,
        "output": json_text(output),
        "outputDetails": {"truncated": False},
    }
    return writer.add("TaskSucceeded", "taskSucceededEventDetails", details, previous=previous)


def task_failed(
    writer: HistoryWriter,
    resource_type: str,
    resource: str,
    error: str,
    cause: str,
    previous: int | None,
) -> int:
    details = {"resourceType": resource_type, "resource": resource, "error": error, "cause": cause}
    return writer.add("TaskFailed", "taskFailedEventDetails", details, previous=previous)


def execution_started(writer: HistoryWriter, execution_input: object, role: str) -> int:
    details = {
        "input": json_text(execution_input),
        "inputDetails": {"truncated": False},
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/{role}",
    }
    return writer.add("ExecutionStarted", "executionStartedEventDetails", details, previous=0)
