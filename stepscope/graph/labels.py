"""Short human readings of ASL for the graph: Choice rules, Retry and Catch, resources."""

from __future__ import annotations

import json

from stepscope.asl.model import (
    AndExpression,
    BooleanExpression,
    Catcher,
    Comparison,
    JsonataCondition,
    NotExpression,
    OrExpression,
    Retrier,
)

_SYMBOLS = {
    "Equals": "==",
    "LessThan": "<",
    "GreaterThan": ">",
    "LessThanEquals": "<=",
    "GreaterThanEquals": ">=",
}
_TYPE_TESTS = {
    "IsNull": "null",
    "IsPresent": "present",
    "IsNumeric": "numeric",
    "IsString": "a string",
    "IsBoolean": "a boolean",
    "IsTimestamp": "a timestamp",
}
MAX_EDGE_LABEL = 60
# AWS's defaults for a retrier's missing fields.
DEFAULT_INTERVAL_SECONDS = 1
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_RATE = 2.0


def describe_rule(expression: BooleanExpression) -> str:
    """``$.amount > 1000``, ``not ($.x is null)``, ``$.a > 1 and $.b < 2``, JSONata text..."""
    if isinstance(expression, Comparison):
        return _describe_comparison(expression)
    if isinstance(expression, AndExpression | OrExpression):
        word = " and " if isinstance(expression, AndExpression) else " or "
        parts = [_operand(operand) for operand in expression.operands]
        return word.join(parts) if parts else "(empty)"
    if isinstance(expression, NotExpression):
        if expression.operand is None:
            return "not (?)"
        return f"not ({describe_rule(expression.operand)})"
    if isinstance(expression, JsonataCondition):
        return _describe_condition(expression.condition)
    return "(unrecognized rule)"


def _operand(expression: BooleanExpression) -> str:
    text = describe_rule(expression)
    if isinstance(expression, AndExpression | OrExpression):
        return f"({text})"
    return text


def _describe_comparison(comparison: Comparison) -> str:
    variable = comparison.variable or "?"
    operator = comparison.operator
    if operator in _TYPE_TESTS:
        negation = "" if comparison.value is True else "not "
        return f"{variable} is {negation}{_TYPE_TESTS[operator]}"
    if operator == "StringMatches":
        return f"{variable} matches {_literal(comparison.value)}"
    base = operator.removesuffix("Path")
    for suffix, symbol in _SYMBOLS.items():
        kind = base.removesuffix(suffix)
        if kind + suffix == base and kind in ("String", "Numeric", "Boolean", "Timestamp"):
            right = _right_side(comparison, kind)
            return f"{variable} {symbol} {right}"
    return f"{variable} {operator} {_literal(comparison.value)}"


def _right_side(comparison: Comparison, kind: str) -> str:
    if comparison.compares_to_path:
        return comparison.value if isinstance(comparison.value, str) else _literal(comparison.value)
    if kind == "Timestamp":
        return f"time {_literal(comparison.value)}"
    return _literal(comparison.value)


def _literal(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _describe_condition(condition: object) -> str:
    if isinstance(condition, str):
        text = condition.strip()
        if text.startswith("{%") and text.endswith("%}"):
            text = text[2:-2].strip()
        return " ".join(text.split()) or "(empty)"
    return _literal(condition)


def shorten(text: str, limit: int = MAX_EDGE_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe_errors(error_equals: tuple[str, ...]) -> str:
    return ", ".join(error_equals) if error_equals else "(no ErrorEquals)"


def catch_label(catcher: Catcher) -> str:
    return "catch " + describe_errors(catcher.error_equals)


def retry_line(retriers: tuple[Retrier, ...]) -> str | None:
    """The line drawn on a node with Retry, e.g. ``↻ ×3 · 2s, backoff 2``."""
    if not retriers:
        return None
    first = retriers[0]
    attempts = _number(_or_default(first.max_attempts, DEFAULT_MAX_ATTEMPTS))
    interval = _number(_or_default(first.interval_seconds, DEFAULT_INTERVAL_SECONDS))
    backoff = _number(_or_default(first.backoff_rate, DEFAULT_BACKOFF_RATE))
    line = f"↻ ×{attempts} · {interval}s, backoff {backoff}"
    if len(retriers) > 1:
        line += f" (+{len(retriers) - 1} more)"
    return line


def retry_tooltip(retriers: tuple[Retrier, ...]) -> str:
    return "\n".join("Retry " + describe_retrier(retrier) for retrier in retriers)


def describe_retrier(retrier: Retrier) -> str:
    attempts = _or_default(retrier.max_attempts, DEFAULT_MAX_ATTEMPTS)
    interval = _or_default(retrier.interval_seconds, DEFAULT_INTERVAL_SECONDS)
    backoff = _or_default(retrier.backoff_rate, DEFAULT_BACKOFF_RATE)
    text = (
        f"{describe_errors(retrier.error_equals)}: up to {_number(attempts)} attempts, "
        f"first after {_number(interval)}s, backoff ×{_number(backoff)}"
    )
    if retrier.max_delay_seconds is not None:
        text += f", max delay {_number(retrier.max_delay_seconds)}s"
    if retrier.jitter_strategy is not None:
        text += f", jitter {retrier.jitter_strategy}"
    return text


def _or_default(value: int | float | None, default: int | float) -> int | float:
    return default if value is None else value


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def short_resource(resource: str | None) -> str | None:
    """``arn:aws:states:::lambda:invoke.waitForTaskToken`` -> ``lambda:invoke.waitForTaskToken``;
    a Lambda function ARN -> ``lambda MyFunction``; anything else as given."""
    if resource is None:
        return None
    parts = resource.split(":")
    if len(parts) >= 6 and parts[0] == "arn":
        service, rest = parts[2], parts[5:]
        if service == "states" and rest:
            return ":".join(rest)
        if service == "lambda" and len(rest) >= 2 and rest[0] == "function":
            return "lambda " + rest[1]
        return f"{service} {':'.join(rest)}"
    return resource
