"""What every state shares: its entered and exited events, the language-specific ending (JSONPath
ResultPath/OutputPath or JSONata Output, and Assign), and the Retry and Catch machinery of Task,
Parallel and Map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from stepscope.engine.clock import parse_iso
from stepscope.engine.dataflow.io import apply_output_path, apply_result_path
from stepscope.engine.dataflow.jsonata_eval import QueryFailure, render
from stepscope.engine.dataflow.scope import DeferredScope, Scope
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError, error_matches, located
from stepscope.engine.fibers import fiber_chain, pause_until
from stepscope.engine.recorder import json_text
from stepscope.engine.replay import ANSWER_DELAY
from stepscope.engine.resolvers.service_task import earliest_deadline
from stepscope.engine.runtime import (
    Branch,
    End,
    Frame,
    Next,
    Outcome,
    Park,
    ParkedInBranch,
    Run,
    StateFailure,
    Suspend,
)

__all__ = ["StateRun", "enter_state", "finish", "with_retry_and_catch"]

_NO_VALUE = object()


@dataclass
class StateRun:
    """One state being executed."""

    run: Run
    frame: Frame
    branch: Branch
    name: str
    state: dict[str, Any]
    raw_input: Any
    entered_id: int
    entered_time: datetime
    entered_previous: int = 0
    retry_count: int | None = None
    timeouts: dict[str, Any] | None = None
    task_token: str | None = None
    task_started: datetime | None = None  # this attempt's TaskStarted: its timeouts count from it
    resume: dict[str, Any] | None = None  # a top-level retry taken up again after its back-off

    @property
    def state_type(self) -> str:
        return str(self.state["Type"])

    @property
    def jsonata(self) -> bool:
        language = self.state.get("QueryLanguage") or self.run.definition.get("QueryLanguage")
        return language == "JSONata"

    def scope(self) -> Scope:
        """The scope for JSONPath fields, built on first use: building it copies the context
        object (the execution input included), and most paths (`$`, `$.count`) never read it."""
        return DeferredScope(self._build_scope)

    def _build_scope(self) -> Scope:
        scope = self.run.scope(self.frame, self.name, self.entered_time)
        if self.retry_count is not None:
            scope.context["State"]["RetryCount"] = self.retry_count
        if self.task_token is not None:
            scope.context["Task"] = {"Token": self.task_token}
        return scope

    def bindings(self, result: Any = _NO_VALUE, error_output: Any = _NO_VALUE) -> dict[str, Any]:
        """JSONata's variables: the workflow variables and `$states`."""
        states: dict[str, Any] = {"input": self.raw_input, "context": self.scope().context}
        if result is not _NO_VALUE:
            states["result"] = result
        if error_output is not _NO_VALUE:
            states["errorOutput"] = error_output
        return {**self.frame.variables, "states": states}

    def evaluate(self, template: Any, location: str, result: Any = _NO_VALUE) -> Any:
        return render(template, self.bindings(result), self.run.rng, location)

    def event(
        self,
        event_type: str,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        becomes_source: bool = True,
    ) -> int:
        return self.run.event(
            self.frame, event_type, details_key, details, becomes_source=becomes_source
        )

    def fail(self, failure: RuntimeFailure) -> StateFailure:
        error = located(failure, self.name, self.entered_id)
        if isinstance(failure, QueryFailure):
            if not failure.after_entered:
                self.frame.thread.source = self.entered_previous
            details = {"error": error.error, "cause": error.cause, "state": self.name}
            if failure.location is not None:
                details["location"] = failure.location
            self.event("EvaluationFailed", "evaluationFailedEventDetails", details)
        return StateFailure(error)


def enter_state(run: Run, frame: Frame, branch: Branch, name: str, raw_input: Any) -> StateRun:
    state = branch.states[name]
    previous = frame.thread.source
    entered_id = run.event(
        frame,
        f"{state['Type']}StateEntered",
        "stateEnteredEventDetails",
        {"name": name, "input": json_text(raw_input), "inputDetails": {"truncated": False}},
    )
    return StateRun(run, frame, branch, name, state, raw_input, entered_id, run.clock.now, previous)


