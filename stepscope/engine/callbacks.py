"""What the outside world does to a running execution, as pure functions over its snapshot:
SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, GetActivityTask and StopExecution.

The callback functions return a new snapshot; the next `step` records the task's end (TaskSucceeded,
TaskFailed, ...) and carries on. Errors are AWS's: TaskDoesNotExist, InvalidToken, InvalidOutput,
ExecutionDoesNotExist.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.errors import PAYLOAD_LIMIT_BYTES
from stepscope.engine.recorder import Recorder, Thread
from stepscope.engine.replay import resume_deadline
from stepscope.engine.resolvers.service_task import earliest_deadline
from stepscope.engine.stepper import Snapshot, StepResult

__all__ = [
    "CallbackError",
    "get_activity_task",
    "send_task_failure",
    "send_task_heartbeat",
    "send_task_success",
    "stop_execution",
    "waiting_task",
    "waiting_tasks",
]

MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32768


class CallbackError(ValueError):
    """A refused call, with AWS's error code (`code`) and a message saying why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def waiting_task(snapshot: Snapshot) -> dict[str, Any] | None:
    """The parked task, if any: {kind, token, state, details, deadline, ...} (plain JSON).
    Inside concurrent iterations or branches several may wait: this is the first one reached
    (waiting_tasks has them all)."""
    tasks = waiting_tasks(snapshot)
    return tasks[0] if tasks else None


def waiting_tasks(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every task that waits for a callback, the first one reached first (answered ones too,
    until the next step takes their answer)."""
    resume = _task_resume(snapshot)
    if resume is None or not isinstance(resume.get("waiting"), dict):
        return []
    return [resume["waiting"], *resume.get("others", [])]


def _task_resume(snapshot: Snapshot) -> dict[str, Any] | None:
    if snapshot.get("status") != "RUNNING":
        return None
    suspended = (snapshot.get("position") or {}).get("suspended") or {}
    resume = suspended.get("resume") or {}
    return resume if resume.get("kind") == "task" else None


def send_task_success(snapshot: Snapshot, token: str, output: Any) -> Snapshot:
    """SendTaskSuccess: `output` is JSON text or an already parsed value."""
    value = _parsed_output(output)
    return _answer(snapshot, token, {"output": value})


def send_task_failure(
    snapshot: Snapshot, token: str, error: str | None = None, cause: str | None = None
) -> Snapshot:
    if error is not None and len(error) > MAX_ERROR_LENGTH:
        raise CallbackError("ValidationException", f"error is longer than {MAX_ERROR_LENGTH}")
    if cause is not None and len(cause) > MAX_CAUSE_LENGTH:
        raise CallbackError("ValidationException", f"cause is longer than {MAX_CAUSE_LENGTH}")
    answer: dict[str, Any] = {}
    if error is not None:
        answer["error"] = error
    if cause is not None:
        answer["cause"] = cause
    return _answer(snapshot, token, answer)


def send_task_heartbeat(snapshot: Snapshot, token: str, *, now: str | None = None) -> Snapshot:
    """Pushes the heartbeat deadline HeartbeatSeconds past `now` (the snapshot's time if None)."""
    updated, waiting = _claim(snapshot, token)
    seconds = waiting.get("heartbeatSeconds")
    if seconds is not None:
        moment = parse_iso(now or updated["now"])
        waiting["heartbeatAt"] = format_iso(moment + timedelta(seconds=int(seconds)))
        waiting["deadline"] = earliest_deadline(waiting)
        suspended = updated["position"]["suspended"]
        resume = suspended["resume"]
        if "replay" in resume:  # inside a branch: the replay must see it too
            resume["replay"].setdefault("heartbeats", {})[token] = waiting["heartbeatAt"]
            deadline = resume_deadline(resume)
            suspended["deadline"] = None if deadline is None else format_iso(deadline)
        else:
            suspended["deadline"] = waiting["deadline"]
    return updated


def get_activity_task(
    snapshot: Snapshot, activity_arn: str, worker_name: str | None = None
) -> tuple[Snapshot, dict[str, Any] | None]:
    """GetActivityTask: hands the parked activity's token and input to a worker (recorded as
    ActivityStarted at the next step); None when no task of that activity waits."""
    free = [
        waiting
        for waiting in waiting_tasks(snapshot)
        if waiting.get("kind") == "activity"
        and waiting["details"].get("resource") == activity_arn
        and waiting.get("worker") is None
        and "answer" not in waiting
    ]
    if not free:
        return snapshot, None
    updated, claimed = _claim(snapshot, str(free[0]["token"]))
    claimed["worker"] = {"workerName": worker_name} if worker_name else {}
    resume = updated["position"]["suspended"]["resume"]
    if "replay" in resume:  # inside a branch: the replay must know it was taken
        resume["replay"].setdefault("workers", {})[claimed["token"]] = claimed["worker"]
    return updated, {"taskToken": claimed["token"], "input": json.dumps(claimed.get("input"))}


def stop_execution(
    snapshot: Snapshot,
    error: str | None = None,
    cause: str | None = None,
    *,
    now: str | None = None,
) -> StepResult:
    """StopExecution: ExecutionAborted, and the execution is ABORTED."""
    if snapshot.get("status") != "RUNNING":
        raise CallbackError("ExecutionNotRunning", f"the execution is {snapshot.get('status')}")
    updated = copy.deepcopy(snapshot)
    moment = max(parse_iso(now or updated["now"]), parse_iso(updated["now"]))
    recorder = Recorder(updated["nextEventId"])
    details: dict[str, Any] = {}
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    thread = Thread(**updated["thread"])
    recorder.add(thread, "ExecutionAborted", moment, "executionAbortedEventDetails", details)
    updated.update(
        status="ABORTED",
        error=error,
        cause=cause,
        position=None,
        now=format_iso(moment),
        nextEventId=recorder.next_id,
        thread={"source": thread.source, "last": thread.last},
    )
    return StepResult(updated, recorder.events, None)


def _answer(snapshot: Snapshot, token: str, answer: dict[str, Any]) -> Snapshot:
    updated, waiting = _claim(snapshot, token)
    waiting["answer"] = answer
    updated["position"]["suspended"]["deadline"] = None
    return updated


def _claim(snapshot: Snapshot, token: str) -> tuple[Snapshot, dict[str, Any]]:
    if not isinstance(token, str) or not token:
        raise CallbackError("InvalidToken", "the task token is empty")
    tokens = [waiting.get("token") for waiting in waiting_tasks(snapshot)]
    if token not in tokens:
        raise CallbackError(
            "TaskDoesNotExist", "no task of this execution is waiting for that token"
        )
    updated = copy.deepcopy(snapshot)
    waiting = waiting_tasks(updated)[tokens.index(token)]
    if "answer" in waiting:
        raise CallbackError("TaskDoesNotExist", "that task has already been answered")
    return updated, waiting


def _parsed_output(output: Any) -> Any:
    if not isinstance(output, str):
        text = json.dumps(output)
        value = output
    else:
        text = output
        try:
            value = json.loads(output)
        except ValueError as problem:
            raise CallbackError("InvalidOutput", f"the output is not JSON: {problem}") from None
    if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise CallbackError("InvalidOutput", "the output is larger than 256 KiB")
    return value
