"""Retry and Catch: retrier and catcher fields, ErrorEquals, and States.ALL placement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscope.asl.validation.fields import check_object_fields, wrong_language
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.payload import check_assign
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.typed import MAX_SECONDS, expect_int, expect_path, expect_string
from stepscope.asl.validation.values import is_number, show

ALL_ERRORS = "States.ALL"
RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_COMMON = frozenset({"ErrorEquals", "Next", "Comment", "Assign"})
CATCHER_JSONPATH = frozenset({"ResultPath"})
CATCHER_JSONATA = frozenset({"Output"})
JITTER_STRATEGIES = ("FULL", "NONE")
MAX_DELAY_SECONDS = 31622401


def check_retry_and_catch(scope: StateScope) -> None:
    if "Retry" in scope.state:
        for index, retrier in _entries(scope, "Retry"):
            _check_retrier(scope, retrier, index)
    if "Catch" in scope.state:
        for index, catcher in _entries(scope, "Catch"):
            _check_catcher(scope, catcher, index)


def _entries(scope: StateScope, field: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = scope.state[field]
    if not isinstance(value, list):
        scope.error(f"'{field}' must be an array, not {show(value)}", field)
        return []
    entries = []
    for index, entry in enumerate(value):
        if isinstance(entry, Mapping):
            entries.append((index, entry))
        else:
            scope.error(f"Each '{field}' entry must be an object, not {show(entry)}", field, index)
    _check_all_errors_last(scope, field, entries, len(value))
    return entries


def _check_all_errors_last(
    scope: StateScope, field: str, entries: list[tuple[int, Mapping[str, Any]]], count: int
) -> None:
    for index, entry in entries:
        errors = entry.get("ErrorEquals")
        if isinstance(errors, list) and ALL_ERRORS in errors and index != count - 1:
            what = "Catcher" if field == "Catch" else "Retrier"
            scope.error(
                f"A {what} with '{ALL_ERRORS}' must be the last one",
                field,
                index,
                "ErrorEquals",
            )


def _check_error_equals(scope: StateScope, entry: Mapping[str, Any], where: str) -> None:
    if "ErrorEquals" not in entry:
        scope.context.error("These fields are required: [ErrorEquals]", where)
        return
    errors = entry["ErrorEquals"]
    pointer = where + "/ErrorEquals"
    if not isinstance(errors, list):
        scope.context.error(f"'ErrorEquals' must be an array, not {show(errors)}", pointer)
        return
    if not errors:
        scope.context.error("Value cannot be empty", pointer)
        return
    for index, name in enumerate(errors):
        if not isinstance(name, str) or not name:
            scope.context.error(
                f"Error names must be non-empty strings, not {show(name)}", f"{pointer}/{index}"
            )
    if ALL_ERRORS in errors and len(errors) > 1:
        scope.context.error(f"'{ALL_ERRORS}' must appear alone in 'ErrorEquals'", pointer)


def _check_retrier(scope: StateScope, retrier: Mapping[str, Any], index: int) -> None:
    context, where = scope.context, scope.at("Retry", index)
    check_object_fields(context, retrier, RETRIER_FIELDS, where)
    _check_error_equals(scope, retrier, where)
    expect_int(context, retrier, "IntervalSeconds", where, low=1, below=MAX_SECONDS)
    expect_int(context, retrier, "MaxAttempts", where, low=0, below=MAX_SECONDS)
    expect_int(context, retrier, "MaxDelaySeconds", where, low=1, below=MAX_DELAY_SECONDS)
    expect_string(context, retrier, "Comment", where)
    if "BackoffRate" in retrier:
        rate = retrier["BackoffRate"]
        if not is_number(rate) or rate < 1:
            context.error(
                f"'BackoffRate' must be a number at least 1.0, not {show(rate)}",
                where + "/BackoffRate",
            )
    if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in JITTER_STRATEGIES:
        context.error(
            f"'JitterStrategy' must be FULL or NONE, not {show(retrier['JitterStrategy'])}",
            where + "/JitterStrategy",
        )


def _check_catcher(scope: StateScope, catcher: Mapping[str, Any], index: int) -> None:
    context, where = scope.context, scope.at("Catch", index)
    own = CATCHER_JSONATA if scope.jsonata else CATCHER_JSONPATH
    other = CATCHER_JSONPATH if scope.jsonata else CATCHER_JSONATA
    for name in catcher:
        if name in other:
            wrong_language(context, name, scope.language, where)
    check_object_fields(context, catcher, CATCHER_COMMON | own | other, where)
    _check_error_equals(scope, catcher, where)
    if "Next" not in catcher:
        context.error("These fields are required: [Next]", where)
    expect_string(context, catcher, "Next", where)
    expect_string(context, catcher, "Comment", where)
    if not scope.jsonata:
        expect_path(
            context,
            catcher,
            "ResultPath",
            where,
            reference=True,
            nullable=True,
            variables=False,
            context_object=False,
        )
    elif "Output" in catcher:
        check_jsonata_strings(
            context, catcher["Output"], where + "/Output", error_output_allowed=True
        )
    if "Assign" in catcher:
        check_assign(
            context,
            catcher["Assign"],
            where + "/Assign",
            jsonata=scope.jsonata,
            error_output_allowed=True,
        )
