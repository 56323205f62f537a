"""Per-type builders for the eight ASL state types (used by ``stepscope.asl.build_model``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from stepscope.asl.model._build_rules import build_choice_rule
from stepscope.asl.model._read import (
    EMPTY,
    as_object,
    child_pointer,
    read_bool,
    read_int,
    read_list,
    read_number,
    read_number_or_expr,
    read_object,
    read_str,
    read_str_list,
)
from stepscope.asl.model.base import Branch, Catcher, ItemProcessor, Retrier, State, StatePath
from stepscope.asl.model.states import (
    ChoiceState,
    FailState,
    ItemBatcher,
    ItemReader,
    MapState,
    ParallelState,
    PassState,
    ResultWriter,
    SucceedState,
    TaskState,
    WaitState,
)

Fields = dict[str, Any]


class Nested(Protocol):
    """Builds the blocks of states nested in a Parallel or Map."""

    def block(self, value: object, pointer: str, path: StatePath) -> Fields: ...


def build_typed_state(
    state_type: str | None, raw: Mapping[str, object], common: Fields, nested: Nested
) -> State | None:
    """The state for a known ``Type``, or None when the type is missing or unknown."""
    builder = _BUILDERS.get(state_type or "")
    if builder is None:
        return None
    return builder(raw, dict(common, type=state_type), nested)


def _flow(raw: Mapping[str, object]) -> Fields:
    return {"next": read_str(raw, "Next"), "end": read_bool(raw, "End")}


def _executing(raw: Mapping[str, object], pointer: str) -> Fields:
    return {
        **_flow(raw),
        "parameters": raw.get("Parameters"),
        "arguments": raw.get("Arguments"),
        "result_selector": raw.get("ResultSelector"),
        "result_path": read_str(raw, "ResultPath"),
        "retry": build_retriers(raw, pointer),
        "catch": build_catchers(raw, pointer),
    }


def _pass(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    return PassState(
        **common,
        **_flow(raw),
        result=raw.get("Result"),
        result_path=read_str(raw, "ResultPath"),
        parameters=raw.get("Parameters"),
    )


def _task(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    return TaskState(
        **common,
        **_executing(raw, common["pointer"]),
        resource=read_str(raw, "Resource"),
        timeout_seconds=read_number_or_expr(raw, "TimeoutSeconds"),
        timeout_seconds_path=read_str(raw, "TimeoutSecondsPath"),
        heartbeat_seconds=read_number_or_expr(raw, "HeartbeatSeconds"),
        heartbeat_seconds_path=read_str(raw, "HeartbeatSecondsPath"),
        credentials=raw.get("Credentials"),
    )


def _choice(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    pointer = common["pointer"]
    rules = tuple(
        build_choice_rule(item, child_pointer(pointer, "Choices", index))
        for index, item in enumerate(read_list(raw, "Choices"))
    )
    return ChoiceState(**common, choices=rules, default=read_str(raw, "Default"))


def _wait(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    return WaitState(
        **common,
        **_flow(raw),
        seconds=read_number_or_expr(raw, "Seconds"),
        seconds_path=read_str(raw, "SecondsPath"),
        timestamp=read_str(raw, "Timestamp"),
        timestamp_path=read_str(raw, "TimestampPath"),
    )


def _succeed(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    return SucceedState(**common)


def _fail(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    return FailState(
        **common,
        error=read_str(raw, "Error"),
        error_path=read_str(raw, "ErrorPath"),
        cause=read_str(raw, "Cause"),
        cause_path=read_str(raw, "CausePath"),
    )


def _parallel(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    pointer, path = common["pointer"], common["path"]
    branches = tuple(
        Branch(
            index=index,
            **nested.block(item, child_pointer(pointer, "Branches", index), path + (index,)),
        )
        for index, item in enumerate(read_list(raw, "Branches"))
    )
    return ParallelState(**common, **_executing(raw, pointer), branches=branches)


def _map(raw: Mapping[str, object], common: Fields, nested: Nested) -> State:
    pointer = common["pointer"]
    return MapState(
        **common,
        **_executing(raw, pointer),
        processor=_item_processor(raw, pointer, common["path"], nested),
        items_path=read_str(raw, "ItemsPath"),
        items=raw.get("Items"),
        item_selector=raw.get("ItemSelector"),
        item_reader=_item_reader(read_object(raw, "ItemReader")),
        item_batcher=_item_batcher(read_object(raw, "ItemBatcher")),
        result_writer=_result_writer(read_object(raw, "ResultWriter")),
        label=read_str(raw, "Label"),
        max_concurrency=read_number_or_expr(raw, "MaxConcurrency"),
        max_concurrency_path=read_str(raw, "MaxConcurrencyPath"),
        tolerated_failure_count=read_number_or_expr(raw, "ToleratedFailureCount"),
        tolerated_failure_count_path=read_str(raw, "ToleratedFailureCountPath"),
        tolerated_failure_percentage=read_number_or_expr(raw, "ToleratedFailurePercentage"),
        tolerated_failure_percentage_path=read_str(raw, "ToleratedFailurePercentagePath"),
    )


def _item_processor(
    raw: Mapping[str, object], pointer: str, path: StatePath, nested: Nested
) -> ItemProcessor | None:
    for key, legacy in (("ItemProcessor", False), ("Iterator", True)):
        processor = read_object(raw, key)
        if processor is None:
            continue
        config = read_object(processor, "ProcessorConfig")
        return ItemProcessor(
            **nested.block(processor, child_pointer(pointer, key), path),
            mode=read_str(config or EMPTY, "Mode"),
            execution_type=read_str(config or EMPTY, "ExecutionType"),
            processor_config=config,
            legacy=legacy,
        )
    return None


def _item_reader(raw: Mapping[str, object] | None) -> ItemReader | None:
    if raw is None:
        return None
    return ItemReader(
        raw=raw,
        resource=read_str(raw, "Resource"),
        reader_config=read_object(raw, "ReaderConfig"),
        parameters=raw.get("Parameters"),
        arguments=raw.get("Arguments"),
    )


def _item_batcher(raw: Mapping[str, object] | None) -> ItemBatcher | None:
    if raw is None:
        return None
    return ItemBatcher(
        raw=raw,
        max_items_per_batch=read_number_or_expr(raw, "MaxItemsPerBatch"),
        max_items_per_batch_path=read_str(raw, "MaxItemsPerBatchPath"),
        max_input_bytes_per_batch=read_number_or_expr(raw, "MaxInputBytesPerBatch"),
        max_input_bytes_per_batch_path=read_str(raw, "MaxInputBytesPerBatchPath"),
        batch_input=raw.get("BatchInput"),
    )


def _result_writer(raw: Mapping[str, object] | None) -> ResultWriter | None:
    if raw is None:
        return None
    return ResultWriter(
        raw=raw,
        resource=read_str(raw, "Resource"),
        parameters=raw.get("Parameters"),
        arguments=raw.get("Arguments"),
        writer_config=read_object(raw, "WriterConfig"),
    )


def build_retriers(raw: Mapping[str, object], pointer: str) -> tuple[Retrier, ...]:
    retriers = []
    for index, item in enumerate(read_list(raw, "Retry")):
        rule = as_object(item) or EMPTY
        retriers.append(
            Retrier(
                pointer=child_pointer(pointer, "Retry", index),
                raw=rule,
                error_equals=read_str_list(rule, "ErrorEquals"),
                interval_seconds=read_number(rule, "IntervalSeconds"),
                max_attempts=read_int(rule, "MaxAttempts"),
                backoff_rate=read_number(rule, "BackoffRate"),
                max_delay_seconds=read_number(rule, "MaxDelaySeconds"),
                jitter_strategy=read_str(rule, "JitterStrategy"),
                comment=read_str(rule, "Comment"),
            )
        )
    return tuple(retriers)


def build_catchers(raw: Mapping[str, object], pointer: str) -> tuple[Catcher, ...]:
    catchers = []
    for index, item in enumerate(read_list(raw, "Catch")):
        rule = as_object(item) or EMPTY
        catchers.append(
            Catcher(
                pointer=child_pointer(pointer, "Catch", index),
                raw=rule,
                error_equals=read_str_list(rule, "ErrorEquals"),
                next=read_str(rule, "Next"),
                result_path=read_str(rule, "ResultPath"),
                output=rule.get("Output"),
                assign=read_object(rule, "Assign"),
                comment=read_str(rule, "Comment"),
            )
        )
    return tuple(catchers)


_BUILDERS: Mapping[str, Callable[[Mapping[str, object], Fields, Nested], State]] = {
    "Pass": _pass,
    "Task": _task,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}
