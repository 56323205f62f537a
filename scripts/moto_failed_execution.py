"""Give a moto server (or LocalStack) a state machine with a failed execution to pull.

    .venv/bin/python scripts/moto_failed_execution.py http://127.0.0.1:5000

Turns on moto's Step Functions interpreter, creates the `orders` state machine (a Pass, a Choice
and a Fail), runs one order that ships and one that is rejected, and waits for both to end.
It only ever talks to the URL given, with fake credentials.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request

import boto3

DEFINITION = {
    "Comment": "Checks an order; a rejected one fails",
    "StartAt": "Validate",
    "States": {
        "Validate": {
            "Type": "Pass",
            "Result": {"checked": True},
            "ResultPath": "$.validation",
            "Next": "Check",
        },
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Ship"}],
            "Default": "Reject",
        },
        "Ship": {"Type": "Pass", "End": True},
        "Reject": {"Type": "Fail", "Error": "OrderRejected", "Cause": "the order is not ok"},
    },
}


def main(url: str) -> None:
    config = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    request = urllib.request.Request(f"{url}/moto-api/config", data=config, method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    client = boto3.client(
        "stepfunctions",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    machine = client.create_state_machine(
        name="orders",
        definition=json.dumps(DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/orders",
    )["stateMachineArn"]
    for name, ok in (("order-1001", True), ("order-1002", False)):
        given = json.dumps({"order": name, "ok": ok})
        client.start_execution(stateMachineArn=machine, name=name, input=given)
    for _ in range(500):
        listed = client.list_executions(stateMachineArn=machine)["executions"]
        if all(item["status"] != "RUNNING" for item in listed):
            break
        time.sleep(0.02)
    for item in listed:
        print(f"{item['name']}: {item['status']}  {item['executionArn']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
