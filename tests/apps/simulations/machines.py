"""Small definitions and helpers for the simulations tests."""

from __future__ import annotations

import json
from typing import Any

from apps.definitions.models import DefinitionVersion
from apps.definitions.services import definition_import
from apps.simulations.models import Simulation
from tests.workspaces import team

WAIT_SECONDS = 3600
WAITING: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Pass",
            "Result": {"n": 1},
            "ResultPath": "$.prepared",
            "Next": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}
SHORT_WAIT: dict[str, Any] = {
    "StartAt": "Pause",
    "States": {"Pause": {"Type": "Wait", "Seconds": 1, "End": True}},
}
CALLBACK: dict[str, Any] = {
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
            },
            "End": True,
        }
    },
}
LAMBDA: dict[str, Any] = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
            "End": True,
        }
    },
}
TIMED: dict[str, Any] = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "greet", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "TimeoutSeconds": 1,
            "End": True,
        }
    },
}
# Two tasks the engine runs locally (its SQS stand-in), for task durations.
STOCK: dict[str, Any] = {
    "StartAt": "CheckStock",
    "States": {
        name: {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/stock",
                "MessageBody.$": "$",
            },
            "ResultPath": None,
            **following,
        }
        for name, following in (("CheckStock", {"Next": "PickLine"}), ("PickLine", {"End": True}))
    },
}
BROKEN: dict[str, Any] = {"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": True}}}


def version_of(definition: dict[str, Any], name: str = "machine") -> DefinitionVersion:
    return definition_import(
        workspace=team(), text=json.dumps(definition, indent=2), name=name
    ).version


def stored_events(simulation: Simulation) -> list[dict[str, Any]]:
    events = simulation.execution.events.order_by("event_id")
    return list(events.values_list("data", flat=True))


def fresh(simulation: Simulation) -> Simulation:
    return Simulation.objects.select_related("execution").get(pk=simulation.pk)
