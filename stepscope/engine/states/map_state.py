"""Map: runs the item processor once per item, in order, and collects the outputs. Inline
iterations run on their own history threads; a distributed Map runs them as a Map Run."""

from __future__ import annotations

from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.jsonata_eval import QueryFailure, render
from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError, quote_json
from stepscope.engine.runtime import Outcome, StateFailure
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]

from stepscope.engine.states.map_limits import check_max_concurrency, tolerated_failures
from stepscope.engine.states.map_run import EXCEEDED, THRESHOLD_CAUSE, run_map_run


def execute(current: StateRun) -> Outcome:
    def attempt(number: int) -> Any:
        return _run_items(current)

    def on_failed(error: StatesError) -> None:
        current.event("MapStateFailed")

    return with_retry_and_catch(current, attempt, on_failed)


def _items(current: StateRun, effective: Any) -> list[Any]:
    if current.jsonata and "Items" in current.state:
        items = current.evaluate(current.state["Items"], "Items")
        if not isinstance(items, list):
            expression = current.state["Items"]
            shown = (
                expression[2:-2].strip() if isinstance(expression, str) else quote_json(expression)
            )
            raise QueryFailure(
                f"The JSONata expression '{shown}' specified for the field 'Items' returned an "
                f"unexpected result type. Expected 'array', but was '{_json_type(items)}' for "
                f"value: {quote_json(items)}",
                "Items",
            )
        return items
    items = effective
    if not current.jsonata:
        items = select(current.state.get("ItemsPath", "$"), effective, current.scope())
    if not isinstance(items, list):
        message = f"Map state input must be an array but was: {quote_json(items)}"
        raise QueryFailure(message, None) if current.jsonata else RuntimeFailure(message)
    return items


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _run_items(current: StateRun) -> Any:
    from stepscope.engine.branches import branch_of

    effective = current.raw_input
    if not current.jsonata:
        effective = apply_input_path(current.state, current.raw_input, current.scope())
    check_max_concurrency(current, effective)
    items = _items(current, effective)
    processor_definition = current.state.get("ItemProcessor") or current.state["Iterator"]
    processor = branch_of(processor_definition)
    selector = current.state.get("ItemSelector", current.state.get("Parameters"))
    current.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    tolerated = tolerated_failures(current, effective, len(items))

    def select_value(index: int, item: Any) -> Any:
        if selector is None:
            return item
        item_context = {"Map": {"Item": {"Index": index, "Value": item}}}
        try:
            return _select_item(current, selector, effective, item_context)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None

    config = processor_definition.get("ProcessorConfig") or {}
    if config.get("Mode") == "DISTRIBUTED":
        outputs = run_map_run(current, processor, items, select_value, tolerated)
    else:
        outputs = _run_inline(current, processor, items, select_value, tolerated)
    thread = current.frame.thread
    thread.source = thread.last
    current.event("MapStateSucceeded", becomes_source=False)
    if "ResultSelector" in current.state and not current.jsonata:
        return render_template(current.state["ResultSelector"], outputs, current.scope())
    return outputs


def _run_inline(
    current: StateRun, processor: Any, items: list[Any], select_value: Any, tolerated: int | None
) -> list[Any]:
    outputs: list[Any] = []
    failures = 0
    for index, item in enumerate(items):
        try:
            outputs.append(_iteration(current, processor, select_value(index, item), index))
        except StateFailure as failure:
            failures += 1
            if failures > (tolerated or 0):
                if tolerated is not None:
                    raise StatesError(EXCEEDED, THRESHOLD_CAUSE) from None
                raise failure.error from None
            outputs.append(None)
    return outputs


def _select_item(
    current: StateRun, selector: Any, effective: Any, item_context: dict[str, Any]
) -> Any:
    if current.jsonata:
        bindings = current.bindings()
        bindings["states"]["context"].update(item_context)
        return render(selector, bindings, current.run.rng, "ItemSelector")
    scope = current.scope()
    scope.context.update(item_context)
    return render_template(selector, effective, scope)


def _iteration(current: StateRun, processor: Any, value: Any, index: int) -> Any:
    from stepscope.engine.branches import run_branch

    thread = current.frame.thread
    frame = current.frame.branch()
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
