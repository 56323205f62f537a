"""Callbacks (.waitForTaskToken) and activities: the execution parks, the outside world answers
through stepscope.engine.callbacks, and timeouts and heartbeats end a task that gets no answer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepscope.engine import run_to_completion, start, step
from stepscope.engine.callbacks import (
    CallbackError,
    get_activity_task,
    send_task_failure,
    send_task_heartbeat,
    send_task_success,
    stop_execution,
    waiting_task,
)
from stepscope.engine.resolvers.mock_config import MockConfig
from stepscope.engine.stepper import Snapshot

SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:approve"


def machine(task: dict[str, Any], **extra_states: Any) -> dict[str, Any]:
    return {"StartAt": "Ask", "States": {"Ask": {"Type": "Task", **task}, **extra_states}}


def callback_task(**fields: Any) -> dict[str, Any]:
    return {
        "Resource": SQS_WAIT,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "End": True,
        **fields,
    }


def run_until_parked(definition: dict[str, Any], value: Any = None) -> tuple[Snapshot, list[Any]]:
    snapshot = start(definition, value if value is not None else {"order": 7})
    events: list[dict[str, Any]] = []
    wake_at: str | None = None
    while True:
        result = step(snapshot, now=wake_at)
        snapshot, wake_at = result.snapshot, result.wake_at
        events.extend(result.events)
        if wake_at is None or waiting_task(snapshot) is not None:
            return snapshot, events


def finish(snapshot: Snapshot, events: list[Any], now: str | None = None) -> Snapshot:
    wake_at = now
    while snapshot["status"] == "RUNNING":
        result = step(snapshot, now=wake_at)
        snapshot, wake_at = result.snapshot, result.wake_at
        events.extend(result.events)
        if wake_at is None:
            break
    return snapshot


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def test_a_callback_parks_the_execution_with_its_token_in_the_message() -> None:
    snapshot, events = run_until_parked(machine(callback_task()))
    waiting = waiting_task(snapshot)
    assert snapshot["status"] == "RUNNING" and waiting is not None
    assert types(events) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",  # the local SQS stand-in took the message
    ]
    submitted = events[4]["taskSubmittedEventDetails"]
    assert '"MD5OfMessageBody":' in submitted["output"]
    scheduled = events[2]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "sqs"
    assert scheduled["resource"] == "sendMessage.waitForTaskToken"
    assert waiting["token"] in scheduled["parameters"]
    assert len(waiting["token"]) > 100


def test_send_task_success_ends_the_task_with_that_output() -> None:
    snapshot, events = run_until_parked(machine(callback_task()))
    token = waiting_task(snapshot)["token"]  # type: ignore[index]
    snapshot = finish(send_task_success(snapshot, token, '{"approved": true}'), events)
    assert snapshot["status"] == "SUCCEEDED"
    assert snapshot["output"] == {"approved": True}
    assert types(events)[-3:] == ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert events[-3]["taskSucceededEventDetails"]["resourceType"] == "sqs"
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert events[-3]["previousEventId"] == events[-4]["id"]


def test_send_task_failure_is_caught_like_any_task_error() -> None:
    definition = machine(
        callback_task(
            End=None,
            Next="Done",
            Catch=[{"ErrorEquals": ["Rejected"], "ResultPath": "$.why", "Next": "Denied"}],
        ),
        Done={"Type": "Succeed"},
        Denied={"Type": "Fail", "Error": "Denied"},
    )
    del definition["States"]["Ask"]["End"]
    snapshot, events = run_until_parked(definition)
    token = waiting_task(snapshot)["token"]  # type: ignore[index]
    snapshot = finish(send_task_failure(snapshot, token, "Rejected", "too expensive"), events)
    assert snapshot["status"] == "FAILED" and snapshot["error"] == "Denied"
    failed = next(e for e in events if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert failed == {
        "error": "Rejected",
        "cause": "too expensive",
        "resource": "sendMessage.waitForTaskToken",
        "resourceType": "sqs",
    }
    entered = next(e for e in events if e["type"] == "FailStateEntered")
    assert (
        '"why":{"Error":"Rejected","Cause":"too expensive"}'
        in (entered["stateEnteredEventDetails"]["input"])
    )


def test_a_retried_callback_hands_out_a_new_token_and_parks_again() -> None:
    retry = [{"ErrorEquals": ["Busy"], "IntervalSeconds": 5, "MaxAttempts": 1}]
    snapshot, events = run_until_parked(machine(callback_task(Retry=retry)))
    first = waiting_task(snapshot)["token"]  # type: ignore[index]
    snapshot = send_task_failure(snapshot, first, "Busy")
    result = step(snapshot)
    events.extend(result.events)
    assert types(result.events) == ["TaskFailed"]  # then the back-off, a deadline
    assert result.wake_at is not None and result.snapshot["status"] == "RUNNING"
    result = step(result.snapshot, now=result.wake_at)
    events.extend(result.events)
    second = waiting_task(result.snapshot)["token"]  # type: ignore[index]
    assert second != first
    assert types(result.events) == ["TaskScheduled", "TaskStarted", "TaskSubmitted"]
    snapshot = finish(send_task_success(result.snapshot, second, "1"), events)
    assert snapshot["status"] == "SUCCEEDED" and snapshot["output"] == 1


def test_no_answer_within_timeout_seconds_is_states_timeout() -> None:
    snapshot, events = run_until_parked(machine(callback_task(TimeoutSeconds=60)))
    deadline = snapshot["position"]["suspended"]["deadline"]
    assert deadline.startswith("2025-01-01T12:01:00")  # 60 s after the task started
    assert step(snapshot, now="2025-01-01T12:00:59Z").events == []  # not yet
    snapshot = finish(snapshot, events, now=deadline)
    assert snapshot["status"] == "FAILED" and snapshot["error"] == "States.Timeout"
    timed_out = next(e for e in events if e["type"] == "TaskTimedOut")
    assert timed_out["taskTimedOutEventDetails"] == {
        "error": "States.Timeout",
        "resource": "sendMessage.waitForTaskToken",
        "resourceType": "sqs",
    }
    assert timed_out["timestamp"].startswith("2025-01-01T12:01:00")


def test_heartbeats_keep_a_task_alive_until_they_stop() -> None:
    """A missed heartbeat of a callback is recorded as States.Timeout, as AWS records it."""
    task = callback_task(TimeoutSeconds=600, HeartbeatSeconds=60)
    snapshot, events = run_until_parked(machine(task))
    token = waiting_task(snapshot)["token"]  # type: ignore[index]
    snapshot = send_task_heartbeat(snapshot, token, now="2025-01-01T12:00:50Z")
    assert snapshot["position"]["suspended"]["deadline"].startswith("2025-01-01T12:01:50")
    result = step(snapshot, now="2025-01-01T12:01:00Z")  # the first deadline no longer applies
    assert result.snapshot["status"] == "RUNNING" and result.events == []
    deadline = result.snapshot["position"]["suspended"]["deadline"]
    snapshot = finish(result.snapshot, events, now=deadline)
    assert snapshot["error"] == "States.Timeout" and snapshot["cause"] is None
    assert types(events)[-2:] == ["TaskTimedOut", "ExecutionFailed"]
    assert events[-1]["executionFailedEventDetails"] == {"error": "States.Timeout"}


def test_a_caught_timeout_hands_on_an_empty_cause() -> None:
    definition = machine(
        callback_task(
            TimeoutSeconds=5,
            Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "Late"}],
        ),
        Late={"Type": "Pass", "End": True},
    )
    del definition["States"]["Ask"]["End"]
    snapshot, events = run_until_parked(definition)
    deadline = snapshot["position"]["suspended"]["deadline"]
    snapshot = finish(snapshot, events, now=deadline)
    assert snapshot["status"] == "SUCCEEDED"
    assert snapshot["output"] == {"Error": "States.Timeout", "Cause": ""}


def test_activity_waits_for_a_worker_then_its_answer() -> None:
    snapshot, events = run_until_parked(machine({"Resource": ACTIVITY, "End": True}))
    assert types(events)[-1] == "ActivityScheduled"
    snapshot, task = get_activity_task(snapshot, ACTIVITY, "worker-1")
    assert task is not None and task["input"] == '{"order": 7}'
    assert get_activity_task(snapshot, ACTIVITY, "worker-2")[1] is None  # handed out once
    snapshot = finish(send_task_success(snapshot, task["taskToken"], {"ok": 1}), events)
    assert types(events)[-4:] == [
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert events[-4]["activityStartedEventDetails"] == {"workerName": "worker-1"}


def test_unknown_or_reused_tokens_and_bad_output_are_refused() -> None:
    snapshot, _ = run_until_parked(machine(callback_task()))
    token = waiting_task(snapshot)["token"]  # type: ignore[index]
    with pytest.raises(CallbackError) as refused:
        send_task_success(snapshot, "not-a-token", "{}")
    assert refused.value.code == "TaskDoesNotExist"
    with pytest.raises(CallbackError) as bad:
        send_task_success(snapshot, token, "{not json")
    assert bad.value.code == "InvalidOutput"
    with pytest.raises(CallbackError) as huge:
        send_task_success(snapshot, token, '"' + "x" * (256 * 1024) + '"')
    assert huge.value.code == "InvalidOutput"
    answered = send_task_success(snapshot, token, "{}")
    with pytest.raises(CallbackError):
        send_task_success(answered, token, "{}")
    assert waiting_task(snapshot) is not None  # the original snapshot is untouched


def test_stop_execution_aborts_a_parked_execution() -> None:
    snapshot, events = run_until_parked(machine(callback_task()))
    stopped = stop_execution(snapshot, "Operator", "stopped by hand")
    assert stopped.snapshot["status"] == "ABORTED"
    assert stopped.events[0]["type"] == "ExecutionAborted"
    assert stopped.events[0]["id"] == events[-1]["id"] + 1
    assert stopped.events[0]["executionAbortedEventDetails"] == {
        "error": "Operator",
        "cause": "stopped by hand",
    }
    with pytest.raises(CallbackError):
        stop_execution(stopped.snapshot)
    assert step(stopped.snapshot).events == []


SNS_WAIT = "arn:aws:states:::sns:publish.waitForTaskToken"


def parallel_with_callback(**task_fields: Any) -> dict[str, Any]:
    ask = {
        "Type": "Task",
        "Resource": SNS_WAIT,
        "Parameters": {"Message": {"token.$": "$$.Task.Token"}},
        "End": True,
        **task_fields,
    }
    return {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Ask", "States": {"Ask": ask}},
                    {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "Result": "noted"}}},
                ],
                "Next": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }


def chain_of(events: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return [(e["id"], e["previousEventId"], e["type"]) for e in events]


def test_a_callback_inside_a_parallel_branch_waits_and_then_goes_on() -> None:
    snapshot, events = run_until_parked(parallel_with_callback())
    waiting = waiting_task(snapshot)
    assert waiting is not None and waiting["state"] == "Ask"
    # The other branch runs while the task is dispatched; then the task waits for its answer.
    assert types(events)[-6:] == [
        "ParallelStateStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "PassStateEntered",
        "PassStateExited",
        "TaskStarted",
    ]
    parked_at = len(events)
    snapshot = finish(send_task_success(snapshot, waiting["token"], '"yes"'), events)
    assert snapshot["status"] == "SUCCEEDED"
    assert snapshot["output"] == ["yes", "noted"]
    # Nothing published before the wait is published again, and nothing is missing.
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert types(events)[parked_at] == "TaskSucceeded"


def test_an_answered_callback_in_a_branch_writes_the_history_a_mocked_one_does() -> None:
    snapshot, events = run_until_parked(parallel_with_callback())
    token = waiting_task(snapshot)["token"]  # type: ignore[index]
    finish(send_task_success(snapshot, token, '"yes"'), events)
    mocks = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": {"Ask": "Yes"}}}},
            "MockedResponses": {"Yes": {"0": {"Return": "yes"}}},
        }
    ).test_case("M", "T")
    mocked = run_to_completion(parallel_with_callback(), {"order": 7}, resolvers={"mocks": mocks})
    assert chain_of(events) == chain_of(mocked.events)


def test_callbacks_in_map_iterations_are_answered_one_after_another() -> None:
    ask = {"Type": "Task", "Resource": SNS_WAIT, "Parameters": {"n.$": "$"}, "End": True}
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": ask}},
                "End": True,
            }
        },
    }
    snapshot, events = run_until_parked(definition, [1, 2, 3])
    tokens = []
    for answer in ("a", "b", "c"):
        waiting = waiting_task(snapshot)
        assert waiting is not None
        tokens.append(waiting["token"])
        result = step(send_task_success(snapshot, waiting["token"], json.dumps(answer)))
        snapshot = result.snapshot
        events.extend(result.events)
    assert len(set(tokens)) == 3
    assert snapshot["status"] == "SUCCEEDED" and snapshot["output"] == ["a", "b", "c"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def test_a_callback_in_a_branch_times_out_and_fails_the_parallel() -> None:
    snapshot, events = run_until_parked(parallel_with_callback(TimeoutSeconds=10))
    deadline = snapshot["position"]["suspended"]["deadline"]
    assert step(snapshot, now="2025-01-01T12:00:05Z").events == []
    snapshot = finish(snapshot, events, now=deadline)
    assert snapshot["status"] == "FAILED" and snapshot["error"] == "States.Timeout"
    assert "TaskTimedOut" in types(events) and "ParallelStateFailed" in types(events)
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def test_the_machines_timeout_seconds_ends_a_parked_execution_as_timed_out() -> None:
    definition = {**machine(callback_task()), "TimeoutSeconds": 30}
    snapshot, events = run_until_parked(definition)
    result = step(snapshot)
    assert result.wake_at is not None and result.wake_at.startswith("2025-01-01T12:00:30")
    snapshot = finish(snapshot, events, now=result.wake_at)
    assert snapshot["status"] == "TIMED_OUT" and snapshot["error"] == "States.Timeout"
    assert events[-1]["type"] == "ExecutionTimedOut"
    assert events[-1]["executionTimedOutEventDetails"] == {"error": "States.Timeout"}


def test_a_retried_parallel_parks_again_in_its_branch_and_then_succeeds() -> None:
    definition = parallel_with_callback()
    definition["States"]["Both"]["Retry"] = [
        {"ErrorEquals": ["Busy"], "IntervalSeconds": 5, "MaxAttempts": 1}
    ]
    snapshot, events = run_until_parked(definition)
    first = waiting_task(snapshot)["token"]  # type: ignore[index]
    failed = step(send_task_failure(snapshot, first, "Busy"))
    events.extend(failed.events)
    assert types(failed.events) == ["TaskFailed", "TaskStateAborted"]  # then the back-off
    assert failed.wake_at is not None
    again = step(failed.snapshot, now=failed.wake_at)
    events.extend(again.events)
    second = waiting_task(again.snapshot)
    assert second is not None and second["token"] != first
    assert types(again.events)[:2] == ["ParallelStateStarted", "TaskStateEntered"]
    snapshot = finish(send_task_success(again.snapshot, second["token"], '"ok"'), events)
    assert snapshot["status"] == "SUCCEEDED" and snapshot["output"] == ["ok", "noted"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert types(events).count("ParallelStateEntered") == 1
