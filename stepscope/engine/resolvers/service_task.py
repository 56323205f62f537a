"""Service integrations (arn:aws:states:::<service>:<api>[.sync|.waitForTaskToken]) and
activities: their events, answered by a mocked response, a local Lambda handler, or a callback.

A callback (.waitForTaskToken, or an activity with no mock) parks the execution: `Park` carries
the token and the deadlines; `deliver` turns the answer that arrives later (or the deadline
passing) into the task's result or error.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.errors import (
    DATA_LIMIT_EXCEEDED,
    HEARTBEAT_TIMEOUT,
    PAYLOAD_LIMIT_BYTES,
    TIMEOUT,
    StatesError,
)
from stepscope.engine.fibers import yield_turn
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers import local_sqs, s3_sdk
from stepscope.engine.resolvers.durations import elapse
from stepscope.engine.resolvers.mock_config import MockedResponse, MockedThrow, TestCaseMocks
from stepscope.engine.runtime import Park

__all__ = [
    "deliver",
    "invoke_activity",
    "invoke_service",
    "is_activity",
    "mocked_response",
    "new_task_token",
    "service_kind",
]

WAIT_FOR_TASK_TOKEN = ".waitForTaskToken"
STATES_PREFIX = "arn:aws:states:::"


def service_kind(resource: str) -> dict[str, str]:
    """`arn:aws:states:::sqs:sendMessage.waitForTaskToken` -> resourceType sqs, resource
    sendMessage.waitForTaskToken; aws-sdk integrations keep their service in the type."""
    rest = resource[len(STATES_PREFIX) :] if resource.startswith(STATES_PREFIX) else resource
    if ":::" in resource and not resource.startswith(STATES_PREFIX):
        rest = resource.split(":::", 1)[1]
    service, _, api = rest.partition(":")
    if service == "aws-sdk":
        sdk_service, _, api = api.partition(":")
        service = f"aws-sdk:{sdk_service}"
    return {"resourceType": service, "resource": api}


def is_activity(resource: str) -> bool:
    parts = resource.split(":")
    return len(parts) >= 7 and parts[2] == "states" and parts[5] == "activity"


def new_task_token(current: Any) -> str:
    """An opaque token, as long as AWS's, drawn from the run's seeded generator."""
    raw = current.run.rng.getrandbits(8 * 96).to_bytes(96, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def mocked_response(current: Any) -> MockedResponse | None:
    """The test case's answer for this invocation of the state, if the state is mocked."""
    mocks = current.run.resolvers.get("mocks")
    if not isinstance(mocks, TestCaseMocks) or not mocks.mocks(current.name):
        return None
    return mocks.response(current.name, current.run.invocation(current.name))


def answer(mocked: MockedResponse) -> Any:
    """A mocked Return is the result; a Throw is the task's error."""
    if isinstance(mocked, MockedThrow):
        raise StatesError(mocked.error, mocked.cause)
    return mocked.value


def check_size(value: Any, label: str) -> None:
    if len(json_text(value).encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{label}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
        )


def schedule_task(current: Any, parameters: Any, kind: dict[str, str]) -> None:
    """TaskScheduled (the parameters, region and timeouts) and TaskStarted."""
    scheduled = {
        "parameters": json_text(parameters),
        "region": current.run.execution["region"],
        **kind,
        **dict(current.timeouts or {}),
    }
    current.event("TaskScheduled", "taskScheduledEventDetails", scheduled)
    yield_turn(current.run.clock)  # other iterations go on while the task is dispatched
    current.event("TaskStarted", "taskStartedEventDetails", dict(kind))
    current.task_started = current.run.clock.now


def invoke_service(current: Any, parameters: Any) -> Any:
    """A service integration with no local implementation: mocked, or a callback to wait for."""
    resource = str(current.state["Resource"])
    kind = service_kind(resource)
    schedule_task(current, parameters, kind)
    mocked = mocked_response(current)
    waits = resource.endswith(WAIT_FOR_TASK_TOKEN)
    try:
        if mocked is not None:
            result = answer(mocked)
        elif local_sqs.serves(kind):
            result = local_sqs.send_message(current, parameters)
        elif s3_sdk.serves(kind, current.run.resolvers):
            result = s3_sdk.call(current, kind["resource"], parameters)
        else:
            task_ran(current, kind)  # the call itself, before it waits for its callback
            raise Park(waiting_record(current, "task", kind))
        check_size(result, kind["resourceType"])
    except StatesError as error:
        task_ran(current, kind)
        current.event("TaskFailed", "taskFailedEventDetails", _failure(error, kind))
        raise
    task_ran(current, kind)
    if waits and mocked is None:
        current.event("TaskSubmitted", "taskSubmittedEventDetails", _success(result, kind))
        raise Park(waiting_record(current, "task", kind))
    current.event("TaskSucceeded", "taskSucceededEventDetails", _success(result, kind))
    return result


def task_ran(current: Any, kind: dict[str, str], prefix: str = "Task") -> None:
    """The task's simulated duration passes (stepscope.engine.resolvers.durations); a task that
    runs past its TimeoutSeconds times out instead, as AWS records it."""
    if elapse(current):
        return
    key = prefix[0].lower() + prefix[1:]
    current.event(f"{prefix}TimedOut", f"{key}TimedOutEventDetails", {**kind, "error": TIMEOUT})
    raise TimedOut(TIMEOUT)


