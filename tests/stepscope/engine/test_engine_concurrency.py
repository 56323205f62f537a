"""Inline Map iterations (up to MaxConcurrency) and Parallel branches run at once, interleaving on
the virtual clock as AWS records them, with simulated task durations and timeouts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from stepscope.engine import Completed, run_to_completion
from stepscope.engine.clock import parse_iso
from stepscope.engine.resolvers.durations import TaskDurations
from stepscope.engine.resolvers.mock_config import MockConfig

from .engine_helpers import CONFORMANCE, chain, types

LAMBDA = "arn:aws:states:::lambda:invoke"


def resolvers(durations: dict[str, Any], mocked: dict[str, Any]) -> dict[str, Any]:
    """Mocked answers for the states in `mocked` ({state: {"0": {"Return": …}}}) and durations."""
    config = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {name: name for name in mocked}}}},
            "MockedResponses": mocked,
        }
    )
    return {"mocks": config.test_case("M", "T"), "durations": TaskDurations.parse(durations)}


def map_of(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **processor},
                "End": True,
                **fields,
            }
        },
    }


def moment(completed: Completed, event_type: str) -> datetime:
    return parse_iso(next(e for e in completed.events if e["type"] == event_type)["timestamp"])


def elapsed(completed: Completed) -> float:
    start = moment(completed, "ExecutionStarted")
    return (parse_iso(completed.events[-1]["timestamp"]) - start).total_seconds()


TIMEOUT_CASE = "v2.timeouts.test_timeouts.TestTimeouts.test_service_lambda_map_timeout"


def test_a_map_of_lambdas_that_time_out_is_recorded_as_aws_recorded_it() -> None:
    """The corpus's recording of four concurrent Lambda invocations that ran past TimeoutSeconds:
    every iteration starts at once, the tasks are dispatched, all four time out, and the Map
    fails with the first, aborting the other three."""
    path = CONFORMANCE / "cases" / f"{TIMEOUT_CASE}.json"
    if not path.is_file():
        pytest.skip(f"{path} is missing: the conformance corpus sits beside the checkout")
    case = json.loads(path.read_text(encoding="utf-8"))
    state = "LambdaInvoke"
    completed = run_to_completion(
        case["definition"],
        case["input"],
        resolvers=resolvers({state: 60}, {state: {"0": {"Return": {"Payload": None}}}}),
    )
    expected = case["expected"]["events"]
    assert (completed.status, completed.error) == ("FAILED", "States.Timeout")
    assert types(completed) == [event["type"] for event in expected]
    ours = [(e["id"], e["previousEventId"]) for e in completed.events]
    theirs = [(e["id"], e["previousEventId"]) for e in expected]
    # AWS wrote iteration 2's timeout just before iteration 1's: they fired in the same instant.
    theirs[20], theirs[21] = (21, theirs[21][1]), (22, theirs[20][1])
    assert ours == theirs


def test_waits_in_concurrent_iterations_overlap() -> None:
    processor = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}
    together = run_to_completion(map_of(processor), [1, 2, 3])
    one_by_one = run_to_completion(map_of(processor, MaxConcurrency=1), [1, 2, 3])
    assert together.status == one_by_one.status == "SUCCEEDED"
    assert 10 <= elapsed(together) < 11
    assert 30 <= elapsed(one_by_one) < 31


def test_max_concurrency_caps_the_iterations_running_at_once() -> None:
    processor = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    work = {"Work": {"0-5": {"Return": {"Payload": "done"}}}}
    completed = run_to_completion(
        map_of(processor, MaxConcurrency=2), list(range(6)), resolvers=resolvers({"Work": 5}, work)
    )
    running = peak = 0
    for event_type in types(completed):
        if event_type == "MapIterationStarted":
            running += 1
            peak = max(peak, running)
        elif event_type == "MapIterationSucceeded":
            running -= 1
    assert peak == 2
    assert 15 <= elapsed(completed) < 16  # three rounds of two 5-second tasks


def test_iterations_end_in_time_order_but_the_output_keeps_item_order() -> None:
    processor = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    work = {"Work": {"0": {"Return": "slow"}, "1": {"Return": "medium"}, "2": {"Return": "fast"}}}
    durations = {"Work": {"0": 3, "1": 2, "2": 1}}
    completed = run_to_completion(
        map_of(processor), ["a", "b", "c"], resolvers=resolvers(durations, work)
    )
    assert completed.output == ["slow", "medium", "fast"]
    ended = [
        e["mapIterationSucceededEventDetails"]["index"]
        for e in completed.events
        if e["type"] == "MapIterationSucceeded"
    ]
    assert ended == [2, 1, 0]


def test_a_failure_aborts_the_running_iterations_after_the_ones_due_meanwhile() -> None:
    """Iteration 1 fails after 2 s, iteration 2 fails 1 ms later (within the moment the Map
    takes to notice: its TaskFailed is recorded, yet it is aborted), iteration 3 is still
    running (aborted), and iteration 0 had already succeeded."""
    processor = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    failure = {"Throw": {"Error": "Broken", "Cause": "it broke"}}
    work = {"Work": {"0": {"Return": 0}, "1-2": failure, "3": {"Return": 3}}}
    durations = {"Work": {"0": 1, "1": 2, "2": 2, "3": 9}}
    completed = run_to_completion(
        map_of(processor), [0, 1, 2, 3], resolvers=resolvers(durations, work)
    )
    assert (completed.status, completed.error, completed.cause) == ("FAILED", "Broken", "it broke")
    tail = chain(completed)[-10:]
    first_failure = tail[0][0]
    assert [t for _, _, t in tail] == [
        "TaskFailed",
        "TaskFailed",
        "MapIterationFailed",
        "TaskStateAborted",
        "MapIterationAborted",
        "TaskStateAborted",
        "MapIterationAborted",
        "TaskStateAborted",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    assert all(previous == first_failure for _, previous, _ in tail[2:9])
    aborted = [
        e["mapIterationAbortedEventDetails"]["index"]
        for e in completed.events
        if e["type"] == "MapIterationAborted"
    ]
    assert aborted == [2, 3]


def test_tolerated_failures_let_the_other_iterations_finish() -> None:
    processor = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    work = {"Work": {"0": {"Throw": {"Error": "Broken", "Cause": ""}}, "1-2": {"Return": "ok"}}}
    completed = run_to_completion(
        map_of(processor, ToleratedFailureCount=1),
        [0, 1, 2],
        resolvers=resolvers({"Work": {"0": 1, "1-2": 4}}, work),
    )
    assert completed.status == "SUCCEEDED"
    assert completed.output == [None, "ok", "ok"]


def test_a_task_running_past_its_timeout_times_out_at_the_timeout() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow",
                "TimeoutSeconds": 3,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Late"}],
                "End": True,
            },
            "Late": {"Type": "Pass", "End": True},
        },
    }
    completed = run_to_completion(
        definition, {}, resolvers=resolvers({"Call": 10}, {"Call": {"0": {"Return": {}}}})
    )
    assert completed.status == "SUCCEEDED"
    assert completed.output == {"Error": "States.Timeout", "Cause": ""}
    timed_out = next(e for e in completed.events if e["type"] == "LambdaFunctionTimedOut")
    assert timed_out["lambdaFunctionTimedOutEventDetails"] == {"error": "States.Timeout"}
    waited = moment(completed, "LambdaFunctionTimedOut") - moment(
        completed, "LambdaFunctionStarted"
    )
    assert 3 <= waited.total_seconds() < 3.01


def test_a_top_level_task_takes_its_duration() -> None:
    definition = {
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    completed = run_to_completion(
        definition, {}, resolvers=resolvers({"Call": 2.5}, {"Call": {"0": {"Return": 1}}})
    )
    took = moment(completed, "TaskSucceeded") - moment(completed, "TaskStarted")
    assert 2.5 <= took.total_seconds() < 2.51


def test_nested_maps_share_one_timeline() -> None:
    inner = {
        "StartAt": "Inner",
        "States": {
            "Inner": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "W",
                    "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}},
                },
                "End": True,
            }
        },
    }
    completed = run_to_completion(map_of(inner), [[1, 2], [3, 4], [5]])
    assert completed.status == "SUCCEEDED"
    assert completed.output == [[1, 2], [3, 4], [5]]
    assert 5 <= elapsed(completed) < 6  # five waits of 5 s, all at once


def parallel_of(*branches: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": list(branches), "End": True}},
    }


def test_parallel_branches_wait_at_the_same_time() -> None:
    def waits(seconds: int) -> dict[str, Any]:
        return {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}}

    completed = run_to_completion(parallel_of(waits(10), waits(7), waits(10)), {"x": 1})
    assert completed.status == "SUCCEEDED"
    assert completed.output == [{"x": 1}] * 3
    assert 10 <= elapsed(completed) < 11


def test_a_failed_branch_aborts_the_branches_still_running() -> None:
    def calls(state: str) -> dict[str, Any]:
        return {
            "StartAt": state,
            "States": {state: {"Type": "Task", "Resource": LAMBDA, "End": True}},
        }

    work = {
        "Fast": {"0": {"Return": "fast"}},
        "Broken": {"0": {"Throw": {"Error": "Broken", "Cause": "no"}}},
        "Slow": {"0": {"Return": "slow"}},
    }
    completed = run_to_completion(
        parallel_of(calls("Fast"), calls("Broken"), calls("Slow")),
        {},
        resolvers=resolvers({"Fast": 1, "Broken": 2, "Slow": 5}, work),
    )
    assert (completed.status, completed.error) == ("FAILED", "Broken")
    tail = chain(completed)[-5:]
    assert [t for _, _, t in tail] == [
        "TaskFailed",
        "TaskStateAborted",
        "TaskStateAborted",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]
    assert tail[1][1] == tail[2][1] == tail[3][1] == tail[0][0]
    assert types(completed).count("TaskSucceeded") == 1  # Fast ended before; Slow never did
    assert 2 <= elapsed(completed) < 3


@pytest.mark.parametrize(("max_concurrency", "seconds"), [(0, 10), (2, 20), (1, 40)])
def test_a_map_runs_child_executions_run_up_to_max_concurrency_at_once(
    max_concurrency: int, seconds: int
) -> None:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}},
    }
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": processor,
                "MaxConcurrency": max_concurrency,
                "End": True,
            }
        },
    }
    completed = run_to_completion(definition, [1, 2, 3, 4])
    assert completed.status == "SUCCEEDED"
    assert completed.output == [1, 2, 3, 4]
    took = moment(completed, "MapRunSucceeded") - moment(completed, "MapRunStarted")
    assert seconds <= took.total_seconds() < seconds + 1
