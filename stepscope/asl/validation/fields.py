"""Which fields each state type accepts, per query language, and the check that enforces it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscope.asl.validation.context import Context, child
from stepscope.asl.validation.values import JSONATA, JSONPATH

COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
TRANSITION = frozenset({"Next", "End"})
ERROR_HANDLING = frozenset({"Retry", "Catch"})
JSONPATH_IO = frozenset({"InputPath", "OutputPath"})
JSONPATH_RESULT = frozenset({"Parameters", "ResultSelector", "ResultPath"})

# state type -> (fields in both languages, JSONPath-only fields, JSONata-only fields)
STATE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "Pass": (
        TRANSITION | {"Assign"},
        JSONPATH_IO | {"Parameters", "ResultPath", "Result"},
        frozenset({"Output"}),
    ),
    "Task": (
        TRANSITION
        | ERROR_HANDLING
        | {"Assign", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials"},
        JSONPATH_IO | JSONPATH_RESULT | {"TimeoutSecondsPath", "HeartbeatSecondsPath"},
        frozenset({"Arguments", "Output"}),
    ),
    "Choice": (
        frozenset({"Choices", "Default", "Assign"}),
        JSONPATH_IO,
        frozenset({"Output"}),
    ),
    "Wait": (
        TRANSITION | {"Assign", "Seconds", "Timestamp"},
        JSONPATH_IO | {"SecondsPath", "TimestampPath"},
        frozenset({"Output"}),
    ),
    "Succeed": (frozenset(), JSONPATH_IO, frozenset({"Output"})),
    "Fail": (frozenset({"Error", "Cause"}), frozenset({"ErrorPath", "CausePath"}), frozenset()),
    "Parallel": (
        TRANSITION | ERROR_HANDLING | {"Assign", "Branches"},
        JSONPATH_IO | JSONPATH_RESULT,
        frozenset({"Arguments", "Output"}),
    ),
    "Map": (
        TRANSITION
        | ERROR_HANDLING
        | {
            "Assign",
            "ItemProcessor",
            "Iterator",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ItemSelector",
            "MaxConcurrency",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "Label",
        },
        JSONPATH_IO
        | JSONPATH_RESULT
        | {
            "ItemsPath",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCountPath",
        },
        frozenset({"Items", "Output"}),
    ),
}

STATE_TYPES = tuple(STATE_FIELDS)


def check_fields(
    context: Context, state: Mapping[str, Any], state_type: str, language: str, pointer: str
) -> None:
    """Report fields the state type does not support, or not in this query language."""
    both, jsonpath_only, jsonata_only = STATE_FIELDS[state_type]
    own, other = (
        (jsonpath_only, jsonata_only) if language == JSONPATH else (jsonata_only, jsonpath_only)
    )
    for name in state:
        if name in COMMON or name in both or name in own:
            continue
        if name in other:
            wrong_language(context, str(name), language, pointer)
        else:
            unsupported(context, str(name), pointer)


def unsupported(context: Context, name: str, owner: str) -> None:
    """AWS reports an unknown field at the object that holds it."""
    context.error(f"Field '{name}' is not supported", owner, focus=child(owner, name))


def wrong_language(context: Context, name: str, language: str, owner: str) -> None:
    """A field of the other query language, reported at the object that holds it."""
    other = JSONATA if language == JSONPATH else JSONPATH
    context.error(
        f"The QueryLanguage is set to '{language}', but field '{name}' is only supported "
        f"for the '{other}' QueryLanguage",
        owner,
        focus=child(owner, name),
    )


def check_object_fields(
    context: Context, value: Mapping[str, Any], allowed: frozenset[str], pointer: str
) -> None:
    """Report fields of a nested object (a Retrier, a Catcher, an ItemReader...) not allowed."""
    for name in value:
        if name not in allowed:
            unsupported(context, str(name), pointer)


def check_exclusive(
    context: Context,
    value: Mapping[str, Any],
    names: tuple[str, ...],
    pointer: str,
    *,
    required: bool = False,
) -> None:
    """At most one (exactly one when `required`) of `names` may appear in `value`."""
    present = [name for name in names if name in value]
    listed = ", ".join(f"'{name}'" for name in names)
    if len(present) > 1:
        context.error(f"Only one of {listed} may be given, found {len(present)}", pointer)
    elif required and not present:
        context.error(f"One of {listed} is required", pointer)