def finish(
    current: StateRun, output: Any, assigned: dict[str, Any] | None = None, target: Any = None
) -> Outcome:
    """Record the exited event (with the variables assigned) and say where to go."""
    details: dict[str, Any] = {
        "name": current.name,
        "output": json_text(output),
        "outputDetails": {"truncated": False},
    }
    if assigned:
        current.frame.variables.update(assigned)
        details["assignedVariables"] = {k: json_text(v) for k, v in assigned.items()}
        details["assignedVariablesDetails"] = {"truncated": False}
    current.event(f"{current.state_type}StateExited", "stateExitedEventDetails", details)
    next_state = target if target is not None else current.state.get("Next")
    if isinstance(next_state, str) and (target is not None or not current.state.get("End")):
        return Next(next_state, output)
    return End(output)


def assign_jsonpath(current: StateRun, assign: Any, data: Any) -> dict[str, Any] | None:
    if not isinstance(assign, dict):
        return None
    rendered = render_template(assign, data, current.scope())
    return dict(rendered) if isinstance(rendered, dict) else None


def conclude(
    current: StateRun,
    result: Any,
    *,
    target: str | None = None,
    fields: dict[str, Any] | None = None,
) -> Outcome:
    """End a state that produced `result`: Assign, then ResultPath/OutputPath or JSONata Output.
    `fields` holds Assign/Output when they come from elsewhere (a Choice rule)."""
    fields = current.state if fields is None else fields
    try:
        if current.jsonata:
            assigned = _assign_jsonata(current, fields.get("Assign"), result)
            output = result
            if "Output" in fields:
                output = current.evaluate(fields["Output"], "Output", result)
        else:
            assigned = assign_jsonpath(current, fields.get("Assign"), result)
            scope = current.scope()
            combined = apply_result_path(current.state, current.raw_input, result, scope)
            output = apply_output_path(current.state, combined, scope)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    return finish(current, output, assigned, target)


def _assign_jsonata(
    current: StateRun, assign: Any, result: Any = _NO_VALUE, error_output: Any = _NO_VALUE
) -> dict[str, Any] | None:
    if not isinstance(assign, dict):
        return None
    bindings = current.bindings(result, error_output)
    return {
        name: render(value, bindings, current.run.rng, f"Assign/{name}")
        for name, value in assign.items()
    }


def retry_delay(retrier: dict[str, Any], attempt: int, current: StateRun) -> float:
    interval = float(retrier.get("IntervalSeconds", 1))
    rate = float(retrier.get("BackoffRate", 2.0))
    delay = interval * (rate**attempt)
    if "MaxDelaySeconds" in retrier:
        delay = min(delay, float(retrier["MaxDelaySeconds"]))
    if retrier.get("JitterStrategy") == "FULL":
        delay = current.run.rng.uniform(0, delay)
    return delay


def with_retry_and_catch(
    current: StateRun,
    attempt: Callable[[int], Any],
    on_failed: Callable[[StatesError], None],
    *,
    number: int = 0,
    counts: dict[str, int] | None = None,
    first: Callable[[int], Any] | None = None,
) -> Outcome:
    """Run `attempt(n)` until it returns a result, retrying as the Retry field says. A failure
    no retrier takes is reported through `on_failed` (e.g. ParallelStateFailed) and then caught
    or raised. A task that parks for a callback suspends with what it needs to go on: resuming,
    `first` delivers the callback's answer for attempt `number`, with the retriers' `counts`."""
    counts = {} if counts is None else counts
    if current.resume is not None and current.resume.get("kind") == "retry":
        number, counts = int(current.resume["attempt"]), dict(current.resume["counts"])
        current.resume = None
    while True:
        run_attempt, first = first or attempt, None
        try:
            result = run_attempt(number)
        except Park as park:
            if current.frame.can_suspend:
                return _suspend_for_callback(current, park, number, counts)
            first = _settled_in_branch(current, park)
            continue
        except RuntimeFailure as failure:
            stopped = current.fail(failure)
            if isinstance(failure, QueryFailure):
                on_failed(stopped.error)
            raise stopped from None
        except StatesError as error:
            delay = _next_retry(current, error, counts)
            if delay is None:
                on_failed(error)
                return _catch_or_raise(current, error)
            wake = current.run.clock.now + timedelta(seconds=delay)
            if current.frame.can_suspend and delay > 0:
                # A top-level back-off is a deadline: the stepper comes back at `wake`.
                return Suspend(wake, {"kind": "retry", "attempt": number + 1, "counts": counts})
            pause_until(current.run.clock, wake)
            number += 1
            continue
        return conclude(current, result)


