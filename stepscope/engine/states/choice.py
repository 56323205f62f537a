"""Choice: picks the Next state from the first rule that matches, else Default."""

from __future__ import annotations

from stepscope.engine.dataflow.io import apply_input_path, apply_output_path
from stepscope.engine.errors import NO_CHOICE_MATCHED, RuntimeFailure, StatesError
from stepscope.engine.recorder import json_text
from stepscope.engine.runtime import Next, Outcome, StateFailure
from stepscope.engine.states.choice_rules import rule_matches
from stepscope.engine.states.common import StateRun


def execute(current: StateRun) -> Outcome:
    try:
        scope = current.scope()
        effective = apply_input_path(current.state, current.raw_input, scope)
        target = current.state.get("Default")
        for rule in current.state.get("Choices") or []:
            if rule_matches(rule, effective, scope):
                target = rule["Next"]
                break
        if target is None:
            raise StateFailure(
                StatesError(
                    NO_CHOICE_MATCHED,
                    f"No Matches! at state '{current.name}' with input '{json_text(effective)}'",
                )
            )
        output = apply_output_path(current.state, effective, scope)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    current.event(
        "ChoiceStateExited",
        "stateExitedEventDetails",
        {"name": current.name, "output": json_text(output), "outputDetails": {"truncated": False}},
    )
    return Next(str(target), output)
