"""The concrete state classes, one per ASL ``Type``, plus ``UnknownState``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stepscope.asl.model.base import (
    Branch,
    ExecutingState,
    FlowState,
    ItemProcessor,
    NumberOrExpr,
    State,
    StatesBlock,
)
from stepscope.asl.model.rules import ChoiceRule


@dataclass(frozen=True, kw_only=True)
class PassState(FlowState):
    result: object = None
    result_path: str | None = None
    parameters: object = None


@dataclass(frozen=True, kw_only=True)
class TaskState(ExecutingState):
    resource: str | None = None
    timeout_seconds: NumberOrExpr | None = None
    timeout_seconds_path: str | None = None
    heartbeat_seconds: NumberOrExpr | None = None
    heartbeat_seconds_path: str | None = None
    credentials: object = None

    @property
    def waits_for_task_token(self) -> bool:
        return self.resource is not None and self.resource.endswith(".waitForTaskToken")

    @property
    def is_sync(self) -> bool:
        return self.resource is not None and (
            self.resource.endswith(".sync") or ".sync:" in self.resource
        )


@dataclass(frozen=True, kw_only=True)
class ChoiceState(State):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None

    def transitions(self) -> tuple[str, ...]:
        targets = [rule.next for rule in self.choices if rule.next is not None]
        if self.default is not None:
            targets.append(self.default)
        return tuple(targets)


@dataclass(frozen=True, kw_only=True)
class WaitState(FlowState):
    seconds: NumberOrExpr | None = None
    seconds_path: str | None = None
    timestamp: str | None = None
    timestamp_path: str | None = None


@dataclass(frozen=True, kw_only=True)
class SucceedState(State):
    pass


@dataclass(frozen=True, kw_only=True)
class FailState(State):
    error: str | None = None
    error_path: str | None = None
    cause: str | None = None
    cause_path: str | None = None


@dataclass(frozen=True, kw_only=True)
class ParallelState(ExecutingState):
    branches: tuple[Branch, ...] = ()

    def blocks(self) -> tuple[StatesBlock, ...]:
        return self.branches


@dataclass(frozen=True, kw_only=True)
class ItemReader:
    resource: str | None
    raw: Mapping[str, object]
    reader_config: Mapping[str, object] | None = None
    parameters: object = None
    arguments: object = None


@dataclass(frozen=True, kw_only=True)
class ItemBatcher:
    raw: Mapping[str, object]
    max_items_per_batch: NumberOrExpr | None = None
    max_items_per_batch_path: str | None = None
    max_input_bytes_per_batch: NumberOrExpr | None = None
    max_input_bytes_per_batch_path: str | None = None
    batch_input: object = None


@dataclass(frozen=True, kw_only=True)
class ResultWriter:
    raw: Mapping[str, object]
    resource: str | None = None
    parameters: object = None
    arguments: object = None
    writer_config: Mapping[str, object] | None = None


@dataclass(frozen=True, kw_only=True)
class MapState(ExecutingState):
    """A Map. ``processor`` is the ``ItemProcessor`` or, failing that, the legacy ``Iterator``."""

    processor: ItemProcessor | None = None
    items_path: str | None = None
    items: object = None
    item_selector: object = None
    item_reader: ItemReader | None = None
    item_batcher: ItemBatcher | None = None
    result_writer: ResultWriter | None = None
    label: str | None = None
    max_concurrency: NumberOrExpr | None = None
    max_concurrency_path: str | None = None
    tolerated_failure_count: NumberOrExpr | None = None
    tolerated_failure_count_path: str | None = None
    tolerated_failure_percentage: NumberOrExpr | None = None
    tolerated_failure_percentage_path: str | None = None

    @property
    def is_distributed(self) -> bool:
        return self.processor is not None and self.processor.is_distributed

    def blocks(self) -> tuple[StatesBlock, ...]:
        return (self.processor,) if self.processor is not None else ()


@dataclass(frozen=True, kw_only=True)
class UnknownState(State):
    """A state whose ``Type`` is missing or not one of the eight; ``declared_type`` is what was
    given (when a string). Its ``Next`` is kept so the graph can still draw the edge."""

    declared_type: str | None = None
    next: str | None = None
    end: bool = False

    def transitions(self) -> tuple[str, ...]:
        return (self.next,) if self.next is not None else ()


STATE_CLASSES: Mapping[str, type[State]] = {
    "Pass": PassState,
    "Task": TaskState,
    "Choice": ChoiceState,
    "Wait": WaitState,
    "Succeed": SucceedState,
    "Fail": FailState,
    "Parallel": ParallelState,
    "Map": MapState,
}
