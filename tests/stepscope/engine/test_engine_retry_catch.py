from __future__ import annotations

from pathlib import Path

import pytest

from stepscope.engine.resolvers.lambdas import LambdaRegistry
from tests.stepscope.engine.engine_helpers import machine, run, types


@pytest.fixture
def resolvers(tmp_path: Path) -> dict[str, object]:
    file = tmp_path / "handler.py"
    file.write_text("def handler(event, context):\n    raise KeyError('k')\n")
    return {"lambda": LambdaRegistry.from_config({"f": {"file": str(file), "handler": "handler"}})}


def task(**extra: object) -> dict[str, object]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"},
        "End": True,
        **extra,
    }


def test_retry_reschedules_the_task_max_attempts_times(resolvers: dict[str, object]) -> None:
    retry = [{"ErrorEquals": ["KeyError"], "MaxAttempts": 2, "IntervalSeconds": 1}]
    completed = run(machine({"T": task(Retry=retry)}), resolvers=resolvers)
    assert types(completed).count("TaskScheduled") == 3
    assert completed.error == "KeyError"


def test_backoff_moves_the_virtual_clock(resolvers: dict[str, object]) -> None:
    retry = [
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 10, "BackoffRate": 3}
    ]
    completed = run(machine({"T": task(Retry=retry)}), resolvers=resolvers)
    scheduled = [e["timestamp"] for e in completed.events if e["type"] == "TaskScheduled"]
    # 10 s, then 30 s of back-off, no real sleeping.
    assert scheduled[1][11:19] == "12:00:10"
    assert scheduled[2][11:19] == "12:00:40"


def test_max_attempts_zero_never_retries(resolvers: dict[str, object]) -> None:
    retry = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}]
    completed = run(machine({"T": task(Retry=retry)}), resolvers=resolvers)
    assert types(completed).count("TaskScheduled") == 1


def test_catch_puts_the_error_at_result_path(resolvers: dict[str, object]) -> None:
    catch = [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err", "Next": "Done"}]
    definition = machine({"T": task(Catch=catch), "Done": {"Type": "Succeed"}}, start="T")
    completed = run(definition, {"keep": 1}, resolvers=resolvers)
    assert completed.status == "SUCCEEDED"
    assert completed.output["keep"] == 1
    assert completed.output["err"]["Error"] == "KeyError"
    assert '"errorType":"KeyError"' in completed.output["err"]["Cause"]


def test_states_all_does_not_catch_runtime_errors() -> None:
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [machine({"X": {"Type": "Pass", "InputPath": "$.no", "End": True}})],
                "Catch": catch,
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
        start="P",
    )
    completed = run(definition, {})
    assert completed.status == "FAILED"
    assert completed.error == "States.Runtime"


def test_a_top_level_back_off_is_a_deadline_the_stepper_wakes_for() -> None:
    """No step sleeps or jumps over a back-off: the step ends at the failure and says when to
    come back; the next attempt's events carry that time, and the history is the batch one."""
    from stepscope.engine import start, step
    from stepscope.engine.resolvers.mock_config import MockConfig

    definition = machine(
        {
            "Flaky": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Retry": [{"ErrorEquals": ["SNS.Busy"], "IntervalSeconds": 30, "MaxAttempts": 1}],
                "End": True,
            }
        }
    )
    mocks = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {"Flaky": "Busy"}}}},
            "MockedResponses": {
                "Busy": {"0": {"Throw": {"Error": "SNS.Busy"}}, "1": {"Return": {"ok": 1}}}
            },
        }
    ).test_case("M", "T")
    resolvers = {"mocks": mocks}
    snapshot = step(start(definition, {}), resolvers=resolvers).snapshot  # ExecutionStarted
    failed = step(snapshot, resolvers=resolvers)
    assert [e["type"] for e in failed.events][-1] == "TaskFailed"  # not retried yet
    assert failed.wake_at is not None and failed.wake_at.startswith("2025-01-01T12:00:30")
    assert step(failed.snapshot, resolvers=resolvers).events == []  # too early: nothing
    retried = step(failed.snapshot, resolvers=resolvers, now=failed.wake_at)
    assert [e["type"] for e in retried.events][:3] == [
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
    ]
    assert retried.events[0]["timestamp"].startswith("2025-01-01T12:00:30")
    batch = run(definition, {}, resolvers=resolvers)
    stepped = failed.events + retried.events
    assert batch.status == "SUCCEEDED"
    assert [(e["id"], e["type"]) for e in batch.events][-len(stepped) :] == [
        (e["id"], e["type"]) for e in stepped
    ]
