"""A history that carries a card number in every kind of payload, for the redaction tests: the
execution input, a state's input and output, a task's parameters and result, an assigned
variable, Map iterations' inputs, a Lambda failure's cause (as free text inside the cause's JSON),
the execution's failure cause, and describe-execution's input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from apps.accounts.models import RedactionRule, Workspace
from stepscope.history.synthetic import HistoryWriter, json_text

CARD = "4111 1111 1111 1111"
CARD_DIGITS = CARD.replace(" ", "")
CVV = "CVV-7373-SECRET"  # a made-up value no page could show by chance
SECRETS = (CARD, CARD_DIGITS)
MACHINE = "checkout"
ARN = "arn:aws:states:us-east-1:123456789012"
REFUND = "arn:aws:lambda:us-east-1:123456789012:function:refund"

ORDER = {
    "customer": {"name": "Ada", "cardNumber": CARD, "cvv": CVV},
    "items": [{"sku": "a-1", "cardNumber": CARD}, {"sku": "b-2", "cardNumber": CARD_DIGITS}],
}
CAUSE = json.dumps(
    {
        "errorMessage": f"Card declined: cardNumber={CARD}",
        "errorType": "CardDeclined",
        "stackTrace": ['  File "/var/task/refund.py", line 9, in handler\n    refund(card)\n'],
    }
)
RUN_KEYS = ("Charge", "EachItem", "EachItem/i0/Mark", "EachItem/i1/Mark", "Refund")
STATE_NAMES = ("Charge", "EachItem", "Mark", "Refund")


def _charge(writer: HistoryWriter) -> None:
    writer.advance(0.1)
    writer.state_entered("Task", "Charge", ORDER)
    resource = {"resourceType": "lambda", "resource": "invoke"}
    payload = {"cardNumber": CARD, "cvv": CVV, "amount": 42}
    parameters = json_text({"FunctionName": "charge", "Payload": payload})
    writer.add("TaskScheduled", "taskScheduledEventDetails", {**resource, "parameters": parameters})
    writer.add("TaskStarted", "taskStartedEventDetails", resource)
    receipt = {"Payload": {"receipt": {"cardNumber": CARD_DIGITS, "approved": True}}}
    writer.add(
        "TaskSucceeded", "taskSucceededEventDetails", {**resource, "output": json_text(receipt)}
    )
    details = {
        "name": "Charge",
        "output": json_text({**ORDER, "receipt": receipt["Payload"]["receipt"]}),
        "outputDetails": {"truncated": False},
        "assignedVariables": {"cardNumber": json_text(CARD), "total": "42"},
    }
    writer.add("TaskStateExited", "stateExitedEventDetails", details)


def _each_item(writer: HistoryWriter) -> None:
    writer.state_entered("Map", "EachItem", ORDER)
    started = writer.add("MapStateStarted", "mapStateStartedEventDetails", {"length": 2})
    last: list[int] = []
    for index, item in enumerate(ORDER["items"]):  # type: ignore[arg-type]
        first = writer.add(
            "MapIterationStarted",
            "mapIterationStartedEventDetails",
            {"name": "EachItem", "index": index},
            previous=started,
        )
        entered = writer.state_entered("Pass", "Mark", item, previous=first)
        exited = writer.state_exited("Pass", "Mark", {**item, "marked": True}, previous=entered)
        last.append(
            writer.add(
                "MapIterationSucceeded",
                "mapIterationSucceededEventDetails",
                {"name": "EachItem", "index": index},
                previous=exited,
            )
        )
    writer.add("MapStateSucceeded", previous=last[-1])
    writer.state_exited("Map", "EachItem", ORDER["items"])


def _refund(writer: HistoryWriter) -> None:
    writer.state_entered("Task", "Refund", {"cardNumber": CARD})
    writer.add(
        "LambdaFunctionScheduled",
        "lambdaFunctionScheduledEventDetails",
        {"resource": REFUND, "input": json_text({"cardNumber": CARD}), "inputDetails": {}},
    )
    writer.add("LambdaFunctionStarted")
    writer.advance(1)
    failure = {"error": "CardDeclined", "cause": CAUSE}
    writer.add("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", failure)
    writer.add("ExecutionFailed", "executionFailedEventDetails", failure)


def card_events() -> list[dict[str, Any]]:
    """Charge (a task), EachItem (a Map of two Pass iterations), then Refund (a Lambda) fails."""
    writer = HistoryWriter(datetime(2026, 11, 2, 3, 14, 0, tzinfo=UTC))
    writer.add(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {"input": json_text(ORDER), "inputDetails": {"truncated": False}},
        previous=0,
    )
    _charge(writer)
    _each_item(writer)
    _refund(writer)
    return writer.events


def card_documents(name: str = "card-run") -> list[tuple[str, str]]:
    """The history and its describe-execution output, as an import takes them."""
    describe = {
        "executionArn": f"{ARN}:execution:{MACHINE}:{name}",
        "stateMachineArn": f"{ARN}:stateMachine:{MACHINE}",
        "name": name,
        "status": "FAILED",
        "startDate": "2026-11-02T03:14:00+00:00",
        "stopDate": "2026-11-02T03:14:02+00:00",
        "input": json_text(ORDER),
        "error": "CardDeclined",
        "cause": CAUSE,
    }
    return [
        ("history.json", json.dumps({"events": card_events()})),
        ("describe.json", json.dumps(describe)),
    ]


def with_rules(workspace: Workspace, *patterns: str) -> Workspace:
    for pattern in patterns:
        RedactionRule.objects.create(workspace=workspace, pattern=pattern)
    return workspace


def leaked(text: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """The secrets found in `text`."""
    return [secret for secret in secrets if secret in text]
