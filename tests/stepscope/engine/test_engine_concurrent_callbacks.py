"""Callbacks that wait inside concurrent Map iterations and Parallel branches: the stopped state
is replayed when answers (or deadlines) come, and what was published is never contradicted."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any

from stepscope.engine import run_to_completion, start, step
from stepscope.engine.callbacks import (
    send_task_heartbeat,
    send_task_success,
    waiting_task,
    waiting_tasks,
)
from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.fibers import _Fiber
from stepscope.engine.resolvers.durations import TaskDurations
from stepscope.engine.resolvers.mock_config import MockConfig
from stepscope.engine.stepper import Snapshot

SNS_WAIT = "arn:aws:states:::sns:publish.waitForTaskToken"
LAMBDA = "arn:aws:states:::lambda:invoke"


def ask(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": SNS_WAIT, "Parameters": {"t.$": "$$.Task.Token"}, **fields}


def map_of(states: dict[str, Any], start_at: str, **fields: Any) -> dict[str, Any]:
    processor = {"StartAt": start_at, "States": states}
    return {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}},
    }


def failing_work(durations: dict[str, Any]) -> dict[str, Any]:
    config = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {"Work": "Bad"}}}},
            "MockedResponses": {"Bad": {"0-9": {"Throw": {"Error": "Bad", "Cause": "c"}}}},
        }
    )
    return {"mocks": config.test_case("M", "T"), "durations": TaskDurations.parse(durations)}


class Published:
    """Steps an execution like the live runner does, keeping every event it publishes."""

    def __init__(self, definition: dict[str, Any], value: Any, **resolvers: Any) -> None:
        self.resolvers = resolvers
        self.events: list[dict[str, Any]] = []
        self.snapshot: Snapshot = start(definition, value)
        self.wake: str | None = None

    def step(self, now: str | None = None) -> None:
        result = step(self.snapshot, resolvers=self.resolvers, now=now)
        self.snapshot, self.wake = result.snapshot, result.wake_at
        self.events.extend(result.events)

    def until_parked(self) -> str:
        for _ in range(100):
            waiting = waiting_task(self.snapshot)
            if waiting is not None and "answer" not in waiting:
                return str(waiting["token"])
            self.step(self.wake)
        raise AssertionError("never parked")

    def ids(self) -> list[int]:
        return [event["id"] for event in self.events]


def test_a_replay_never_moves_the_clock_back_nor_publishes_an_id_twice() -> None:
    """Two iterations wait (TimeoutSeconds 100). Stepping at the first one's deadline, the
    snapshot keeps that time; answering the second one then fails the Map with the first's
    timeout instead of bringing it back."""
    run = Published(map_of({"Ask": ask(TimeoutSeconds=100, End=True)}, "Ask"), [0, 1])
    first = run.until_parked()
    deadline = waiting_task(run.snapshot)["deadline"]  # type: ignore[index]
    run.step(deadline)
    assert parse_iso(run.snapshot["now"]) >= parse_iso(deadline)
    second = run.until_parked()
    assert second != first
    run.snapshot = send_task_success(run.snapshot, second, '"y"')
    for _ in range(20):
        if run.snapshot["status"] != "RUNNING":
            break
        run.step(run.wake)
    assert run.snapshot["status"] == "FAILED" and run.snapshot["error"] == "States.Timeout"
    assert run.ids() == list(range(1, len(run.events) + 1))
    # Both time out (the second within the moment the Map takes to notice the first), once each.
    timed_out = [e["previousEventId"] for e in run.events if e["type"] == "TaskTimedOut"]
    assert len(timed_out) == len(set(timed_out)) == 2


def test_a_sibling_failing_while_another_iteration_waits_fails_the_map_in_time() -> None:
    """Iteration 0 waits for a callback that never comes (no timeout); iteration 1's task fails
    after 1 s. The Map fails at 1 s, aborting the waiting iteration, without any answer."""
    states = {
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Ask"}],
            "Default": "Work",
        },
        "Ask": ask(End=True),
        "Work": {"Type": "Task", "Resource": LAMBDA, "End": True},
    }
    completed = run_to_completion(
        map_of(states, "Pick"), [0, 1], resolvers=failing_work({"Work": 1})
    )
    assert (completed.status, completed.error) == ("FAILED", "Bad")
    types = [e["type"] for e in completed.events]
    assert types[-6:] == [
        "MapIterationFailed",
        "TaskStateAborted",
        "MapIterationAborted",
        "TaskStateAborted",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    failed = next(e for e in completed.events if e["type"] == "MapStateFailed")
    assert parse_iso(failed["timestamp"]) < parse_iso("2025-01-01T12:00:02Z")
    assert [e["id"] for e in completed.events] == list(range(1, len(completed.events) + 1))


def test_a_failure_noticed_while_another_iteration_waits_aborts_it() -> None:
    """Iteration 0 fails at once; iteration 1 starts a callback within the moment the Map takes
    to notice: it is aborted with the Map's failure, and nothing waits for it."""
    states = {
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Boom"}],
            "Default": "Ask",
        },
        "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "c"},
        "Ask": ask(End=True),
    }
    completed = run_to_completion(map_of(states, "Pick"), [0, 1, 2])
    assert (completed.status, completed.error) == ("FAILED", "Boom")
    assert completed.waiting is None
    assert [e["id"] for e in completed.events] == list(range(1, len(completed.events) + 1))
    aborted = [e for e in completed.events if e["type"] == "MapIterationAborted"]
    assert [e["mapIterationAbortedEventDetails"]["index"] for e in aborted] == [1, 2]


