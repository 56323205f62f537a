"""The resumable stepper: a JSON snapshot in; a new snapshot, events and wake_at out.

Each `step` runs one state of the top-level state list (Parallel and Map states run their
branches within that step, on the virtual clock). A top-level Wait becomes a deadline in the
snapshot: the caller steps again at `wake_at`.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stepscope.engine.clock import ExecutionDeadline, VirtualClock, format_iso, parse_iso
from stepscope.engine.execution import ExecutionContext, execution_object
from stepscope.engine.recorder import Recorder, Thread, json_text
from stepscope.engine.replay import entry_point, parked_in_branch, replay_position
from stepscope.engine.runtime import (
    Branch,
    Frame,
    Next,
    ParkedInBranch,
    Run,
    StateFailure,
    Suspend,
    rng_to_json,
)
from stepscope.engine.states import handler_for, task, wait
from stepscope.engine.states.common import StateRun, enter_state

__all__ = ["Snapshot", "StepResult", "start", "step"]

Snapshot = dict[str, Any]
SNAPSHOT_FORMAT = "stepscope.engine/1"


@dataclass
class StepResult:
    snapshot: Snapshot
    events: list[dict[str, Any]]
    wake_at: str | None  # None once the execution has ended


def start(
    definition: dict[str, Any],
    value: Any,
    *,
    context: ExecutionContext | None = None,
    seed: int = 0,
    machine_type: str = "STANDARD",
) -> Snapshot:
    """A snapshot of an execution about to start (its first step records ExecutionStarted)."""
    context = context or {}
    start_time = format_iso(parse_iso(context.get("startTime", "2025-01-01T12:00:00Z")))
    rng = random.Random(seed)
    return {
        "format": SNAPSHOT_FORMAT,
        "definition": copy.deepcopy(definition),
        "execution": execution_object(
            context, machine_type, value, start_time, rng.getrandbits(128)
        ),
        "roleArn": context.get("roleArn", ""),
        "type": machine_type,
        "status": "RUNNING",
        "now": start_time,
        "nextEventId": 1,
        "thread": {"source": 0, "last": 0},
        "rng": rng_to_json(rng),
        "position": None,
        "started": False,
        "input": value,
        "variables": {},
    }


def step(
    snapshot: Snapshot, *, resolvers: dict[str, Any] | None = None, now: str | None = None
) -> StepResult:
    """Advance the execution by one top-level state (or start it, or finish a Wait)."""
    snapshot = {**snapshot, "position": _copy_position(snapshot["position"])}
    if snapshot["status"] != "RUNNING":
        return StepResult(snapshot, [], None)
    deadline = _execution_deadline(snapshot)
    clock = VirtualClock(parse_iso(snapshot["now"]), parse_iso(deadline) if deadline else None)
    if now is not None:
        clock.advance_to(parse_iso(now))
    step_time = clock.now  # a replay rewinds the clock; the snapshot's time never goes back
    recorder = Recorder(snapshot["nextEventId"])
    run = Run(
        definition=snapshot["definition"],
        execution=snapshot["execution"],
        clock=clock,
        recorder=recorder,
        rng=snapshot["rng"],
        resolvers=resolvers or {},
        counters=dict(snapshot.get("invocations") or {}),
    )
    variables = dict(snapshot.get("variables") or {})
    frame = Frame(Thread(**snapshot["thread"]), can_suspend=True, variables=variables)
    if _timed_out(snapshot, run, frame):
        wake_at = None
    else:
        try:
            wake_at = _within_execution_timeout(snapshot, _advance(snapshot, run, frame))
        except ExecutionDeadline:  # a task's duration or a branch's wait outlasted the execution
            _timed_out(snapshot, run, frame)
            wake_at = None
    snapshot["now"] = format_iso(max(clock.now, step_time))
    snapshot["nextEventId"] = recorder.next_id
    snapshot["thread"] = {"source": frame.thread.source, "last": frame.thread.last}
    snapshot["rng"] = run.rng_state()
    snapshot["variables"] = frame.variables
    snapshot["invocations"] = run.counters
    return StepResult(snapshot, recorder.events, wake_at)


def _timed_out(snapshot: Snapshot, run: Run, frame: Frame) -> bool:
    """The machine's TimeoutSeconds has passed: ExecutionTimedOut, and the run is TIMED_OUT."""
    deadline = _execution_deadline(snapshot)
    if deadline is None or run.clock.now < parse_iso(deadline):
        return False
    run.event(
        frame, "ExecutionTimedOut", "executionTimedOutEventDetails", {"error": "States.Timeout"}
    )
    snapshot.update(status="TIMED_OUT", error="States.Timeout", cause=None, position=None)
    return True


