"""Map (inline): runs the item processor once per item of ItemsPath, in order, each iteration on
its own history thread, and collects the outputs."""

from __future__ import annotations

import math
from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError, quote_json
from stepscope.engine.runtime import Frame, Outcome, StateFailure
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]

EXCEEDED = "States.ExceedToleratedFailureThreshold"


def execute(current: StateRun) -> Outcome:
    def attempt(number: int) -> Any:
        return _run_items(current)

    def on_failed(error: StatesError) -> None:
        current.event("MapStateFailed")

    return with_retry_and_catch(current, attempt, on_failed)


def _items(current: StateRun, effective: Any) -> list[Any]:
    scope = current.scope()
    items = select(current.state.get("ItemsPath", "$"), effective, scope)
    if not isinstance(items, list):
        raise RuntimeFailure(f"Map state input must be an array but was: {quote_json(items)}")
    return items


def _tolerated(current: StateRun, effective: Any, total: int) -> int:
    scope = current.scope()
    count = current.state.get("ToleratedFailureCount")
    if "ToleratedFailureCountPath" in current.state:
        count = select(current.state["ToleratedFailureCountPath"], effective, scope)
    percentage = current.state.get("ToleratedFailurePercentage")
    if "ToleratedFailurePercentagePath" in current.state:
        percentage = select(current.state["ToleratedFailurePercentagePath"], effective, scope)
    limits = []
    if isinstance(count, (int, float)) and not isinstance(count, bool):
        limits.append(int(count))
    if isinstance(percentage, (int, float)) and not isinstance(percentage, bool):
        limits.append(math.floor(total * float(percentage) / 100))
    return max(limits) if limits else 0


def _run_items(current: StateRun) -> Any:
    from stepscope.engine.branches import branch_of

    scope = current.scope()
    effective = apply_input_path(current.state, current.raw_input, scope)
    items = _items(current, effective)
    tolerated = _tolerated(current, effective, len(items))
    processor = branch_of(current.state.get("ItemProcessor") or current.state["Iterator"])
    selector = current.state.get("ItemSelector", current.state.get("Parameters"))
    current.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    thread = current.frame.thread
    outputs: list[Any] = []
    failures = 0
    for index, item in enumerate(items):
        try:
            outputs.append(_iteration(current, processor, selector, effective, index, item))
        except StateFailure as failure:
            failures += 1
            if failures > tolerated:
                if tolerated or "ToleratedFailureCount" in current.state:
                    raise StatesError(
                        EXCEEDED, "The specified tolerated failure threshold was exceeded"
                    ) from None
                raise failure.error from None
            outputs.append(None)
    thread.source = thread.last
    current.event("MapStateSucceeded", becomes_source=False)
    if "ResultSelector" in current.state:
        return render_template(current.state["ResultSelector"], outputs, current.scope())
    return outputs


def _iteration(
    current: StateRun, processor: Any, selector: Any, effective: Any, index: int, item: Any
) -> Any:
    from stepscope.engine.branches import run_branch

    thread = current.frame.thread
    item_context = {"Map": {"Item": {"Index": index, "Value": item}}}
    value = item
    if selector is not None:
        scope = current.scope()
        scope.context.update(item_context)
        try:
            value = render_template(selector, effective, scope)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None
    frame = Frame(thread.child(), dict(current.frame.extra_context))
    details = {"index": index, "name": current.name}
    current.run.event(frame, "MapIterationStarted", "mapIterationStartedEventDetails", details)
    try:
        output = run_branch(current.run, frame, processor, value)
    except StateFailure:
        current.run.event(
            frame,
            "MapIterationFailed",
            "mapIterationFailedEventDetails",
            details,
            becomes_source=False,
        )
        thread.source, thread.last = frame.thread.source, frame.thread.last
        raise
    current.run.event(
        frame,
        "MapIterationSucceeded",
        "mapIterationSucceededEventDetails",
        details,
        becomes_source=False,
    )
    thread.source, thread.last = frame.thread.source, frame.thread.last
    return output
