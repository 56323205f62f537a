"""Map: runs the item processor once per item, in order, and collects the outputs. Inline
iterations run on their own history threads; a distributed Map runs them as a Map Run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.jsonata_eval import QueryFailure, render
from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import (
    DATA_LIMIT_EXCEEDED,
    PAYLOAD_LIMIT_BYTES,
    RuntimeFailure,
    StatesError,
    quote_json,
)
from stepscope.engine.recorder import json_text
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun, with_retry_and_catch
from stepscope.engine.states.map_batches import prepare_batcher
from stepscope.engine.states.map_inline import run_inline
from stepscope.engine.states.map_items import prepare_reader, read_items
from stepscope.engine.states.map_limits import check_max_concurrency, tolerance
from stepscope.engine.states.map_results import prepare_writer
from stepscope.engine.states.map_run import MapRunPlan, run_map_run

__all__ = ["execute"]


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
    max_concurrency = check_max_concurrency(current, effective)
    reader = prepare_reader(current, effective) if "ItemReader" in current.state else None
    items = None if reader is not None else _items(current, effective)
    processor_definition = current.state.get("ItemProcessor") or current.state["Iterator"]
    processor = branch_of(processor_definition)
    # With an ItemReader the items are only read once the Map Run has started.
    length = 0 if items is None else len(items)
    current.event("MapStateStarted", "mapStateStartedEventDetails", {"length": length})
    tolerated = tolerance(current, effective)
    select_value = _selector(current, effective)

    def load() -> list[Any]:
        if reader is not None:
            return read_items(current, reader, effective)
        return items or []

    config = processor_definition.get("ProcessorConfig") or {}
    if config.get("Mode") == "DISTRIBUTED":
        plan = MapRunPlan(
            load,
            select_value,
            tolerated,
            prepare_batcher(current, effective),
            prepare_writer(current, effective),
            max_concurrency,
        )
        outputs = run_map_run(current, processor, plan)
    else:
        loaded = load()
        outputs = run_inline(
            current, processor, loaded, select_value, tolerated(len(loaded)), max_concurrency
        )
    if len(json_text(outputs).encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{current.name}' returned a result with a size exceeding the "
            "maximum number of bytes service limit.",
        )
    thread = current.frame.thread
    thread.source = thread.last
    current.event("MapStateSucceeded", becomes_source=False)
    if "ResultSelector" in current.state and not current.jsonata:
        return render_template(current.state["ResultSelector"], outputs, current.scope())
    return outputs


def _selector(current: StateRun, effective: Any) -> Callable[[int, Any], Any]:
    selector = current.state.get("ItemSelector", current.state.get("Parameters"))

    def select_value(index: int, item: Any) -> Any:
        if selector is None:
            return item
        item_context = {"Map": {"Item": {"Index": index, "Value": item}}}
        try:
            return _select_item(current, selector, effective, item_context)
        except RuntimeFailure as failure:
            raise current.fail(failure) from None

    return select_value


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
