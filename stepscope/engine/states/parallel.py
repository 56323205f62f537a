"""Parallel: runs every branch on the same input; the result is the list of branch outputs.

Branches run at once within the step, each in its own fiber (stepscope.engine.fibers) and on its
own history thread that starts at ParallelStateStarted, which is how AWS chains their events.
A branch with nothing to wait for runs straight to its end; branches that wait (a task being
dispatched or running, a Wait, a retry's back-off) interleave on the virtual clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import DeferredScope
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import StatesError
from stepscope.engine.fibers import FiberPool, forget_waits
from stepscope.engine.runtime import Frame, Outcome, ParkedInBranch, StateFailure
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]


def execute(current: StateRun) -> Outcome:
    def attempt(number: int) -> Any:
        return _run_branches(current)

    def on_failed(error: StatesError) -> None:
        current.event("ParallelStateFailed")

    return with_retry_and_catch(current, attempt, on_failed)


def _run_branches(current: StateRun) -> Any:
    from stepscope.engine.branches import branch_of, may_wait, run_branch

    effective = _branch_input(current)
    current.event("ParallelStateStarted")
    branches = current.state.get("Branches") or []
    frames = [current.frame.branch() for _ in branches]
    outputs: list[Any] = [None] * len(branches)
    direct = not any(may_wait(branch.get("States") or {}) for branch in branches)
    pool: FiberPool[int] = FiberPool(current.run.clock, direct=direct)

    def runner(frame: Frame, branch: dict[str, Any]) -> Callable[[], Any]:
        return lambda: run_branch(current.run, frame, branch_of(branch), effective)

    for index, branch in enumerate(branches):
        pool.spawn(index, runner(frames[index], branch))
    waiting: list[int] = []  # branches whose callback waits: still running
    try:  # however the state ends, no fiber of it is left behind
        while pool:
            # Once a callback waits, this raises it when only work due later is left.
            finished = pool.next_finished()
            frame = frames[finished.key]
            if finished.error is None:
                outputs[finished.key] = finished.value
                current.frame.thread.join(frame.thread)
                continue
            if isinstance(finished.error, ParkedInBranch):
                waiting.append(finished.key)
                continue
            if not isinstance(finished.error, StateFailure):
                raise finished.error
            still = sorted([*pool.keys(), *waiting])
            # The callbacks that waited in the branches it aborts wait no more.
            forget_waits(current.run.clock, pool.serials([finished.key, *still]))
            _abort(current, finished.error, frame, [frames[index] for index in still])
            raise finished.error.error from None
        if waiting:  # the whole state stops until the answer comes (or its wake)
            raise current.run.clock.waiting
    finally:
        pool.abandon()
    current.frame.thread.source = current.frame.thread.last
    current.event("ParallelStateSucceeded", becomes_source=False)
    if "ResultSelector" in current.state and not current.jsonata:
        return render_template(
            current.state["ResultSelector"], outputs, DeferredScope(current.scope)
        )
    return outputs


def _abort(current: StateRun, failure: StateFailure, failed: Frame, running: list[Frame]) -> None:
    """The Parallel state stops the failed branch's current state, as AWS records it, and the
    current state of every branch still running; all point back to the event that failed."""
    if failure.state_type not in (None, "Fail"):
        current.run.event(failed, f"{failure.state_type}StateAborted", becomes_source=False)
    for frame in running:
        if frame.state_type is not None:
            current.run.event(failed, f"{frame.state_type}StateAborted", becomes_source=False)
    current.frame.thread.join(failed.thread)


def _branch_input(current: StateRun) -> Any:
    if current.jsonata:
        if "Arguments" in current.state:
            return current.evaluate(current.state["Arguments"], "Arguments")
        return current.raw_input
    scope = DeferredScope(current.scope)  # built only if a path reads `$$` or variables
    effective = apply_input_path(current.state, current.raw_input, scope)
    if "Parameters" in current.state:
        effective = render_template(current.state["Parameters"], effective, scope)
    return effective