def invoke_activity(current: Any, event: Any) -> Any:
    """An activity: ActivityScheduled, then a mocked answer or a worker (parked until then)."""
    resource = str(current.state["Resource"])
    scheduled: dict[str, Any] = {
        "input": json_text(event),
        "inputDetails": {"truncated": False},
        "resource": resource,
    }
    for key in ("timeoutInSeconds", "heartbeatInSeconds"):
        if key in (current.timeouts or {}):
            scheduled[key] = current.timeouts[key]
    current.event("ActivityScheduled", "activityScheduledEventDetails", scheduled)
    mocked = mocked_response(current)
    if mocked is None:
        waiting = waiting_record(current, "activity", {"resource": resource})
        waiting["input"] = event
        raise Park(waiting)
    current.event("ActivityStarted", "activityStartedEventDetails", {})
    try:
        result = answer(mocked)
        check_size(result, resource)
    except StatesError as error:
        current.event("ActivityFailed", "activityFailedEventDetails", _failure(error, {}))
        raise
    current.event("ActivitySucceeded", "activitySucceededEventDetails", _success(result, {}))
    return result


def waiting_record(current: Any, kind: str, details: dict[str, str]) -> dict[str, Any]:
    """What a parked task waits with: its token, and when it times out (TimeoutSeconds from
    TaskStarted, HeartbeatSeconds from TaskStarted and from each heartbeat)."""
    now = getattr(current, "task_started", None) or current.run.clock.now
    timeouts = current.timeouts or {}
    waiting: dict[str, Any] = {
        "kind": kind,
        "token": current.task_token,
        "state": current.name,
        "details": details,
    }
    if "timeoutInSeconds" in timeouts:
        waiting["timeoutAt"] = format_iso(now + timedelta(seconds=timeouts["timeoutInSeconds"]))
    if "heartbeatInSeconds" in timeouts:
        waiting["heartbeatSeconds"] = timeouts["heartbeatInSeconds"]
        waiting["heartbeatAt"] = format_iso(now + timedelta(seconds=timeouts["heartbeatInSeconds"]))
    waiting["deadline"] = earliest_deadline(waiting)
    return waiting


def earliest_deadline(waiting: dict[str, Any]) -> str | None:
    moments = [waiting[key] for key in ("timeoutAt", "heartbeatAt") if waiting.get(key)]
    return min(moments, key=parse_iso) if moments else None


def deliver(current: Any, waiting: dict[str, Any]) -> Any:
    """The parked task's end: the callback's answer, or its timeout, as events and a result."""
    activity = waiting["kind"] == "activity"
    details = {} if activity else dict(waiting["details"])
    prefix = "Activity" if activity else "Task"
    key = "activity" if activity else "task"
    if activity and not waiting.get("startRecorded"):
        worker = waiting.get("worker") or {}
        current.event("ActivityStarted", "activityStartedEventDetails", dict(worker))
    received = waiting.get("answer")
    if received is None:
        error = _timeout_error(waiting, current.run.clock.now)
        current.event(
            f"{prefix}TimedOut", f"{key}TimedOutEventDetails", {**details, "error": error}
        )
        raise TimedOut(error)
    if "output" in received:
        current.event(
            f"{prefix}Succeeded",
            f"{key}SucceededEventDetails",
            _success(received["output"], details),
        )
        return received["output"]
    failure = StatesError(received.get("error"), received.get("cause"))
    current.event(f"{prefix}Failed", f"{key}FailedEventDetails", _failure(failure, details))
    raise failure


class TimedOut(StatesError):
    """A task that timed out: no cause in its events, but `"Cause": ""` in what a Catch gets
    (as AWS records both)."""

    def __init__(self, error: str) -> None:
        super().__init__(error, None)

    def error_output(self) -> dict[str, Any]:
        return {"Error": self.error, "Cause": ""}


def _timeout_error(waiting: dict[str, Any], now: Any) -> str:
    """A missed heartbeat: AWS records States.Timeout for a .waitForTaskToken task (the corpus's
    heartbeat recordings show it) and States.HeartbeatTimeout for an activity (its docs)."""
    if waiting["kind"] != "activity":
        return TIMEOUT
    heartbeat = waiting.get("heartbeatAt")
    timeout = waiting.get("timeoutAt")
    if heartbeat and parse_iso(heartbeat) <= now:
        if not timeout or parse_iso(heartbeat) < parse_iso(timeout):
            return HEARTBEAT_TIMEOUT
    return TIMEOUT


def _success(result: Any, details: dict[str, Any]) -> dict[str, Any]:
    return {"output": json_text(result), "outputDetails": {"truncated": False}, **details}


def _failure(error: StatesError, details: dict[str, Any]) -> dict[str, Any]:
    failed: dict[str, Any] = {}
    if error.error is not None:
        failed["error"] = error.error
    if error.cause is not None:
        failed["cause"] = error.cause
    return {**failed, **details}
