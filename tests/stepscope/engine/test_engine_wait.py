from __future__ import annotations

from stepscope.engine import start, step
from tests.stepscope.engine.engine_helpers import machine, run, types


def test_top_level_wait_is_a_deadline_in_the_snapshot() -> None:
    definition = machine({"W": {"Type": "Wait", "Seconds": 3600, "End": True}})
    snapshot = start(definition, {"a": 1}, context={"startTime": "2025-01-01T12:00:00Z"})
    first = step(snapshot)  # ExecutionStarted
    second = step(first.snapshot, now=first.wake_at)  # enters the Wait
    assert [e["type"] for e in second.events] == ["WaitStateEntered"]
    assert second.wake_at is not None and second.wake_at.startswith("2025-01-01T13:00:00")
    early = step(second.snapshot, now="2025-01-01T12:30:00Z")
    assert early.events == [] and early.wake_at == second.wake_at
    done = step(early.snapshot, now=second.wake_at)
    assert [e["type"] for e in done.events] == ["WaitStateExited", "ExecutionSucceeded"]
    assert done.wake_at is None
    assert done.snapshot["status"] == "SUCCEEDED"
    assert done.snapshot["output"] == {"a": 1}


def test_snapshot_survives_a_json_round_trip() -> None:
    import json

    definition = machine(
        {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"}, "P": {"Type": "Pass", "End": True}}
    )
    result = step(start(definition, {}))
    for _ in range(10):
        snapshot = json.loads(json.dumps(result.snapshot))
        result = step(snapshot, now=result.wake_at)
        if result.wake_at is None:
            break
    assert result.snapshot["status"] == "SUCCEEDED"


def test_seconds_path_errors_use_aws_wording() -> None:
    definition = machine({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}})
    negative = run(definition, {"s": -1})
    assert negative.cause is not None and negative.cause.endswith(
        "The SecondsPath parameter references a negative value: $.s == -1"
    )
    missing = run(definition, {})
    assert missing.cause is not None and missing.cause.endswith(
        "The SecondsPath parameter does not reference an input value: $.s"
    )


def test_timestamp_path_must_be_an_rfc3339_time() -> None:
    definition = machine({"W": {"Type": "Wait", "TimestampPath": "$.t", "End": True}})
    assert run(definition, {"t": "2024-01-01T00:00:00Z"}).status == "SUCCEEDED"
    bad = run(definition, {"t": "2024-01-01 00:00:00Z"})
    assert bad.error == "States.Runtime"
    assert types(bad) == ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]


def test_a_wait_longer_than_the_machines_timeout_times_the_execution_out() -> None:
    from stepscope.engine import run_to_completion

    definition = {
        "TimeoutSeconds": 10,
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": 100, "End": True}},
    }
    completed = run_to_completion(definition, {})
    assert completed.status == "TIMED_OUT"
    assert [e["type"] for e in completed.events][-1] == "ExecutionTimedOut"
    assert completed.events[-1]["timestamp"].startswith("2025-01-01T12:00:10")
