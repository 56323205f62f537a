"""stepscope/engine/resolvers/local_sqs.py: SendMessage answered locally, as SQS answers."""

from __future__ import annotations

import hashlib
import json

from stepscope.engine import run_to_completion
from stepscope.engine.resolvers.local_sqs import LocalQueues


def send(body: object) -> dict[str, object]:
    parameters: dict[str, object] = {"QueueUrl": "https://sqs.example/q"}
    if body is not None:
        parameters["MessageBody"] = body
    return {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": parameters,
                "End": True,
            }
        },
    }


def test_a_message_is_delivered_to_the_outbox_and_answered_with_its_md5() -> None:
    queues = LocalQueues()
    completed = run_to_completion(send({"order": 7}), {}, resolvers={"sqs": queues})
    assert completed.status == "SUCCEEDED"
    assert queues.sent == [
        {"QueueUrl": "https://sqs.example/q", "Body": '{"order":7}', "Id": queues.sent[0]["Id"]}
    ]
    output = completed.output
    assert output["MD5OfMessageBody"] == hashlib.md5(b'{"order":7}').hexdigest()
    assert output["MessageId"] == queues.sent[0]["Id"]
    length = len(
        json.dumps({k: output[k] for k in ("MD5OfMessageBody", "MessageId")}, separators=(",", ":"))
    )
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == str(length)


def test_a_missing_body_is_refused_as_sqs_refuses_it() -> None:
    completed = run_to_completion(send(None), {})
    assert completed.status == "FAILED" and completed.error == "SQS.AmazonSQSException"
    assert (completed.cause or "").startswith(
        "The request must contain the parameter MessageBody. (Service: AmazonSQS; "
        "Status Code: 400; Error Code: MissingParameter; Request ID: "
    )
