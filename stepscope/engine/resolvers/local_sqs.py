"""A local stand-in for Amazon SQS's SendMessage: an unmocked `sqs:sendMessage` (or its
`.waitForTaskToken` form) is delivered to an in-memory outbox and answered the way SQS answers
(MD5OfMessageBody of the body text, a MessageId, and the HTTP metadata Step Functions records).
So a local run hands out its task token, records TaskSubmitted, and waits for the callback."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from stepscope.engine.errors import StatesError

__all__ = ["LocalQueues", "send_message", "serves"]

CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass
class LocalQueues:
    """Messages sent during a run, by queue URL (for a page or a test to read)."""

    sent: list[dict[str, Any]] = field(default_factory=list)


def serves(kind: dict[str, str]) -> bool:
    return kind["resourceType"] == "sqs" and kind["resource"] in (
        "sendMessage",
        "sendMessage.waitForTaskToken",
    )


def send_message(current: Any, parameters: Any) -> dict[str, Any]:
    """SendMessage's response for `parameters` ({QueueUrl, MessageBody, ...})."""
    body = parameters.get("MessageBody") if isinstance(parameters, dict) else None
    if body is None or body == "":
        raise _sqs_error(
            current, "The request must contain the parameter MessageBody.", "MissingParameter"
        )
    text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    message_id = str(uuid.UUID(int=current.run.rng.getrandbits(128), version=4))
    request_id = str(uuid.UUID(int=current.run.rng.getrandbits(128), version=4))
    queues = current.run.resolvers.get("sqs")
    if isinstance(queues, LocalQueues):
        queues.sent.append({"QueueUrl": parameters.get("QueueUrl"), "Body": text, "Id": message_id})
    answer = {"MD5OfMessageBody": hashlib.md5(text.encode("utf-8")).hexdigest()}  # noqa: S324
    answer["MessageId"] = message_id
    length = str(len(json.dumps(answer, separators=(",", ":"))))
    date = current.run.clock.now.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    return {
        **answer,
        "SdkHttpMetadata": _metadata(request_id, length, date),
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def _sqs_error(current: Any, message: str, code: str) -> StatesError:
    """SQS's refusal, worded as the Step Functions integration reports it."""
    request_id = uuid.UUID(int=current.run.rng.getrandbits(128), version=4)
    return StatesError(
        "SQS.AmazonSQSException",
        f"{message} (Service: AmazonSQS; Status Code: 400; Error Code: {code}; "
        f"Request ID: {request_id}; Proxy: null)",
    )


def _metadata(request_id: str, length: str, date: str) -> dict[str, Any]:
    return {
        "AllHttpHeaders": {
            "x-amzn-RequestId": [request_id],
            "connection": ["keep-alive"],
            "Content-Length": [length],
            "Date": [date],
            "Content-Type": [CONTENT_TYPE],
        },
        "HttpHeaders": {
            "connection": "keep-alive",
            "Content-Length": length,
            "Content-Type": CONTENT_TYPE,
            "Date": date,
            "x-amzn-RequestId": request_id,
        },
        "HttpStatusCode": 200,
    }
