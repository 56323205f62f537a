"""The typed model of an Amazon States Language definition (frozen dataclasses).

Build one with ``stepscope.asl.build_model.build_state_machine(data)``; it never raises on bad
shapes, so a broken definition still yields a model that can be drawn and inspected.
"""

from __future__ import annotations

from stepscope.asl.model.base import (
    QUERY_LANGUAGES,
    Branch,
    Catcher,
    ExecutingState,
    FlowState,
    ItemProcessor,
    JsonPointer,
    NumberOrExpr,
    QueryLanguage,
    Retrier,
    State,
    StatePath,
    StatesBlock,
)
from stepscope.asl.model.machine import StateMachine
from stepscope.asl.model.rules import (
    BOOLEAN_OPERATORS,
    COMPARISON_OPERATORS,
    PATH_OPERATORS,
    TYPE_TEST_OPERATORS,
    AndExpression,
    BooleanExpression,
    ChoiceRule,
    Comparison,
    JsonataCondition,
    NotExpression,
    OrExpression,
    UnrecognizedExpression,
)
from stepscope.asl.model.states import (
    STATE_CLASSES,
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
    UnknownState,
    WaitState,
)


class ModelError(ValueError):
    """The definition's top level is not a JSON object, so there is nothing to model."""


__all__ = [
    "BOOLEAN_OPERATORS",
    "COMPARISON_OPERATORS",
    "PATH_OPERATORS",
    "QUERY_LANGUAGES",
    "STATE_CLASSES",
    "TYPE_TEST_OPERATORS",
    "AndExpression",
    "BooleanExpression",
    "Branch",
    "Catcher",
    "ChoiceRule",
    "ChoiceState",
    "Comparison",
    "ExecutingState",
    "FailState",
    "FlowState",
    "ItemBatcher",
    "ItemProcessor",
    "ItemReader",
    "JsonPointer",
    "JsonataCondition",
    "MapState",
    "ModelError",
    "NotExpression",
    "NumberOrExpr",
    "OrExpression",
    "ParallelState",
    "PassState",
    "QueryLanguage",
    "ResultWriter",
    "Retrier",
    "State",
    "StateMachine",
    "StatePath",
    "StatesBlock",
    "SucceedState",
    "TaskState",
    "UnknownState",
    "UnrecognizedExpression",
    "WaitState",
]
