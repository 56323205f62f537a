"""Small histories in AWS's GetExecutionHistory format for the executions app's tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from stepscope.history.synthetic import HistoryWriter, json_text

ACCOUNT = "arn:aws:states:us-east-1:123456789012"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:process-payment"
ORDER = {"orderId": "o-1002", "customerId": "c-42", "amount": 129.5, "currency": "USD"}
LAMBDA_CAUSE = json.dumps(
    {
        "errorMessage": "The payment processor did not answer within 10 s",
        "errorType": "PaymentProcessorUnavailable",
        "stackTrace": [
            '  File "/var/task/handler.py", line 41, in handler\n    charge(order)\n',
            '  File "/var/task/payments.py", line 88, in charge\n    raise Unavailable()\n',
        ],
    }
)
HOSTILE_NAME = '<script>alert("x")</script> & "quotes"'

ORDERS_DEFINITION = json.dumps(
    {
        "StartAt": "ValidateOrder",
        "States": {
            "ValidateOrder": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "validate-order", "Payload.$": "$"},
                "Next": "ProcessPayment",
            },
            "ProcessPayment": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    },
    indent=2,
)


def _start(writer: HistoryWriter, value: Any, machine: str) -> None:
    del machine  # real ExecutionStarted events do not name the machine; describe output does
    writer.add(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {
            "input": json_text(value),
            "inputDetails": {"truncated": False},
            "roleArn": "arn:aws:iam::123456789012:role/orders",
        },
        previous=0,
    )


def _validate(writer: HistoryWriter) -> None:
    writer.advance(0.05)
    writer.state_entered("Task", "ValidateOrder", ORDER)
    writer.add(
        "TaskScheduled",
        "taskScheduledEventDetails",
        {
            "resourceType": "lambda",
            "resource": "invoke",
            "region": "us-east-1",
            "parameters": json_text({"FunctionName": "validate-order", "Payload": ORDER}),
        },
    )
    writer.add(
        "TaskStarted", "taskStartedEventDetails", {"resourceType": "lambda", "resource": "invoke"}
    )
    writer.advance(0.3)
    writer.add(
        "TaskSucceeded",
        "taskSucceededEventDetails",
        {
            "resourceType": "lambda",
            "resource": "invoke",
            "output": json_text({"Payload": {"valid": True}}),
        },
    )
    writer.state_exited("Task", "ValidateOrder", {**ORDER, "validation": {"valid": True}})


def payment_failed_events(*, machine: str = "orders", attempts: int = 4) -> list[dict[str, Any]]:
    """ValidateOrder succeeds; ProcessPayment fails `attempts` times; the execution fails."""
    writer = HistoryWriter(datetime(2026, 11, 2, 3, 14, 0, tzinfo=UTC))
    _start(writer, ORDER, machine)
    _validate(writer)
    writer.state_entered("Task", "ProcessPayment", {**ORDER, "validation": {"valid": True}})
    for attempt in range(attempts):
        if attempt:
            writer.advance(2**attempt)
        writer.add(
            "LambdaFunctionScheduled",
            "lambdaFunctionScheduledEventDetails",
            {"resource": LAMBDA, "input": json_text(ORDER), "inputDetails": {"truncated": False}},
        )
        writer.add("LambdaFunctionStarted")
        writer.advance(10)
        writer.add(
            "LambdaFunctionFailed",
            "lambdaFunctionFailedEventDetails",
            {"error": "PaymentProcessorUnavailable", "cause": LAMBDA_CAUSE},
        )
    writer.add(
        "ExecutionFailed",
        "executionFailedEventDetails",
        {"error": "PaymentProcessorUnavailable", "cause": LAMBDA_CAUSE},
    )
    return writer.events


def succeeded_events(*, machine: str = "orders", state: str = "Only") -> list[dict[str, Any]]:
    """One Pass state, then success."""
    writer = HistoryWriter(datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
    _start(writer, {"n": 1}, machine)
    writer.advance(0.01)
    writer.state_entered("Pass", state, {"n": 1})
    writer.state_exited("Pass", state, {"n": 1})
    writer.add(
        "ExecutionSucceeded",
        "executionSucceededEventDetails",
        {"output": json_text({"n": 1}), "outputDetails": {"truncated": False}},
    )
    return writer.events


def page(events: list[dict[str, Any]]) -> str:
    return json.dumps({"events": events}, indent=1)


def describe(name: str, machine: str = "orders") -> str:
    return json.dumps(
        {
            "executionArn": f"{ACCOUNT}:execution:{machine}:{name}",
            "stateMachineArn": f"{ACCOUNT}:stateMachine:{machine}",
            "name": name,
            "status": "FAILED",
            "startDate": "2026-11-02T03:14:00+00:00",
            "stopDate": "2026-11-02T03:15:00+00:00",
            "input": json_text(ORDER),
            "error": "PaymentProcessorUnavailable",
            "cause": LAMBDA_CAUSE,
        }
    )
