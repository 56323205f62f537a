"""The top level of a definition and every (sub-)state machine: StartAt, States and their walk.

Parallel branches and Map item processors are state machines too; their states take the
top-level machine's query language unless they set their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stepscope.asl.diagnostics import (
    DUPLICATE_STATE_NAME,
    MISSING_DESCRIPTION,
    MISSING_TRANSITION_TARGET,
    TOO_DEEPLY_NESTED,
)
from stepscope.asl.validation.context import Context, Registry, child
from stepscope.asl.validation.fields import check_object_fields
from stepscope.asl.validation.names import check_state_name
from stepscope.asl.validation.states import MachineWalker, validate_state
from stepscope.asl.validation.transitions import check_transitions
from stepscope.asl.validation.typed import MAX_SECONDS, expect_int, expect_string
from stepscope.asl.validation.values import JSONPATH, QUERY_LANGUAGES, show

ROOT_FIELDS = frozenset(
    {"Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"}
)
SUB_MACHINE_FIELDS = frozenset({"Comment", "StartAt", "States"})
MAX_MACHINE_DEPTH = 40
"""How deeply Parallel and Map states may nest inside one another."""

NOT_AN_OBJECT = "Definition must be a valid JSON object"

_STATES_KEY = re.compile(r"(?:^|/Branches/\d+|/ItemProcessor|/Iterator)/States/[^/]+$")


def validate_root(context: Context, data: Any, duplicate_keys: tuple[str, ...]) -> None:
    """Validate a whole definition."""
    if data is None:
        context.error("The definition is empty (null)", "", MISSING_DESCRIPTION)
        return
    if not isinstance(data, Mapping):
        context.error(f"{NOT_AN_OBJECT}, not {show(data)}", "")
        return
    _report_duplicate_keys(context, duplicate_keys)
    check_object_fields(context, data, ROOT_FIELDS, "")
    language = _machine_language(context, data)
    expect_string(context, data, "Comment", "")
    if "Version" in data and data["Version"] != "1.0":
        context.error(f"'Version' must be \"1.0\", not {show(data['Version'])}", "/Version")
    expect_int(context, data, "TimeoutSeconds", "", low=1, below=MAX_SECONDS)
    walker = MachineWalker(context, Registry(), language, validate_machine)
    validate_machine(walker, data, "")


def _machine_language(context: Context, data: Mapping[str, Any]) -> str:
    language = data.get("QueryLanguage", JSONPATH)
    if language not in QUERY_LANGUAGES:
        context.error(
            f"'QueryLanguage' must be 'JSONPath' or 'JSONata', not {show(language)}",
            "/QueryLanguage",
        )
        return JSONPATH
    return str(language)


def _report_duplicate_keys(context: Context, duplicate_keys: tuple[str, ...]) -> None:
    for pointer in duplicate_keys:
        name = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        if _STATES_KEY.search(pointer):
            context.error(f"Duplicate State name: {name}", pointer, DUPLICATE_STATE_NAME)
        else:
            context.error(f"Duplicate field '{name}'", pointer)


def validate_machine(
    walker: MachineWalker,
    machine: Mapping[str, Any],
    pointer: str,
    extra_fields: frozenset[str] = frozenset(),
) -> None:
    """Validate one (sub-)state machine: its fields, each state, and its transitions."""
    context = walker.context
    if pointer:
        check_object_fields(context, machine, SUB_MACHINE_FIELDS | extra_fields, pointer)
        expect_string(context, machine, "Comment", pointer)
    walker.registry.depth += 1
    try:
        if walker.registry.depth > MAX_MACHINE_DEPTH:
            context.error(
                f"Parallel and Map states are nested more than {MAX_MACHINE_DEPTH} deep",
                pointer,
                TOO_DEEPLY_NESTED,
            )
            return
        missing = [name for name in ("States", "StartAt") if name not in machine]
        if missing:
            context.error(f"These fields are required: [{', '.join(missing)}]", pointer)
        states = _states_of(context, machine, pointer)
        start_ok = _check_start_at(context, machine, pointer, states)
        for name, state in states.items():
            state_pointer = child(pointer, "States", name)
            check_state_name(context, walker.registry, name, state_pointer)
            validate_state(walker, name, state, state_pointer)
        check_transitions(context, machine.get("StartAt") if start_ok else None, states, pointer)
    finally:
        walker.registry.depth -= 1


def _states_of(context: Context, machine: Mapping[str, Any], pointer: str) -> dict[str, Any]:
    if "States" not in machine:
        return {}
    states = machine["States"]
    if not isinstance(states, Mapping):
        context.error(f"'States' must be an object, not {show(states)}", child(pointer, "States"))
        return {}
    if not states:
        context.error("Value cannot be empty", child(pointer, "States"))
    return {str(name): state for name, state in states.items()}


def _check_start_at(
    context: Context, machine: Mapping[str, Any], pointer: str, states: Mapping[str, Any]
) -> bool:
    if "StartAt" not in machine:
        return False
    start = machine["StartAt"]
    where = child(pointer, "StartAt")
    if not isinstance(start, str):
        context.error(f"'StartAt' must be a string, not {show(start)}", where)
        return False
    if start not in states:
        context.error(
            f"Missing 'StartAt' target: no state is named {start!r}",
            where,
            MISSING_TRANSITION_TARGET,
        )
        return False
    return True
