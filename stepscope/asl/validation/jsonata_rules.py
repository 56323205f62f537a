"""JSONata expressions (`{% ... %}`): syntax, and the references Step Functions refuses.

Step Functions gives a JSONata expression no implicit input: a bare field name at the top level
(`{% orderId %}`) is refused, and `$states.errorOutput` exists only inside a Catch.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from jsonata import parser as jsonata_parser

from stepscope.asl.diagnostics import SCHEMA_VALIDATION_FAILED, UNSUPPORTED_JSONATA_EXPRESSION
from stepscope.asl.validation.context import Context, child
from stepscope.asl.validation.values import is_jsonata, jsonata_body

# AST attributes evaluated in the same context as their parent node.
_SAME_CONTEXT = (
    "lhs",
    "rhs",
    "expressions",
    "arguments",
    "procedure",
    "condition",
    "then",
    "_else",
    "expression",
    "update",
    "delete",
    "pattern",
)
# AST attributes evaluated against some other context (a path step, a predicate, a lambda body).
_OTHER_CONTEXT = (
    "body",
    "stages",
    "predicate",
    "expr",
    "terms",
    "group",
    "lhs_object",
    "rhs_object",
    "rhs_terms",
    "focus",
)


_LOCAL = threading.local()


MAX_EXPRESSION_CHARS = 50_000
JSONATA_NOT_CHECKED = "JSONATA_NOT_CHECKED"
"""Stepscope's own warning code (AWS has none): an expression too large to parse here."""

Problem = tuple[str, str]
"""(diagnostic code, message)."""


def jsonata_problems(text: str, *, error_output_allowed: bool) -> list[str]:
    """What is wrong with the JSONata expression string `text` (which starts with {%)."""
    return [message for _code, message in jsonata_coded_problems(text, error_output_allowed)]


def jsonata_coded_problems(text: str, error_output_allowed: bool) -> tuple[Problem, ...]:
    return _analyse(jsonata_body(text), error_output_allowed)


@functools.lru_cache(maxsize=4096)
def _analyse(body: str, error_output_allowed: bool) -> tuple[Problem, ...]:
    if not body.strip():
        return ((SCHEMA_VALIDATION_FAILED, "The JSONata expression is empty"),)
    try:
        tree = _parse(body)
    except RecursionError:
        return ((SCHEMA_VALIDATION_FAILED, "The JSONata expression is nested too deeply"),)
    except Exception as problem:  # noqa: BLE001 - the library raises several exception types
        return ((SCHEMA_VALIDATION_FAILED, f"Invalid JSONata expression: {_describe(problem)}"),)
    return tuple(_reference_problems(tree, error_output_allowed))


def _parse(body: str) -> Any:
    """Parse with this thread's parser (building one costs more than parsing a short
    expression); its per-parse state is reset first, and a failed parser is dropped."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = jsonata_parser.Parser()
    _LOCAL.parser = None
    parser.errors, parser.ancestry = [], []
    parser.ancestor_label = parser.ancestor_index = 0
    tree = parser.parse(body)
    _LOCAL.parser = parser
    return tree


def _describe(problem: Exception) -> str:
    message = str(problem) or type(problem).__name__
    return message.splitlines()[0][:200]


def _reference_problems(tree: Any, error_output_allowed: bool) -> Iterator[Problem]:
    pending: list[tuple[Any, bool]] = [(tree, True)]
    seen = 0
    while pending and seen < 100_000:
        node, at_top = pending.pop()
        seen += 1
        if isinstance(node, list):
            pending.extend((item, at_top) for item in node)
            continue
        if not hasattr(node, "type"):
            continue
        yield from _node_problems(node, at_top, error_output_allowed)
        pending.extend(_children(node, at_top))


def _node_problems(node: Any, at_top: bool, error_output_allowed: bool) -> Iterator[Problem]:
    if node.type == "path" and node.steps:
        first = node.steps[0]
        if (
            not error_output_allowed
            and getattr(first, "type", None) == "variable"
            and first.value == "states"
            and len(node.steps) > 1
            and getattr(node.steps[1], "value", None) == "errorOutput"
        ):
            yield (
                SCHEMA_VALIDATION_FAILED,
                "$states.errorOutput is only available in a Catch's Output and Assign",
            )
    elif node.type == "name" and at_top:
        # AWS's answer, measured: UNSUPPORTED_JSONATA_EXPRESSION "Reference to 'orderId' at
        # the top level is not supported."
        yield (
            UNSUPPORTED_JSONATA_EXPRESSION,
            f"Reference to '{node.value}' at the top level is not supported.",
        )


def _children(node: Any, at_top: bool) -> Iterator[tuple[Any, bool]]:
    if node.type == "path" and node.steps:
        yield node.steps[0], at_top
        yield from ((step, False) for step in node.steps[1:])
        for name in _OTHER_CONTEXT:
            value = getattr(node, name, None)
            if value is not None:
                yield value, False
        return
    constructor = node.type == "unary" and node.value == "{"
    for name in _SAME_CONTEXT + (("lhs_object",) if constructor else ()):
        value = getattr(node, name, None)
        if value is not None:
            yield value, at_top
    for name in _OTHER_CONTEXT:
        value = getattr(node, name, None)
        if value is not None and not (constructor and name == "lhs_object"):
            yield value, False


def check_jsonata_strings(
    context: Context, value: Any, pointer: str, *, error_output_allowed: bool = False
) -> None:
    """Check every JSONata expression string inside `value` (objects and arrays included).

    The JSONata parser is slow on huge input, so one definition gets a bounded amount of
    expression text parsed; an expression past the bound is reported as unchecked."""
    for text, where in _jsonata_strings(value, pointer):
        if len(text) > MAX_EXPRESSION_CHARS or len(text) > context.jsonata_budget:
            context.warn(
                JSONATA_NOT_CHECKED,
                f"This JSONata expression ({len(text)} characters) is too large to check",
                where,
            )
            continue
        context.jsonata_budget -= len(text)
        for code, message in jsonata_coded_problems(text, error_output_allowed):
            context.error(message, where, code)


def _jsonata_strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    pending: list[tuple[Any, str]] = [(value, pointer)]
    while pending:
        current, where = pending.pop()
        if is_jsonata(current):
            yield current, where
        elif isinstance(current, Mapping):
            pending.extend((item, child(where, key)) for key, item in current.items())
        elif isinstance(current, list):
            pending.extend((item, child(where, index)) for index, item in enumerate(current))
