"""What every state shares: its entered and exited events, where it goes next, and the Retry and
Catch machinery of Task, Parallel and Map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from stepscope.engine.dataflow.io import apply_output_path, apply_result_path
from stepscope.engine.dataflow.scope import Scope
from stepscope.engine.errors import RuntimeFailure, StatesError, error_matches, located
from stepscope.engine.recorder import json_text
from stepscope.engine.runtime import Branch, End, Frame, Next, Outcome, Run, StateFailure

__all__ = ["StateRun", "enter_state", "finish", "with_retry_and_catch"]


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
    retry_count: int | None = None

    @property
    def state_type(self) -> str:
        return str(self.state["Type"])

    def scope(self) -> Scope:
        scope = self.run.scope(self.frame, self.name, self.entered_time)
        if self.retry_count is not None:
            scope.context["State"]["RetryCount"] = self.retry_count
        return scope

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
        return StateFailure(located(failure, self.name, self.entered_id))


def enter_state(run: Run, frame: Frame, branch: Branch, name: str, raw_input: Any) -> StateRun:
    state = branch.states[name]
    entered_id = run.event(
        frame,
        f"{state['Type']}StateEntered",
        "stateEnteredEventDetails",
        {"name": name, "input": json_text(raw_input), "inputDetails": {"truncated": False}},
    )
    return StateRun(run, frame, branch, name, state, raw_input, entered_id, run.clock.now)


def finish(current: StateRun, output: Any) -> Outcome:
    """Record the exited event and say where to go."""
    current.event(
        f"{current.state_type}StateExited",
        "stateExitedEventDetails",
        {"name": current.name, "output": json_text(output), "outputDetails": {"truncated": False}},
    )
    next_state = current.state.get("Next")
    if isinstance(next_state, str) and not current.state.get("End"):
        return Next(next_state, output)
    return End(output)


def result_to_output(current: StateRun, result: Any) -> Any:
    scope = current.scope()
    combined = apply_result_path(current.state, current.raw_input, result, scope)
    return apply_output_path(current.state, combined, scope)


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
    current: StateRun, attempt: Callable[[int], Any], on_failed: Callable[[StatesError], None]
) -> Outcome:
    """Run `attempt(n)` until it returns a result, retrying as the Retry field says. A failure
    no retrier takes is reported through `on_failed` (e.g. ParallelStateFailed) and then caught
    or raised."""
    counts: dict[int, int] = {}
    number = 0
    while True:
        try:
            result = attempt(number)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None
        except StatesError as error:
            delay = _next_retry(current, error, counts)
            if delay is None:
                on_failed(error)
                return _catch_or_raise(current, error)
            current.run.clock.advance_to(current.run.clock.now + timedelta(seconds=delay))
            number += 1
            continue
        try:
            return finish(current, result_to_output(current, result))
        except RuntimeFailure as failure:
            raise current.fail(failure) from None


def _next_retry(current: StateRun, error: StatesError, counts: dict[int, int]) -> float | None:
    for index, retrier in enumerate(current.state.get("Retry") or []):
        if not error_matches(list(retrier.get("ErrorEquals", [])), error.error):
            continue
        used = counts.get(index, 0)
        if used >= int(retrier.get("MaxAttempts", 3)):
            return None
        counts[index] = used + 1
        return retry_delay(retrier, used, current)
    return None


def _catch_or_raise(current: StateRun, error: StatesError) -> Outcome:
    for catcher in current.state.get("Catch") or []:
        if not error_matches(list(catcher.get("ErrorEquals", [])), error.error):
            continue
        scope = current.scope()
        try:
            output = apply_result_path(catcher, current.raw_input, error.error_output(), scope)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None
        current.event(
            f"{current.state_type}StateExited",
            "stateExitedEventDetails",
            {
                "name": current.name,
                "output": json_text(output),
                "outputDetails": {"truncated": False},
            },
        )
        return Next(str(catcher["Next"]), output)
    raise StateFailure(error)
