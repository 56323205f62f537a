"""Choice states and their rules: Variable plus one comparison (JSONPath), a Condition
(JSONata), or And/Or/Not combinations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscope.asl.diagnostics import NO_PATH
from stepscope.asl.validation.fields import unsupported, wrong_language
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.paths import path_problem
from stepscope.asl.validation.payload import check_assign
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.typed import expect_string, is_timestamp
from stepscope.asl.validation.values import JSONATA, JSONPATH, is_number, is_object, show

_COMPARISONS = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
STRING_OPERATORS = frozenset([f"String{c}" for c in _COMPARISONS] + ["StringMatches"])
NUMERIC_OPERATORS = frozenset(f"Numeric{c}" for c in _COMPARISONS)
TIMESTAMP_OPERATORS = frozenset(f"Timestamp{c}" for c in _COMPARISONS)
BOOLEAN_OPERATORS = frozenset({"BooleanEquals"})
TYPE_TESTS = frozenset({"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"})
PATH_OPERATORS = frozenset(
    f"{kind}{c}Path" for kind in ("String", "Numeric", "Timestamp") for c in _COMPARISONS
) | {"BooleanEqualsPath"}
VALUE_OPERATORS = STRING_OPERATORS | NUMERIC_OPERATORS | TIMESTAMP_OPERATORS | BOOLEAN_OPERATORS
OPERATORS = VALUE_OPERATORS | TYPE_TESTS | PATH_OPERATORS
COMBINATORS = ("And", "Or", "Not")
TOP_LEVEL_ONLY = frozenset({"Next", "Assign", "Output"})
MAX_RULE_DEPTH = 50


def check_choice(scope: StateScope) -> None:
    state = scope.state
    expect_string(scope.context, state, "Default", scope.pointer)
    if "Choices" not in state:
        scope.error("These fields are required: [Choices]")
        return
    choices = state["Choices"]
    if not isinstance(choices, list):
        scope.error(f"'Choices' must be an array, not {show(choices)}", "Choices")
        return
    if not choices:
        scope.error("Value cannot be empty", "Choices")
    for index, rule in enumerate(choices):
        where = scope.at("Choices", index)
        if not is_object(rule):
            scope.context.error(f"A Choice rule must be an object, not {show(rule)}", where)
        elif scope.jsonata:
            _check_jsonata_rule(scope, rule, where)
        else:
            _check_top_rule(scope, rule, where)


def _check_jsonata_rule(scope: StateScope, rule: Mapping[str, Any], where: str) -> None:
    context = scope.context
    allowed = {"Condition", "Next", "Assign", "Output", "Comment"}
    for name in rule:
        if name in OPERATORS or name in COMBINATORS or name == "Variable":
            wrong_language(context, name, JSONATA, where)
        elif name not in allowed:
            unsupported(context, name, where)
    _check_rule_next(scope, rule, where)
    if "Condition" not in rule:
        context.error("These fields are required: [Condition]", where)
    else:
        condition = rule["Condition"]
        if isinstance(condition, bool):
            pass
        elif isinstance(condition, str) and condition.startswith("{%"):
            check_jsonata_strings(context, condition, f"{where}/Condition")
            if not condition.endswith("%}"):
                context.error("'Condition' must be a JSONata expression", f"{where}/Condition")
        else:
            context.error(
                f"'Condition' must be a JSONata expression or a boolean, not {show(condition)}",
                f"{where}/Condition",
            )
    if "Output" in rule:
        check_jsonata_strings(context, rule["Output"], f"{where}/Output")
    if "Assign" in rule:
        check_assign(context, rule["Assign"], f"{where}/Assign", jsonata=True)


def _check_rule_next(scope: StateScope, rule: Mapping[str, Any], where: str) -> None:
    if "Next" not in rule:
        scope.context.error("These fields are required: [Next]", where)
    else:
        expect_string(scope.context, rule, "Next", where)


def _check_top_rule(scope: StateScope, rule: Mapping[str, Any], where: str) -> None:
    _check_rule_next(scope, rule, where)
    if "Assign" in rule:
        check_assign(scope.context, rule["Assign"], f"{where}/Assign", jsonata=False)
    if "Output" in rule:
        wrong_language(scope.context, "Output", JSONPATH, where)
    _check_rule(scope, rule, where, top=True, depth=0)


def _check_rule(
    scope: StateScope, rule: Mapping[str, Any], where: str, *, top: bool, depth: int
) -> None:
    context = scope.context
    if depth > MAX_RULE_DEPTH:
        context.error("Choice rules are nested too deeply", where)
        return
    for name in rule:
        if name in TOP_LEVEL_ONLY and not top:
            context.error(f"Field '{name}' is only allowed in a top-level Choice rule", where)
        elif name == "Condition":
            wrong_language(context, "Condition", JSONPATH, where)
        elif (
            name not in OPERATORS
            and name not in COMBINATORS
            and name not in ("Variable", "Comment", *TOP_LEVEL_ONLY)
        ):
            unsupported(context, name, where)
    expect_string(context, rule, "Comment", where)
    combinators = [name for name in COMBINATORS if name in rule]
    operators = [name for name in rule if name in OPERATORS]
    if combinators:
        if operators or "Variable" in rule:
            context.error(
                "A Choice rule must be either a Boolean combination (And, Or, Not) or a "
                "Variable with one comparison operator",
                where,
            )
        for name in combinators:
            _check_combinator(scope, rule[name], f"{where}/{name}", name, depth)
        return
    _check_comparison(scope, rule, where, operators)


def _check_combinator(scope: StateScope, value: Any, where: str, name: str, depth: int) -> None:
    context = scope.context
    if name == "Not":
        if not is_object(value):
            context.error(f"'Not' must hold one Choice rule object, not {show(value)}", where)
        else:
            _check_rule(scope, value, where, top=False, depth=depth + 1)
        return
    if not isinstance(value, list) or not value:
        context.error(f"'{name}' must be a non-empty array of Choice rules", where)
        return
    for index, nested in enumerate(value):
        if is_object(nested):
            _check_rule(scope, nested, f"{where}/{index}", top=False, depth=depth + 1)
        else:
            context.error(
                f"A Choice rule must be an object, not {show(nested)}", f"{where}/{index}"
            )


def _check_comparison(
    scope: StateScope, rule: Mapping[str, Any], where: str, operators: list[str]
) -> None:
    context = scope.context
    if "Variable" not in rule:
        context.error("A Choice rule must have a 'Variable' (or be an And, Or or Not)", where)
    else:
        variable = rule["Variable"]
        problem = (
            path_problem(variable, reference=False)
            if isinstance(variable, str)
            else f"must be a string, not {show(variable)}"
        )
        if problem:
            context.error(f"'Variable' must be a JSONPath: {problem}", f"{where}/Variable")
    if len(operators) != 1:
        context.error(
            f"A Choice rule must have exactly one comparison operator, found {len(operators)}",
            where,
        )
    for operator in operators:
        _check_operand(scope, operator, rule[operator], f"{where}/{operator}")


def _check_operand(scope: StateScope, operator: str, value: Any, where: str) -> None:
    context = scope.context
    if operator in PATH_OPERATORS:
        problem = (
            path_problem(value, reference=True)
            if isinstance(value, str)
            else f"must be a string, not {show(value)}"
        )
        if problem:
            context.error(f"'{operator}' must be a reference path: {problem}", where)
        return
    expected, valid = _operand_type(operator, value)
    if not valid:
        context.error(f"'{operator}' must be {expected}, not {show(value)}", where)
    elif isinstance(value, str) and operator in VALUE_OPERATORS and _looks_like_path(value):
        context.warn(
            NO_PATH,
            f"The value of '{operator}' looks like a path, but the field name does not end "
            "with 'Path'",
            where,
        )


def _operand_type(operator: str, value: Any) -> tuple[str, bool]:
    if operator in STRING_OPERATORS:
        return "a string", isinstance(value, str)
    if operator in NUMERIC_OPERATORS:
        return "a number", is_number(value)
    if operator in TIMESTAMP_OPERATORS:
        return "an RFC 3339 timestamp", is_timestamp(value)
    return "a boolean", isinstance(value, bool)


def _looks_like_path(value: str) -> bool:
    return (value.startswith("$.") or value.startswith("$$.")) and path_problem(
        value, reference=False
    ) is None
