"""Payload templates (Parameters, ResultSelector, ItemSelector, Credentials, Assign, Arguments).

In JSONPath states a key ending in `.$` takes a Path or an intrinsic function call; a key
without it whose string value looks like one gets the NO_DOLLAR warning. In JSONata states
every `{% ... %}` string is an expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from stepscope.asl.diagnostics import NO_DOLLAR, PASS_RESULT_IS_STATIC
from stepscope.asl.validation.context import Context, child
from stepscope.asl.validation.intrinsics import intrinsic_problem, looks_like_intrinsic
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.paths import path_problem
from stepscope.asl.validation.values import is_object, show

MAX_VARIABLE_NAME = 80
_VARIABLE_NAME_FORBIDDEN = re.compile(r"[\s.$]")
_RESERVED_VARIABLES = {"states"}


def dynamic_value_problem(value: Any, *, variables: bool = True) -> str | None:
    """Why `value` is not a Path or an intrinsic function call, or None when it is one."""
    if not isinstance(value, str):
        return f"must be a JSONPath or an intrinsic function call, not {show(value)}"
    if value.startswith("$"):
        problem = path_problem(value, reference=False, variables=variables)
        return None if problem is None else f"is not a valid JSONPath: {value!r} {problem}"
    if looks_like_intrinsic(value):
        problem = intrinsic_problem(value)
        return None if problem is None else f"is not a valid intrinsic function call: {problem}"
    return f"must be a JSONPath or an intrinsic function call, not {show(value)}"


def check_jsonpath_template(context: Context, template: Any, pointer: str) -> None:
    """A JSONPath payload template: `.$` keys hold paths or intrinsic functions."""
    for key, value, where in _members(template, pointer):
        if key.endswith(".$"):
            problem = dynamic_value_problem(value)
            if problem:
                context.error(f"The value for the field '{key}' {problem}", where)
        elif isinstance(value, str) and _looks_dynamic(value):
            context.warn(
                NO_DOLLAR,
                f"The value for the field '{key}' looks like a JSONPath or an intrinsic "
                f"function, but the field name does not end with '.$'",
                where,
            )


def _looks_dynamic(value: str) -> bool:
    if value.startswith("$.") or value.startswith("$$.") or value.startswith("$["):
        return path_problem(value, reference=False) is None
    return value.startswith("States.") and intrinsic_problem(value) is None


def _members(template: Any, pointer: str) -> Iterator[tuple[str, Any, str]]:
    """Every (key, value, pointer) of every object inside `template`, depth first."""
    pending: list[tuple[Any, str]] = [(template, pointer)]
    while pending:
        value, where = pending.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                item_pointer = child(where, key)
                yield str(key), item, item_pointer
                pending.append((item, item_pointer))
        elif isinstance(value, list):
            pending.extend((item, child(where, index)) for index, item in enumerate(value))


def check_pass_result(context: Context, result: Any, pointer: str) -> None:
    """PASS_RESULT_IS_STATIC: a Pass state's Result is never evaluated."""
    for key, value, where in _members(result, pointer):
        if key.endswith(".$") and isinstance(value, str) and _looks_dynamic(value):
            context.warn(
                PASS_RESULT_IS_STATIC,
                f"The field '{key}' of a Pass state's Result looks like a path, but Result is "
                "static: use Parameters to select values",
                where,
            )


def check_assign(
    context: Context,
    assign: Any,
    pointer: str,
    *,
    jsonata: bool,
    error_output_allowed: bool = False,
) -> None:
    """Assign: an object of variable names; values are templates of the state's language."""
    if not is_object(assign):
        context.error(f"'Assign' must be an object, not {show(assign)}", pointer)
        return
    for key, value in assign.items():
        where = child(pointer, key)
        name = str(key)
        bare = name[:-2] if (not jsonata and name.endswith(".$")) else name
        problem = _variable_name_problem(bare)
        if problem:
            context.error(f"Invalid variable name '{name}': {problem}", where)
        if jsonata:
            check_jsonata_strings(context, value, where, error_output_allowed=error_output_allowed)
        elif name.endswith(".$"):
            problem = dynamic_value_problem(value)
            if problem:
                context.error(f"The value for the variable '{name}' {problem}", where)
        else:
            check_jsonpath_template(context, value, where)


def _variable_name_problem(name: str) -> str | None:
    if not name:
        return "a variable name may not be empty"
    if len(name) > MAX_VARIABLE_NAME:
        return f"a variable name may have at most {MAX_VARIABLE_NAME} characters"
    if _VARIABLE_NAME_FORBIDDEN.search(name):
        return "a variable name may not contain whitespace, '.' or '$'"
    if name in _RESERVED_VARIABLES:
        return f"'{name}' is reserved"
    return None
