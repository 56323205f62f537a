"""One state: its Type and QueryLanguage, the fields its type allows, and its transition;
then the rules of its type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stepscope.asl.validation import choice, map_state, simple_states, task
from stepscope.asl.validation.fields import STATE_FIELDS, STATE_TYPES, check_fields
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.payload import check_assign
from stepscope.asl.validation.scope import MachineWalker, StateScope
from stepscope.asl.validation.typed import expect_path, expect_string
from stepscope.asl.validation.values import JSONATA, JSONPATH, QUERY_LANGUAGES, show

__all__ = ["MachineWalker", "validate_state"]

TYPE_RULES: dict[str, Callable[[StateScope], None]] = {
    "Pass": simple_states.check_pass,
    "Task": task.check_task,
    "Choice": choice.check_choice,
    "Wait": simple_states.check_wait,
    "Succeed": simple_states.check_succeed,
    "Fail": simple_states.check_fail,
    "Parallel": simple_states.check_parallel,
    "Map": map_state.check_map,
}
WITH_TRANSITION = frozenset({"Pass", "Task", "Wait", "Parallel", "Map"})


def validate_state(walker: MachineWalker, name: str, state: Any, pointer: str) -> None:
    context = walker.context
    if not isinstance(state, Mapping):
        context.error(f"State '{name}' must be an object, not {show(state)}", pointer)
        return
    state_type = state.get("Type")
    if "Type" not in state:
        context.error("These fields are required: [Type]", pointer)
        return
    if not isinstance(state_type, str) or state_type not in STATE_FIELDS:
        choices = ", ".join(STATE_TYPES)
        context.error(f"'Type' must be one of {choices}; not {show(state_type)}", pointer + "/Type")
        return
    scope = StateScope(walker, name, state, pointer, _language(walker, state, pointer))
    check_fields(context, state, str(state_type), scope.language, pointer)
    expect_string(context, state, "Comment", pointer)
    if state_type in WITH_TRANSITION:
        _check_next_or_end(scope)
    _check_common_data_fields(scope)
    TYPE_RULES[str(state_type)](scope)


def _language(walker: MachineWalker, state: Mapping[str, Any], pointer: str) -> str:
    if "QueryLanguage" not in state:
        return walker.top_language
    language = state["QueryLanguage"]
    if language not in QUERY_LANGUAGES:
        walker.context.error(
            f"'QueryLanguage' must be 'JSONPath' or 'JSONata', not {show(language)}",
            pointer + "/QueryLanguage",
        )
        return walker.top_language
    if walker.top_language == JSONATA and language == JSONPATH:
        walker.context.error(
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            pointer,
        )
    return str(language)


def _check_next_or_end(scope: StateScope) -> None:
    state = scope.state
    has_next = "Next" in state
    if has_next:
        expect_string(scope.context, state, "Next", scope.pointer)
    if "End" in state and state["End"] is not True:
        if not isinstance(state["End"], bool):
            scope.error(f"'End' must be a boolean, not {show(state['End'])}", "End")
        elif not has_next:
            scope.error("'End' is false but the state has no 'Next'", "End")
    if has_next and state.get("End") is True:
        scope.error("A state may have either 'Next' or 'End': true, not both")
    elif not has_next and "End" not in state:
        scope.error(f"State '{scope.name}' must have 'Next' or 'End': true")


def _check_common_data_fields(scope: StateScope) -> None:
    state, context = scope.state, scope.context
    if scope.language == JSONPATH:
        expect_path(context, state, "InputPath", scope.pointer, reference=False, nullable=True)
        expect_path(context, state, "OutputPath", scope.pointer, reference=False, nullable=True)
        expect_path(
            context,
            state,
            "ResultPath",
            scope.pointer,
            reference=True,
            nullable=True,
            variables=False,
            context_object=False,
        )
    else:
        if "Output" in state:
            check_jsonata_strings(context, state["Output"], scope.at("Output"))
    if "Assign" in state:
        check_assign(context, state["Assign"], scope.at("Assign"), jsonata=scope.jsonata)
