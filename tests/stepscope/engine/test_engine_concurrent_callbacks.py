"""Callbacks that wait inside concurrent Map iterations and Parallel branches: the stopped state
is replayed when answers (or deadlines) come, and what was published is never contradicted."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any

from stepscope.engine import run_to_completion, start, step
from stepscope.engine.callbacks import (
    get_activity_task,
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


def ask_or_work() -> dict[str, Any]:
    """Item 0 waits for a callback; any other item calls a Lambda."""
    return {
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Ask"}],
            "Default": "Work",
        },
        "Ask": ask(End=True),
        "Work": {"Type": "Task", "Resource": LAMBDA, "End": True},
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
    """Two iterations wait (TimeoutSeconds 100 and 200). The second is answered; stepping at
    the first one's deadline times it out and fails the Map; the snapshot's time never goes
    back, and each event is published once."""
    task = ask(TimeoutSecondsPath="$.timeout", End=True)
    run = Published(map_of({"Ask": task}, "Ask"), [{"timeout": 100}, {"timeout": 200}])
    run.until_parked()
    first, second = waiting_tasks(run.snapshot)
    times = [parse_iso(run.snapshot["now"])]
    run.snapshot = send_task_success(run.snapshot, second["token"], '"y"')
    run.step()  # at once, as the instant pace does
    times.append(parse_iso(run.snapshot["now"]))
    assert [task["token"] for task in waiting_tasks(run.snapshot)] == [first["token"]]
    run.step(first["deadline"])
    times.append(parse_iso(run.snapshot["now"]))
    for _ in range(20):
        if run.snapshot["status"] != "RUNNING":
            break
        run.step(run.wake)
        times.append(parse_iso(run.snapshot["now"]))
    assert times == sorted(times)
    assert run.snapshot["status"] == "FAILED" and run.snapshot["error"] == "States.Timeout"
    assert run.ids() == list(range(1, len(run.events) + 1))
    types = [event["type"] for event in run.events]
    assert (types.count("TaskTimedOut"), types.count("TaskSucceeded")) == (1, 1)


def test_deadlines_one_millisecond_apart_both_pass_in_the_same_step() -> None:
    """Both iterations' deadlines pass by the time the step would take an answer: both time
    out, each once, in their order, before the Map fails."""
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0, "MaxAttempts": 1}]
    task = ask(TimeoutSeconds=10, Retry=retry, End=True)
    completed = run_to_completion(map_of({"Ask": task}, "Ask"), [0, 1])
    assert completed.status == "FAILED"
    timed_out = [e for e in completed.events if e["type"] == "TaskTimedOut"]
    assert len(timed_out) == 4  # each iteration's first attempt and its retry
    assert [e["id"] for e in completed.events] == list(range(1, len(completed.events) + 1))


def test_a_sibling_failing_while_another_iteration_waits_fails_the_map_in_time() -> None:
    """Iteration 0 waits for a callback that never comes (no timeout); iteration 1's task fails
    after 1 s. The Map fails at 1 s, aborting the waiting iteration, without any answer."""
    states = ask_or_work()
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


def test_a_task_aborted_with_its_map_is_no_longer_listed_and_its_retry_waits_instead() -> None:
    """Iteration 0 waits; iteration 1 fails once, so the Map fails (aborting iteration 0) and is
    retried: only the retry's task waits, and answering it ends the execution."""
    states = ask_or_work()
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0, "MaxAttempts": 1}]
    config = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {"Work": "W"}}}},
            "MockedResponses": {
                "W": {"0": {"Throw": {"Error": "Bad", "Cause": "c"}}, "1-9": {"Return": 1}}
            },
        }
    )
    run = Published(map_of(states, "Pick", Retry=retry), [0, 1], mocks=config.test_case("M", "T"))
    seen: list[list[str]] = []
    for _ in range(10):
        run.step(run.wake)
        seen.append([task["token"] for task in waiting_tasks(run.snapshot)])
        if "MapStateStarted" in [e["type"] for e in run.events][4:] and seen[-1]:
            break
    first_attempt, retried = seen[0] or seen[1], seen[-1]
    assert len(retried) == 1 and retried != first_attempt
    run.snapshot = send_task_success(run.snapshot, retried[0], '"ok"')
    run.step()
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.ids() == list(range(1, len(run.events) + 1))


def test_an_activity_in_a_branch_is_handed_out_once() -> None:
    activity = "arn:aws:states:us-east-1:123456789012:activity:review"
    work = {"Type": "Task", "Resource": activity, "End": True}
    run = Published(map_of({"Review": work}, "Review"), ["a", "b"])
    run.until_parked()
    run.snapshot, one = get_activity_task(run.snapshot, activity, "worker1")
    run.snapshot, two = get_activity_task(run.snapshot, activity, "worker2")
    assert one is not None and two is not None and one["taskToken"] != two["taskToken"]
    run.snapshot = send_task_success(run.snapshot, two["taskToken"], '"two"')
    run.step()
    run.snapshot, three = get_activity_task(run.snapshot, activity, "worker3")
    assert three is None  # worker1 still holds the other one
    run.snapshot = send_task_success(run.snapshot, one["taskToken"], '"one"')
    run.step()
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.snapshot["output"] == ["one", "two"]
    workers = [
        e["activityStartedEventDetails"].get("workerName")
        for e in run.events
        if e["type"] == "ActivityStarted"
    ]
    assert sorted(workers) == ["worker1", "worker2"]


def test_every_map_run_child_waiting_for_a_callback_can_be_answered() -> None:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Ask",
        "States": {"Ask": ask(HeartbeatSeconds=10, End=True)},
    }
    definition = {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True}},
    }
    run = Published(definition, ["a", "b", "c"])
    run.until_parked()
    tasks = waiting_tasks(run.snapshot)
    assert len(tasks) == 3
    start_time = parse_iso(run.snapshot["now"])
    later = format_iso(start_time + timedelta(seconds=8))
    for task in tasks:
        run.snapshot = send_task_heartbeat(run.snapshot, task["token"], now=later)
    answer_time = format_iso(start_time + timedelta(seconds=15))  # past 10 s, within heartbeats
    for position in (1, 2, 0):
        run.snapshot = send_task_success(run.snapshot, tasks[position]["token"], f'"{position}"')
        run.step(answer_time)
    assert run.snapshot["status"] == "SUCCEEDED"
    assert run.snapshot["output"] == ["0", "1", "2"]
