"""When the next step of an instant-pace simulation is due in real time."""

from __future__ import annotations

from typing import Any

from apps.simulations.models import Simulation
from apps.simulations.pace import INSTANT
from apps.simulations.stepping import next_countdown
from stepscope.engine import start, step
from stepscope.engine.callbacks import waiting_tasks

ASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
    "Parameters": {"t.$": "$$.Task.Token"},
    "TimeoutSeconds": 100,
    "End": True,
}


def parked(definition: dict[str, Any], value: Any) -> tuple[dict[str, Any], str | None]:
    snapshot, wake = start(definition, value), None
    for _ in range(20):
        result = step(snapshot, now=wake)
        snapshot, wake = result.snapshot, result.wake_at
        if waiting_tasks(snapshot):
            return snapshot, wake
    raise AssertionError("never parked")


def test_a_callbacks_deadline_is_waited_for_in_real_seconds() -> None:
    snapshot, wake = parked({"StartAt": "Ask", "States": {"Ask": ASK}}, {})
    assert wake is not None
    assert 99 < next_countdown(Simulation(pace=INSTANT), snapshot, wake) <= 100  # type: ignore[operator]


def test_other_iterations_going_on_while_one_waits_are_not_waited_for() -> None:
    """Iteration 0 waits for a callback (100 s); iteration 1 waits 60 s on the virtual clock:
    at instant pace its step is due at once."""
    processor = {
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Ask"}],
                "Default": "Later",
            },
            "Ask": ASK,
            "Later": {"Type": "Wait", "Seconds": 60, "End": True},
        },
    }
    definition = {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True}},
    }
    snapshot, wake = parked(definition, [0, 1])
    assert wake is not None
    assert next_countdown(Simulation(pace=INSTANT), snapshot, wake) == 0.0
