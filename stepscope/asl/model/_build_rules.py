"""Build Choice rules from their JSON (tolerantly: any shape gives some expression)."""

from __future__ import annotations

from collections.abc import Mapping

from stepscope.asl.model._read import (
    EMPTY,
    as_object,
    child_pointer,
    read_list,
    read_object,
    read_str,
)
from stepscope.asl.model.rules import (
    COMPARISON_OPERATORS,
    AndExpression,
    BooleanExpression,
    ChoiceRule,
    Comparison,
    JsonataCondition,
    NotExpression,
    OrExpression,
    UnrecognizedExpression,
)

_OPERATOR_SET = frozenset(COMPARISON_OPERATORS)
MAX_RULE_DEPTH = 64


def build_choice_rule(value: object, pointer: str) -> ChoiceRule:
    raw = as_object(value) or EMPTY
    return ChoiceRule(
        pointer=pointer,
        raw=raw,
        test=build_expression(value, pointer),
        next=read_str(raw, "Next"),
        comment=read_str(raw, "Comment"),
        assign=read_object(raw, "Assign"),
        output=raw.get("Output"),
    )


def build_expression(value: object, pointer: str, depth: int = 0) -> BooleanExpression:
    raw = as_object(value)
    if raw is None or depth > MAX_RULE_DEPTH:
        return UnrecognizedExpression(pointer=pointer, raw=raw or EMPTY)
    if "Condition" in raw:
        return JsonataCondition(pointer=pointer, raw=raw, condition=raw["Condition"])
    for combinator in ("And", "Or"):
        if combinator in raw:
            return _build_combination(raw, combinator, pointer, depth)
    if "Not" in raw:
        operand = None
        if as_object(raw["Not"]) is not None:
            operand = build_expression(raw["Not"], child_pointer(pointer, "Not"), depth + 1)
        return NotExpression(pointer=pointer, raw=raw, operand=operand)
    return _build_comparison(raw, pointer)


def _build_combination(
    raw: Mapping[str, object], combinator: str, pointer: str, depth: int
) -> BooleanExpression:
    operands = tuple(
        build_expression(item, child_pointer(pointer, combinator, index), depth + 1)
        for index, item in enumerate(read_list(raw, combinator))
    )
    if combinator == "And":
        return AndExpression(pointer=pointer, raw=raw, operands=operands)
    return OrExpression(pointer=pointer, raw=raw, operands=operands)


def _build_comparison(raw: Mapping[str, object], pointer: str) -> BooleanExpression:
    operator = next((key for key in raw if key in _OPERATOR_SET), None)
    if operator is None:
        return UnrecognizedExpression(pointer=pointer, raw=raw)
    return Comparison(
        pointer=pointer,
        raw=raw,
        variable=read_str(raw, "Variable"),
        operator=operator,
        value=raw[operator],
    )
