"""Transitions inside one state machine: targets exist, every state is reachable, and the
machine can end."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stepscope.asl.diagnostics import MISSING_END_STATE, MISSING_TRANSITION_TARGET
from stepscope.asl.validation.context import Context, child

TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


def outgoing(state: Any, pointer: str) -> Iterator[tuple[str, str, str]]:
    """(target, field description, pointer) of every transition out of `state`."""
    if not isinstance(state, Mapping):
        return
    if isinstance(state.get("Next"), str):
        yield state["Next"], "Next", child(pointer, "Next")
    if state.get("Type") == "Choice":
        if isinstance(state.get("Default"), str):
            yield state["Default"], "Default", child(pointer, "Default")
        choices = state.get("Choices")
        for index, rule in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(rule, Mapping) and isinstance(rule.get("Next"), str):
                yield rule["Next"], "Next", child(pointer, "Choices", index, "Next")
    catchers = state.get("Catch")
    for index, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, Mapping) and isinstance(catcher.get("Next"), str):
            yield catcher["Next"], "Next", child(pointer, "Catch", index, "Next")


def is_terminal(state: Any) -> bool:
    if not isinstance(state, Mapping):
        return False
    state_type = state.get("Type")
    return (isinstance(state_type, str) and state_type in TERMINAL_TYPES) or state.get(
        "End"
    ) is True


def check_transitions(
    context: Context, start: str | None, states: Mapping[str, Any], pointer: str
) -> None:
    for name, state in states.items():
        state_pointer = child(pointer, "States", name)
        for target, field, where in outgoing(state, state_pointer):
            if target not in states:
                context.error(
                    f"Missing '{field}' target: {target}", where, MISSING_TRANSITION_TARGET
                )
    if not states:
        return
    if start is not None:
        reachable = _reachable(start, states, pointer)
        for name in states:
            if name not in reachable:
                context.error(
                    f'State "{name}" is not reachable.',
                    child(pointer, "States", name),
                    MISSING_TRANSITION_TARGET,
                )
    if not any(is_terminal(state) for state in states.values()):
        context.error(
            'No terminal state: no state has "End": true or is a Succeed or Fail state',
            child(pointer, "States"),
            MISSING_END_STATE,
        )


def _reachable(start: str, states: Mapping[str, Any], pointer: str) -> set[str]:
    seen = {start}
    pending = [start]
    while pending:
        name = pending.pop()
        for target, _field, _where in outgoing(states[name], child(pointer, "States", name)):
            if target in states and target not in seen:
                seen.add(target)
                pending.append(target)
    return seen
