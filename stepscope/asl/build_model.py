"""Build the typed model (``stepscope.asl.model``) from a parsed definition.

``build_state_machine`` is tolerant: people import broken definitions to debug them, so it never
raises on a bad shape. It keeps what it can: an unknown ``Type`` gives an ``UnknownState``, a
missing or mistyped field reads as None, a bad ``Next`` stays as the string given. Only a top level
that is not a JSON object raises ``ModelError``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepscope.asl.json_types import a_json_type
from stepscope.asl.model import (
    ModelError,
    QueryLanguage,
    State,
    StateMachine,
    StatePath,
    UnknownState,
)
from stepscope.asl.model._build_states import build_typed_state
from stepscope.asl.model._read import (
    EMPTY,
    as_object,
    child_pointer,
    read_bool,
    read_number,
    read_object,
    read_str,
)
from stepscope.asl.model.base import QUERY_LANGUAGES

__all__ = ["ModelError", "build_state_machine", "build_states"]

# Parallel/Map blocks nested deeper than this are left empty rather than recursed into.
MAX_BLOCK_DEPTH = 48


def build_state_machine(data: object) -> StateMachine:
    """The typed model of ``data``, a parsed definition (the top-level JSON object)."""
    if not isinstance(data, Mapping):
        raise ModelError(
            "A state machine definition must be a JSON object with StartAt and States, "
            f"not {a_json_type(data)}."
        )
    raw = as_object(_copy_json(data)) or EMPTY
    language = _query_language(raw) or "JSONPath"
    context = BuildContext(machine_language=language)
    return StateMachine(
        pointer="",
        path=(),
        raw=raw,
        start_at=read_str(raw, "StartAt"),
        comment=read_str(raw, "Comment"),
        query_language=read_str(raw, "QueryLanguage"),
        states=build_states(raw.get("States"), "", (), context, depth=0),
        effective_query_language=language,
        version=read_str(raw, "Version"),
        timeout_seconds=read_number(raw, "TimeoutSeconds"),
    )


@dataclass(frozen=True)
class BuildContext:
    machine_language: QueryLanguage


def build_states(
    value: object, block_pointer: str, block_path: StatePath, context: BuildContext, depth: int
) -> tuple[State, ...]:
    """The states of a ``States`` object, in the order given. A non-object gives no states."""
    states = as_object(value)
    if states is None or depth > MAX_BLOCK_DEPTH:
        return ()
    built = []
    for name, state_value in states.items():
        pointer = child_pointer(block_pointer, "States", name)
        built.append(build_state(name, state_value, pointer, block_path + (name,), context, depth))
    return tuple(built)


def build_state(
    name: str,
    value: object,
    pointer: str,
    path: StatePath,
    context: BuildContext,
    depth: int,
) -> State:
    raw = as_object(value) or EMPTY
    declared = _query_language(raw)
    common: dict[str, Any] = {
        "name": name,
        "pointer": pointer,
        "path": path,
        "raw": raw,
        "comment": read_str(raw, "Comment"),
        "query_language": read_str(raw, "QueryLanguage"),
        "effective_query_language": declared or context.machine_language,
        "input_path": read_str(raw, "InputPath"),
        "output_path": read_str(raw, "OutputPath"),
        "output": raw.get("Output"),
        "assign": read_object(raw, "Assign"),
    }
    state_type = read_str(raw, "Type")
    built = build_typed_state(state_type, raw, common, _Nested(context, depth))
    if built is not None:
        return built
    return UnknownState(
        type="Unknown",
        declared_type=state_type,
        next=read_str(raw, "Next"),
        end=read_bool(raw, "End"),
        **common,
    )


@dataclass(frozen=True)
class _Nested:
    """What the per-type builders need to build nested blocks of states."""

    context: BuildContext
    depth: int

    def states(self, value: object, block_pointer: str, block_path: StatePath) -> tuple[State, ...]:
        return build_states(value, block_pointer, block_path, self.context, self.depth + 1)

    def block(self, value: object, pointer: str, path: StatePath) -> dict[str, Any]:
        """The StatesBlock fields of a nested ``{StartAt, States}`` object."""
        raw = as_object(value) or EMPTY
        return {
            "pointer": pointer,
            "path": path,
            "raw": raw,
            "start_at": read_str(raw, "StartAt"),
            "comment": read_str(raw, "Comment"),
            "query_language": read_str(raw, "QueryLanguage"),
            "states": self.states(raw.get("States"), pointer, path),
        }


def _query_language(raw: Mapping[str, object]) -> QueryLanguage | None:
    value = raw.get("QueryLanguage")
    for language in QUERY_LANGUAGES:
        if value == language:
            return language
    return None


def _copy_json(data: object) -> object:
    """A private copy so later changes to ``data`` cannot reach the frozen model."""
    try:
        return copy.deepcopy(data)
    except RecursionError:
        return data