def test_no_fiber_outlives_its_execution() -> None:
    """An outer Map iteration fails while another's inner Map is running: every fiber is
    unwound, however deep."""
    inner = {
        "Inner": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "W",
                "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}},
            },
            "End": True,
        }
    }
    states = {
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$[0]", "NumericEquals": 0, "Next": "Boom"}],
            "Default": "Inner",
        },
        "Boom": {"Type": "Fail", "Error": "Boom"},
        **inner,
    }
    for _ in range(3):
        completed = run_to_completion(map_of(states, "Pick"), [[0], [1, 2], [3, 4]])
        assert completed.status == "FAILED"
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, _Fiber) and not o.dead]


def test_a_callbacks_timeout_counts_from_task_started_even_with_a_duration() -> None:
    send = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "MessageBody": {"t.$": "$$.Task.Token"},
        },
        "TimeoutSeconds": 10,
        "HeartbeatSeconds": 5,
        "End": True,
    }
    definition = {"StartAt": "Ask", "States": {"Ask": send}}
    completed = run_to_completion(
        definition, {}, resolvers={"durations": TaskDurations.parse({"Ask": 8})}
    )
    assert (completed.status, completed.error) == ("FAILED", "States.Timeout")
    started = next(e for e in completed.events if e["type"] == "TaskStarted")
    timed_out = next(e for e in completed.events if e["type"] == "TaskTimedOut")
    took = parse_iso(timed_out["timestamp"]) - parse_iso(started["timestamp"])
    assert 5 <= took.total_seconds() < 5.01  # the heartbeat, from TaskStarted


def test_a_task_longer_than_the_execution_times_the_execution_out_on_time() -> None:
    definition = {
        "TimeoutSeconds": 10,
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    config = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {"Work": "Ok"}}}},
            "MockedResponses": {"Ok": {"0": {"Return": 1}}},
        }
    )
    resolvers = {
        "mocks": config.test_case("M", "T"),
        "durations": TaskDurations.parse({"Work": 100}),
    }
    completed = run_to_completion(definition, {}, resolvers=resolvers)
    assert completed.status == "TIMED_OUT"
    assert [e["type"] for e in completed.events][-1] == "ExecutionTimedOut"
    assert "TaskSucceeded" not in [e["type"] for e in completed.events]
    assert completed.events[-1]["timestamp"].startswith("2025-01-01T12:00:10")


def test_a_map_of_waits_longer_than_the_execution_times_out() -> None:
    definition = map_of({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, "W", MaxConcurrency=1)
    definition["TimeoutSeconds"] = 30
    completed = run_to_completion(definition, [1, 2, 3])
    assert completed.status == "TIMED_OUT"
    assert completed.events[-1]["timestamp"].startswith("2025-01-01T12:00:30")


def test_a_callback_inside_a_map_runs_child_execution_is_answered() -> None:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Ask",
        "States": {"Ask": ask(End=True)},
    }
    definition = {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True}},
    }
    run = Published(definition, ["a", "b"])
    answered = []
    for _ in range(10):
        token = run.until_parked()
        assert token not in answered
        answered.append(token)
        run.snapshot = send_task_success(run.snapshot, token, f'"{len(answered)}"')
        run.step(run.wake)
        if run.snapshot["status"] != "RUNNING":
            break
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.snapshot["output"] == ["1", "2"]
    assert len(answered) == 2
    assert run.ids() == list(range(1, len(run.events) + 1))


def test_every_iteration_waiting_for_a_callback_can_be_answered_in_any_order() -> None:
    """As on AWS, the three iterations' tasks all wait at once, each with its own token; the
    answers come in any order and each iteration ends when its own arrives."""
    run = Published(map_of({"Ask": ask(End=True)}, "Ask"), ["a", "b", "c"])
    run.until_parked()
    tasks = waiting_tasks(run.snapshot)
    assert len(tasks) == 3
    assert [e["type"] for e in run.events].count("TaskStarted") == 3
    for position, task in zip((2, 0, 1), (tasks[2], tasks[0], tasks[1]), strict=True):
        run.snapshot = send_task_success(run.snapshot, task["token"], f'"answer {position}"')
        run.step(run.wake)
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.snapshot["output"] == ["answer 0", "answer 1", "answer 2"]
    ended = [
        e["mapIterationSucceededEventDetails"]["index"]
        for e in run.events
        if e["type"] == "MapIterationSucceeded"
    ]
    assert ended == [2, 0, 1]
    assert run.ids() == list(range(1, len(run.events) + 1))


def test_a_heartbeat_keeps_a_waiting_iteration_alive_across_replays() -> None:
    run = Published(map_of({"Ask": ask(HeartbeatSeconds=10, End=True)}, "Ask"), ["a", "b"])
    run.until_parked()
    first, second = waiting_tasks(run.snapshot)
    start_time = parse_iso(run.snapshot["now"])
    later = format_iso(start_time + timedelta(seconds=8))
    run.snapshot = send_task_heartbeat(run.snapshot, second["token"], now=later)
    run.snapshot = send_task_success(run.snapshot, first["token"], '"one"')
    run.step(later)
    run.snapshot = send_task_success(run.snapshot, second["token"], '"two"')
    run.step(format_iso(start_time + timedelta(seconds=15)))  # past 10 s, within the heartbeat
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.snapshot["output"] == ["one", "two"]
