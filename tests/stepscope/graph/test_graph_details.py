"""The lines drawn under a state's name (stepscope/graph/details.py)."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.graph.details import detail_lines


def lines_of(state: dict[str, Any], **top: Any) -> list[str]:
    machine = build_state_machine({"StartAt": "S", "States": {"S": state}, **top})
    return detail_lines(machine.states[0])[0]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"Type": "Pass"}, ["Pass"]),
        ({"Type": "Succeed"}, ["Succeed"]),
        ({"Type": "Fail", "Error": "Boom"}, ["Fail", "Boom"]),
        ({"Type": "Wait", "Seconds": 10}, ["Wait · 10s"]),
        ({"Type": "Wait", "SecondsPath": "$.delay"}, ["Wait · $.delay"]),
        ({"Type": "Wait", "Timestamp": "2026-01-01T00:00:00Z"}, ["Wait · 2026-01-01T00:00:00Z"]),
        ({"Type": "Wait", "Seconds": "{% $delay %}"}, ["Wait · {% $delay %}"]),
        ({"Type": "Task"}, ["Task"]),
        (
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "TimeoutSeconds": 3600,
                "HeartbeatSecondsPath": "$.hb",
            },
            ["Task · sqs:sendMessage.waitForTaskToken", "timeout 3600s, heartbeat $.hb"],
        ),
        (
            {
                "Type": "Map",
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}},
                "MaxConcurrency": 50,
                "ToleratedFailurePercentage": 10,
                "Label": "lines",
            },
            ["Map", "DISTRIBUTED", "max concurrency 50", "tolerates 10% failures", "label lines"],
        ),
        (
            {"Type": "Map", "MaxConcurrencyPath": "$.n", "ToleratedFailureCount": 2},
            ["Map", "max concurrency $.n", "tolerates 2 failures"],
        ),
        ({"Type": "Nonsense"}, ["Unknown type 'Nonsense'"]),
        ({}, ["No Type"]),
    ],
)
def test_detail_lines(state: dict[str, Any], expected: list[str]) -> None:
    assert lines_of(state) == expected


def test_retry_line_comes_last_with_details_in_the_tooltip() -> None:
    state = {
        "Type": "Parallel",
        "Branches": [],
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 2}],
    }
    machine = build_state_machine({"StartAt": "S", "States": {"S": state}})
    lines, tooltip = detail_lines(machine.states[0])
    assert lines == ["Parallel", "↻ ×2 · 3s, backoff 2"]
    assert tooltip == ["Retry States.ALL: up to 2 attempts, first after 3s, backoff ×2"]
