"""Checks for single typed fields: strings, integers in range, booleans, paths, timestamps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stepscope.asl.validation.context import Context, child
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.paths import path_problem
from stepscope.asl.validation.values import is_int, is_jsonata, is_number, show

MAX_SECONDS = 99999999
"""Step Functions' bound on timeouts, intervals and attempts (exclusive)."""

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def is_timestamp(value: Any) -> bool:
    """An RFC 3339 date-time such as 2016-03-14T01:59:00Z."""
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return False
    leap_second = value[17:19] == "60"  # RFC 3339 allows a leap second; datetime does not
    text = value[:17] + "59" + value[19:] if leap_second else value
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def expect_string(
    context: Context, owner: Mapping[str, Any], name: str, pointer: str, *, nonempty: bool = False
) -> bool:
    """`owner[name]`, when present, must be a string (non-empty when asked)."""
    if name not in owner:
        return False
    value = owner[name]
    if not isinstance(value, str):
        context.error(f"'{name}' must be a string, not {show(value)}", child(pointer, name))
        return False
    if nonempty and not value:
        context.error(f"'{name}' may not be empty", child(pointer, name))
        return False
    return True


def expect_bool(context: Context, owner: Mapping[str, Any], name: str, pointer: str) -> None:
    if name in owner and not isinstance(owner[name], bool):
        context.error(f"'{name}' must be a boolean, not {show(owner[name])}", child(pointer, name))


def expect_int(
    context: Context,
    owner: Mapping[str, Any],
    name: str,
    pointer: str,
    *,
    low: int | None = None,
    below: int | None = None,
    jsonata: bool = False,
    number: bool = False,
) -> None:
    """`owner[name]`, when present, must be an integer (any number when `number`) in
    [low, below), or, when `jsonata`, a JSONata expression."""
    if name not in owner:
        return
    value = owner[name]
    where = child(pointer, name)
    if jsonata and is_jsonata(value):
        check_jsonata_strings(context, value, where)
        return
    valid_type = is_number(value) if number else is_int(value)
    if not valid_type:
        kind = "a number" if number else "an integer"
        suffix = " or a JSONata expression" if jsonata else ""
        context.error(f"'{name}' must be {kind}{suffix}, not {show(value)}", where)
        return
    if low is not None and value < low:
        context.error(f"'{name}' must be at least {low}, got {value}", where)
    if below is not None and value >= below:
        context.error(f"'{name}' must be less than {below}, got {value}", where)


def expect_path(
    context: Context,
    owner: Mapping[str, Any],
    name: str,
    pointer: str,
    *,
    reference: bool,
    nullable: bool = False,
    variables: bool = True,
    context_object: bool = True,
) -> None:
    """`owner[name]`, when present, must be a valid Path (or ReferencePath), or null if allowed."""
    if name not in owner:
        return
    value = owner[name]
    where = child(pointer, name)
    if value is None and nullable:
        return
    kind = "a reference path" if reference else "a JSONPath"
    if not isinstance(value, str):
        context.error(f"'{name}' must be {kind}, not {show(value)}", where)
        return
    problem = path_problem(value, reference=reference, variables=variables, context=context_object)
    if problem:
        context.error(f"'{name}' must be {kind}: {value!r} {problem}", where)


def expect_object(context: Context, owner: Mapping[str, Any], name: str, pointer: str) -> bool:
    if name not in owner:
        return False
    if not isinstance(owner[name], Mapping):
        context.error(f"'{name}' must be an object, not {show(owner[name])}", child(pointer, name))
        return False
    return True
