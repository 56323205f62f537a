"""Distributed Map: the items run as child executions of a Map Run. The parent history records
only MapRunStarted and MapRunSucceeded/Failed, as AWS does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from stepscope.engine.errors import StatesError
from stepscope.engine.recorder import Recorder, Thread
from stepscope.engine.runtime import Branch, Frame, Run, StateFailure
from stepscope.engine.states.common import StateRun

__all__ = ["EXCEEDED", "THRESHOLD_CAUSE", "run_map_run"]

EXCEEDED = "States.ExceedToleratedFailureThreshold"
THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"


def map_run_arn(current: StateRun) -> str:
    execution = current.run.execution
    machine = execution["StateMachine"]["Name"]
    label = current.state.get("Label") or str(uuid.UUID(int=current.run.rng.getrandbits(128)))
    run_id = uuid.UUID(int=current.run.rng.getrandbits(128), version=4)
    return (
        f"arn:aws:states:{execution['region']}:{execution['account']}:mapRun:"
        f"{machine}/{label}:{run_id}"
    )


def run_map_run(
    current: StateRun,
    processor: Branch,
    items: list[Any],
    select_value: Callable[[int, Any], Any],
    tolerated: int | None,
) -> list[Any]:
    from stepscope.engine.branches import run_branch

    current.event("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": map_run_arn(current)})
    outputs: list[Any] = []
    failures = 0
    for index, item in enumerate(items):
        child = _child_run(current.run)
        frame = Frame(Thread(), variables=dict(current.frame.variables))
        try:
            outputs.append(run_branch(child, frame, processor, select_value(index, item)))
        except StateFailure:
            failures += 1
            outputs.append(None)
    if failures > (tolerated or 0):
        details = {"error": EXCEEDED, "cause": THRESHOLD_CAUSE}
        current.event("MapRunFailed", "mapRunFailedEventDetails", details)
        raise StatesError(EXCEEDED, THRESHOLD_CAUSE)
    current.event("MapRunSucceeded")
    return outputs


def _child_run(parent: Run) -> Run:
    """A child execution: same clock, randomness and resolvers; its own (unrecorded) history."""
    return Run(
        definition=parent.definition,
        execution=parent.execution,
        clock=parent.clock,
        recorder=Recorder(),
        rng=parent.rng,
        resolvers=parent.resolvers,
    )
