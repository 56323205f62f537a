"""Small definitions for the definitions app's tests."""

from __future__ import annotations

import json

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def machine(states: dict, start: str | None = None) -> str:
    return json.dumps({"StartAt": start or next(iter(states)), "States": states}, indent=2)


VALID = machine(
    {
        "Charge": {"Type": "Task", "Resource": LAMBDA, "Next": "Done"},
        "Done": {"Type": "Succeed", "Comment": "All paid"},
    }
)
# "Charge" points at a state that does not exist, so "Done" is unreachable; "Begin" is fine.
BROKEN = machine(
    {
        "Begin": {"Type": "Pass", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": LAMBDA, "Next": "Nowhere"},
        "Done": {"Type": "Succeed"},
    }
)
BROKEN_NEXT_LINE = BROKEN.splitlines().index('      "Next": "Nowhere"') + 1
HOSTILE_NAME = '<script>alert("x")</script> & "quotes"'
HOSTILE = machine({HOSTILE_NAME: {"Type": "Pass", "End": True}})

TEMPLATE_TWO_MACHINES = json.dumps(
    {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "First": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "Definition": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
                },
            },
            "Second": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(
                        {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}
                    )
                },
            },
        },
    }
)
