"""Choice rule evaluation: the comparison operators, And/Or/Not, and the Is* tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stepscope.engine.clock import parse_strict_timestamp
from stepscope.engine.dataflow.jsonpath import NoResultsError, compile_path
from stepscope.engine.dataflow.scope import Scope, select
from stepscope.engine.errors import RuntimeFailure

__all__ = ["rule_matches"]

_MISSING = object()


def rule_matches(rule: dict[str, Any], data: Any, scope: Scope) -> bool:
    if "And" in rule:
        return all(rule_matches(r, data, scope) for r in rule["And"])
    if "Or" in rule:
        return any(rule_matches(r, data, scope) for r in rule["Or"])
    if "Not" in rule:
        return not rule_matches(rule["Not"], data, scope)
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        raise RuntimeFailure("A Choice rule has no Variable")
    value = _lookup(variable, data, scope)
    for operator, expected in rule.items():
        if operator in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        return _apply(operator, value, expected, variable, data, scope)
    raise RuntimeFailure(f"A Choice rule on {variable} has no comparison operator")


def _lookup(path: str, data: Any, scope: Scope) -> Any:
    try:
        return select(path, data, scope)
    except RuntimeFailure:
        return _MISSING


def _apply(
    operator: str, value: Any, expected: Any, variable: str, data: Any, scope: Scope
) -> bool:
    if operator == "IsPresent":
        return (value is not _MISSING) == bool(expected)
    if value is _MISSING:
        raise RuntimeFailure(f"Invalid path '{variable}' : {_missing_text(variable)}")
    if operator in _IS_TESTS:
        return _IS_TESTS[operator](value) == bool(expected)
    if operator.endswith("Path"):
        base = operator[: -len("Path")]
        other = _lookup(str(expected), data, scope)
        if other is _MISSING:
            raise RuntimeFailure(f"Invalid path '{expected}' : {_missing_text(str(expected))}")
        return _compare(base, value, other)
    return _compare(operator, value, expected)


def _missing_text(path: str) -> str:
    try:
        return str(NoResultsError(compile_path(path if not path.startswith("$$") else path[1:])))
    except ValueError:
        return "No results for path"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_IS_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: parse_strict_timestamp(v) is not None,
}

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: bool(a == b),
    "LessThan": lambda a, b: bool(a < b),
    "GreaterThan": lambda a, b: bool(a > b),
    "LessThanEquals": lambda a, b: bool(a <= b),
    "GreaterThanEquals": lambda a, b: bool(a >= b),
}


def _compare(operator: str, value: Any, expected: Any) -> bool:
    if operator == "StringMatches":
        return isinstance(value, str) and isinstance(expected, str) and _matches(value, expected)
    if operator == "BooleanEquals":
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    for kind, check, convert in _KINDS:
        if operator.startswith(kind):
            relation = _ORDER.get(operator[len(kind) :])
            if relation is None:
                break
            if not (check(value) and check(expected)):
                return False
            return relation(convert(value), convert(expected))
    raise RuntimeFailure(f"Unknown Choice operator {operator}")


_KINDS: list[tuple[str, Callable[[Any], bool], Callable[[Any], Any]]] = [
    ("String", lambda v: isinstance(v, str), lambda v: v),
    ("Numeric", _is_number, lambda v: v),
    ("Timestamp", lambda v: parse_strict_timestamp(v) is not None, parse_strict_timestamp),
]


def _matches(value: str, pattern: str) -> bool:
    regex, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            regex += re.escape(pattern[index + 1])
            index += 2
            continue
        regex += ".*" if char == "*" else re.escape(char)
        index += 1
    return re.fullmatch(regex, value, re.DOTALL) is not None
