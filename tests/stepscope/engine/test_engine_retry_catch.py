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
