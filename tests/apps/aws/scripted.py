"""A scripted account on the stub endpoint: one state machine, one failed (and redriven)
execution whose history comes in pages of two events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.apps.aws.stub import Answer, StubAws

REGION = "us-east-1"
MACHINE = f"arn:aws:states:{REGION}:123456789012:stateMachine:payments"
EXECUTION = f"arn:aws:states:{REGION}:123456789012:execution:payments:pay-7"
STARTED = 1_717_000_000.0
DEFINITION = json.dumps(
    {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Next": "Charge"},
            "Charge": {"Type": "Fail", "Error": "CardDeclined", "Cause": "insufficient funds"},
        },
    }
)
INPUT = json.dumps({"payment": 7, "amount": 12.5})


def _event(number: int, previous: int, kind: str, key: str, details: dict[str, Any]) -> Any:
    event = {"id": number, "previousEventId": previous, "timestamp": STARTED + number, "type": kind}
    return {**event, key: details}


def _state(name: str) -> dict[str, Any]:
    return {"name": name, "input": INPUT, "inputDetails": {"truncated": False}}


EVENTS = [
    _event(1, 0, "ExecutionStarted", "executionStartedEventDetails", {"input": INPUT}),
    _event(2, 1, "PassStateEntered", "stateEnteredEventDetails", _state("Prepare")),
    _event(
        3, 2, "PassStateExited", "stateExitedEventDetails", {"name": "Prepare", "output": INPUT}
    ),
    _event(4, 3, "FailStateEntered", "stateEnteredEventDetails", _state("Charge")),
    _event(
        5,
        4,
        "ExecutionFailed",
        "executionFailedEventDetails",
        {"error": "CardDeclined", "cause": "insufficient funds"},
    ),
]
PAGE_SIZE = 2


def history_page(body: dict[str, Any]) -> Answer:
    """Pages of two events; the token names the index of the next event."""
    start = int(body.get("nextToken") or 0)
    page: dict[str, Any] = {"events": EVENTS[start : start + PAGE_SIZE]}
    if start + PAGE_SIZE < len(EVENTS):
        page["nextToken"] = str(start + PAGE_SIZE)
    return 200, page


def script_account(
    stub: StubAws, history: Callable[[dict[str, Any]], Answer] = history_page
) -> None:
    machine = {"stateMachineArn": MACHINE, "name": "payments", "type": "STANDARD"}
    described = {**machine, "definition": DEFINITION, "roleArn": "arn:aws:iam::1:role/r"}
    execution = {
        "executionArn": EXECUTION,
        "stateMachineArn": MACHINE,
        "name": "pay-7",
        "status": "FAILED",
        "startDate": STARTED + 1,
        "stopDate": STARTED + 5,
    }
    stub.on("ListStateMachines", lambda body: (200, {"stateMachines": [machine]}))
    stub.on("DescribeStateMachine", lambda body: (200, described))
    stub.on("ListStateMachineVersions", lambda body: (200, {"stateMachineVersions": []}))
    stub.on("ListStateMachineAliases", lambda body: (200, {"stateMachineAliases": []}))
    stub.on("ListExecutions", lambda body: (200, {"executions": [execution]}))
    redriven = {
        **execution,
        "input": INPUT,
        "error": "CardDeclined",
        "cause": "insufficient funds",
        "redriveCount": 1,
        "redriveStatus": "NOT_REDRIVABLE",
        "redriveStatusReason": "Execution was redriven",
        "redriveDate": STARTED + 4,
    }
    stub.on("DescribeExecution", lambda body: (200, redriven))
    stub.on("DescribeStateMachineForExecution", lambda body: (200, described))
    stub.on("GetExecutionHistory", history)