def _within_execution_timeout(snapshot: Snapshot, wake_at: str | None) -> str | None:
    """Wake no later than the machine's TimeoutSeconds, even from a parked callback."""
    deadline = _execution_deadline(snapshot)
    if snapshot["status"] != "RUNNING" or deadline is None:
        return wake_at
    if wake_at is None or parse_iso(deadline) < parse_iso(wake_at):
        return deadline
    return wake_at


def _execution_deadline(snapshot: Snapshot) -> str | None:
    seconds = snapshot["definition"].get("TimeoutSeconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
        return None
    started = parse_iso(snapshot["execution"]["Execution"]["StartTime"])
    return format_iso(started + timedelta(seconds=seconds))


def _advance(snapshot: Snapshot, run: Run, frame: Frame) -> str | None:
    if not snapshot["started"]:
        run.event(
            frame,
            "ExecutionStarted",
            "executionStartedEventDetails",
            {
                "input": json_text(snapshot["input"]),
                "inputDetails": {"truncated": False},
                "roleArn": snapshot["roleArn"],
            },
            becomes_source=False,
        )
        snapshot["started"] = True
        snapshot["position"] = {
            "state": snapshot["definition"]["StartAt"],
            "input": snapshot["input"],
        }
        return format_iso(run.clock.now)
    branch = Branch(str(snapshot["definition"]["StartAt"]), snapshot["definition"]["States"])
    position = snapshot["position"]
    try:
        outcome = _run_position(run, frame, branch, position)
    except StateFailure as failure:
        _end_failed(snapshot, run, frame, failure.error.error, failure.error.cause)
        return None
    if isinstance(outcome, Suspend):
        deadline = None if outcome.deadline is None else format_iso(outcome.deadline)
        position["suspended"]["deadline"] = deadline
        position["suspended"]["resume"] = outcome.resume
        return deadline  # None with status RUNNING: parked until a callback arrives
    if isinstance(outcome, Next):
        snapshot["position"] = {"state": outcome.state, "input": outcome.output}
        return format_iso(run.clock.now)
    _end_succeeded(snapshot, run, frame, outcome.output)
    return None


def _run_position(run: Run, frame: Frame, branch: Branch, position: dict[str, Any]) -> Any:
    suspended = position.get("suspended")
    if suspended is not None and "resume" in suspended:
        return _resume_position(run, frame, branch, position, suspended)
    return enter_position(run, frame, branch, position)


def enter_position(
    run: Run,
    frame: Frame,
    branch: Branch,
    position: dict[str, Any],
    replay: dict[str, Any] | None = None,
    retry: dict[str, Any] | None = None,
) -> Any:
    """Enter the state at `position` and run it, or take up its retry (`retry`: the entered
    event and the attempt to make). A callback inside one of its branches stops it, to be
    replayed from here (see stepscope.engine.replay)."""
    entry = replay["entry"] if replay is not None else entry_point(run, frame)
    retry = retry or (replay or {}).get("retry")
    if retry is None:
        current = enter_state(run, frame, branch, position["state"], position["input"])
    else:
        current = _entered_run(run, frame, branch, position, retry)
        current.resume = dict(retry["resume"])
    position["suspended"] = {
        "enteredId": current.entered_id,
        "enteredTime": format_iso(current.entered_time),
    }
    try:
        outcome = handler_for(current.state_type)(current)
    except ParkedInBranch as parked:
        if run.clock.horizon is not None:  # the snapshot's time covers all this step could do
            run.clock.advance_to(run.clock.horizon)
        suspend = parked_in_branch(
            run,
            entry,
            parked.waiting,
            replay,
            parked.wake,
            [p.waiting for p, _ in run.clock.all_waiting],
        )
        if retry is not None:
            suspend.resume["replay"]["retry"] = retry
        return suspend
    if not isinstance(outcome, Suspend):
        del position["suspended"]
    return outcome


def _resume_position(
    run: Run, frame: Frame, branch: Branch, position: dict[str, Any], suspended: dict[str, Any]
) -> Any:
    """Finish a suspended state once its deadline has passed or its callback has arrived."""
    saved = suspended["resume"]
    deadline = parse_iso(suspended["deadline"]) if suspended.get("deadline") else None
    waiting = saved.get("waiting") if saved.get("kind") == "task" else None
    replayed = "replay" in saved
    if (
        waiting is not None
        and not replayed
        and waiting.get("worker")
        and not waiting.get("startRecorded")
    ):
        waiting["startRecorded"] = True
        run.event(frame, "ActivityStarted", "activityStartedEventDetails", dict(waiting["worker"]))
    answered = any("answer" in each for each in [waiting or {}, *saved.get("others", [])])
    if not answered and (deadline is None or run.clock.now < deadline):
        return Suspend(deadline, saved)
    if replayed:
        return replay_position(run, frame, branch, position, saved, enter_position)
    if saved.get("kind") == "retry":
        return _retry_position(run, frame, branch, position, suspended)
    current = _entered_run(run, frame, branch, position, suspended)
    if waiting is None:
        outcome = wait.resume(current, saved)
    else:
        outcome = task.resume(current, saved)
    if not isinstance(outcome, Suspend):
        del position["suspended"]
    return outcome


def _entered_run(
    run: Run, frame: Frame, branch: Branch, position: dict[str, Any], entered: dict[str, Any]
) -> StateRun:
    """The state at `position`, already entered (at `entered`'s enteredId and enteredTime)."""
    return StateRun(
        run,
        frame,
        branch,
        position["state"],
        branch.states[position["state"]],
        position["input"],
        entered["enteredId"],
        parse_iso(entered["enteredTime"]),
    )


def _retry_position(
    run: Run, frame: Frame, branch: Branch, position: dict[str, Any], suspended: dict[str, Any]
) -> Any:
    """A top-level state's retry, once its back-off has passed: the next attempt, as if the
    state had waited for it in the same step."""
    retry = {
        "resume": suspended["resume"],
        "enteredId": suspended["enteredId"],
        "enteredTime": suspended["enteredTime"],
    }
    return enter_position(run, frame, branch, position, retry=retry)


def _end_succeeded(snapshot: Snapshot, run: Run, frame: Frame, output: Any) -> None:
    run.event(
        frame,
        "ExecutionSucceeded",
        "executionSucceededEventDetails",
        {"output": json_text(output), "outputDetails": {"truncated": False}},
    )
    snapshot.update(status="SUCCEEDED", output=output, position=None)


def _end_failed(
    snapshot: Snapshot, run: Run, frame: Frame, error: str | None, cause: str | None
) -> None:
    details: dict[str, Any] = {}
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    run.event(frame, "ExecutionFailed", "executionFailedEventDetails", details)
    snapshot.update(status="FAILED", error=error, cause=cause, position=None)


def _copy_position(position: Any) -> Any:
    """The position for the new snapshot. Its state data is never changed in place (every write,
    e.g. ResultPath, works on a copy), so only the suspended part, which is, is copied deeply."""
    if position is None:
        return None
    copied = dict(position)
    if "suspended" in copied:
        copied["suspended"] = copy.deepcopy(copied["suspended"])
    return copied