def _suspend_for_callback(
    current: StateRun, park: Park, number: int, counts: dict[str, int]
) -> Outcome:
    deadline = park.waiting.get("deadline")
    resume = {"kind": "task", "attempt": number, "counts": counts, "waiting": park.waiting}
    return Suspend(parse_iso(deadline) if deadline else None, resume)


def _settled_in_branch(current: StateRun, park: Park) -> Callable[[int], Any]:
    """A callback inside a branch: while the top-level state is replayed, the answer that has
    arrived for its token (or its deadline, once passed) ends the task; otherwise the whole
    top-level state waits (ParkedInBranch)."""
    run = current.run
    token = str(park.waiting.get("token"))
    waiting = _with_heartbeat(dict(park.waiting), run.heartbeats.get(token))
    if token in run.workers:  # an activity a worker already took (GetActivityTask)
        waiting["worker"] = run.workers[token]
    answer = run.answers.get(token)
    deadline = parse_iso(waiting["deadline"]) if waiting.get("deadline") else None
    if answer is not None and (deadline is None or parse_iso(answer["at"]) < deadline):
        pause_until(run.clock, parse_iso(answer["at"]))
        if answer.get("worker") is not None:
            waiting["worker"] = answer["worker"]
        waiting["answer"] = {k: v for k, v in answer.items() if k not in ("at", "worker")}
    elif (
        deadline is not None
        and run.step_now is not None
        and run.step_now + ANSWER_DELAY >= deadline
    ):
        # Passed by the time this step takes answers: other work may run up to then (_waits).
        pause_until(run.clock, deadline)
    else:
        raise _waits(run, ParkedInBranch(waiting))
    finish = park.finish
    assert finish is not None, "only a Task parks"

    def settled(number: int) -> Any:
        return finish(waiting)

    return settled


def _waits(run: Run, parked: ParkedInBranch) -> ParkedInBranch:
    """A callback in a branch waits for an answer that has not come. The first one stops the
    top-level state; until it stops, the other branches do only what is due by this moment, or
    by the time this step takes its answers if later. The snapshot's time then covers it, and
    an answer is always taken after the snapshot's time (replay_position), so nothing published
    can be contradicted when the state is replayed with an answer."""
    clock = run.clock
    if clock.waiting is None:
        clock.waiting = parked
        answers_at = None if run.step_now is None else run.step_now + ANSWER_DELAY
        clock.horizon = clock.now if answers_at is None else max(clock.now, answers_at)
    token = parked.waiting.get("token")
    if all(other.waiting.get("token") != token for other, _ in clock.all_waiting):
        clock.all_waiting.append((parked, fiber_chain()))
    return parked


def _with_heartbeat(waiting: dict[str, Any], heartbeat_at: str | None) -> dict[str, Any]:
    """A waiting task's record with the heartbeat deadline SendTaskHeartbeat pushed out."""
    current = waiting.get("heartbeatAt")
    if heartbeat_at is not None and current and parse_iso(heartbeat_at) > parse_iso(current):
        waiting["heartbeatAt"] = heartbeat_at
        waiting["deadline"] = earliest_deadline(waiting)
    return waiting


def _next_retry(current: StateRun, error: StatesError, counts: dict[str, int]) -> float | None:
    for index, retrier in enumerate(current.state.get("Retry") or []):
        if not error_matches(list(retrier.get("ErrorEquals", [])), error.error):
            continue
        used = counts.get(str(index), 0)
        if used >= int(retrier.get("MaxAttempts", 3)):
            return None
        counts[str(index)] = used + 1
        return retry_delay(retrier, used, current)
    return None


def _catch_or_raise(current: StateRun, error: StatesError) -> Outcome:
    for catcher in current.state.get("Catch") or []:
        if not error_matches(list(catcher.get("ErrorEquals", [])), error.error):
            continue
        error_output = error.error_output()
        try:
            if current.jsonata:
                bindings = current.bindings(error_output=error_output)
                assigned = _assign_jsonata(
                    current, catcher.get("Assign"), error_output=error_output
                )
                output = error_output
                if "Output" in catcher:
                    output = render(catcher["Output"], bindings, current.run.rng, "Output")
            else:
                assigned = assign_jsonpath(current, catcher.get("Assign"), error_output)
                scope = current.scope()
                output = apply_result_path(catcher, current.raw_input, error_output, scope)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None
        return finish(current, output, assigned, target=str(catcher["Next"]))
    raise StateFailure(error)
