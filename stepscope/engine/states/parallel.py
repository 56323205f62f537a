"""Parallel: runs every branch on the same input; the result is the list of branch outputs.

Branches run one after another within the step, each on its own history thread that starts at
ParallelStateStarted, which is how AWS chains their events."""

from __future__ import annotations

from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import DeferredScope
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import StatesError
from stepscope.engine.runtime import Outcome, StateFailure
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]


def execute(current: StateRun) -> Outcome:
    def attempt(number: int) -> Any:
        return _run_branches(current)

    def on_failed(error: StatesError) -> None:
        current.event("ParallelStateFailed")

    return with_retry_and_catch(current, attempt, on_failed)


def _run_branches(current: StateRun) -> Any:
    from stepscope.engine.branches import branch_of, run_branch

    effective = _branch_input(current)
    current.event("ParallelStateStarted")
    outputs: list[Any] = []
    for branch in current.state.get("Branches") or []:
        frame = current.frame.branch()
        try:
            outputs.append(run_branch(current.run, frame, branch_of(branch), effective))
        except StateFailure as failure:
            if failure.state_type not in (None, "Fail"):
                # The Parallel state stops the failed branch's current state, as AWS records it.
                aborted = f"{failure.state_type}StateAborted"
                current.run.event(frame, aborted, becomes_source=False)
            current.frame.thread.join(frame.thread)
            raise failure.error from None
        current.frame.thread.join(frame.thread)
    current.frame.thread.source = current.frame.thread.last
    current.event("ParallelStateSucceeded", becomes_source=False)
    if "ResultSelector" in current.state and not current.jsonata:
        return render_template(
            current.state["ResultSelector"], outputs, DeferredScope(current.scope)
        )
    return outputs


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
