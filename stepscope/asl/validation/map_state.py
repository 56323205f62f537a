"""Map states: the item processor (ItemProcessor or the legacy Iterator), items, ItemReader,
ItemBatcher, ResultWriter, concurrency, tolerated failures and Label."""

from __future__ import annotations

from typing import Any

from stepscope.asl.validation.context import child
from stepscope.asl.validation.fields import check_exclusive, unsupported
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.map_parts import (
    check_item_batcher,
    check_item_reader,
    check_result_writer,
)
from stepscope.asl.validation.names import check_label
from stepscope.asl.validation.payload import check_jsonpath_template
from stepscope.asl.validation.retry_catch import check_retry_and_catch
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.typed import expect_int, expect_path
from stepscope.asl.validation.values import is_jsonata, is_number, is_object, show

MODES = ("INLINE", "DISTRIBUTED")
EXECUTION_TYPES = ("STANDARD", "EXPRESS")


def check_map(scope: StateScope) -> None:
    state = scope.state
    _check_processor(scope)
    check_exclusive(scope.context, state, ("ItemSelector", "Parameters"), scope.pointer)
    _check_items(scope)
    _check_limits(scope)
    if "Label" in state:
        check_label(scope.context, scope.walker.registry, state["Label"], scope.at("Label"))
    if "ItemReader" in state:
        check_item_reader(scope, state["ItemReader"], scope.at("ItemReader"))
    if "ItemBatcher" in state:
        check_item_batcher(scope, state["ItemBatcher"], scope.at("ItemBatcher"))
    if "ResultWriter" in state:
        check_result_writer(scope, state["ResultWriter"], scope.at("ResultWriter"))
    if not scope.jsonata and "ResultSelector" in state:
        check_jsonpath_template(scope.context, state["ResultSelector"], scope.at("ResultSelector"))
    check_retry_and_catch(scope)


def _check_processor(scope: StateScope) -> None:
    state = scope.state
    present = [name for name in ("ItemProcessor", "Iterator") if name in state]
    if not present:
        scope.error("These fields are required: [ItemProcessor]")
        return
    if len(present) > 1:
        scope.error("Only one of 'ItemProcessor' and 'Iterator' may be given")
    for name in present:
        processor = state[name]
        if not is_object(processor):
            scope.error(f"'{name}' must be an object, not {show(processor)}", name)
            continue
        extra = frozenset({"ProcessorConfig"})
        if "ProcessorConfig" in processor:
            _check_processor_config(scope, processor["ProcessorConfig"], scope.at(name))
        scope.walker.sub_machine(processor, scope.at(name), extra)


def _check_processor_config(scope: StateScope, config: Any, processor_pointer: str) -> None:
    where = child(processor_pointer, "ProcessorConfig")
    context = scope.context
    if not is_object(config):
        context.error(f"'ProcessorConfig' must be an object, not {show(config)}", where)
        return
    for name in config:
        if name not in ("Mode", "ExecutionType"):
            unsupported(context, name, where)
    mode = config.get("Mode", "INLINE")
    if mode not in MODES:
        context.error(
            f"'Mode' must be INLINE or DISTRIBUTED, not {show(mode)}", child(where, "Mode")
        )
    if "ExecutionType" in config:
        if config["ExecutionType"] not in EXECUTION_TYPES:
            context.error(
                f"'ExecutionType' must be STANDARD or EXPRESS, not {show(config['ExecutionType'])}",
                child(where, "ExecutionType"),
            )
    elif mode == "DISTRIBUTED":
        context.error("A DISTRIBUTED ProcessorConfig must set 'ExecutionType'", where)


def _check_items(scope: StateScope) -> None:
    state, context = scope.state, scope.context
    if scope.jsonata:
        if "Items" in state:
            items = state["Items"]
            if isinstance(items, list):
                check_jsonata_strings(context, items, scope.at("Items"))
            elif is_jsonata(items):
                check_jsonata_strings(context, items, scope.at("Items"))
            else:
                scope.error(
                    f"'Items' must be an array or a JSONata expression, not {show(items)}", "Items"
                )
        if "ItemSelector" in state:
            check_jsonata_strings(context, state["ItemSelector"], scope.at("ItemSelector"))
        return
    expect_path(context, state, "ItemsPath", scope.pointer, reference=True)
    for name in ("ItemSelector", "Parameters"):
        if name in state:
            check_jsonpath_template(context, state[name], scope.at(name))


def _check_limits(scope: StateScope) -> None:
    state, context, pointer = scope.state, scope.context, scope.pointer
    expect_int(context, state, "MaxConcurrency", pointer, low=0, jsonata=scope.jsonata)
    expect_int(context, state, "ToleratedFailureCount", pointer, low=0, jsonata=scope.jsonata)
    expect_int(
        context,
        state,
        "ToleratedFailurePercentage",
        pointer,
        low=0,
        number=True,
        jsonata=scope.jsonata,
    )
    percentage = state.get("ToleratedFailurePercentage")
    if is_number(percentage) and percentage > 100:
        scope.error(
            "'ToleratedFailurePercentage' must be at most 100", "ToleratedFailurePercentage"
        )
    for name in ("MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"):
        expect_path(context, state, name + "Path", pointer, reference=True)
        check_exclusive(context, state, (name, name + "Path"), pointer)
