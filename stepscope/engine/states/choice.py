"""Choice: picks the Next state from the first rule that matches (JSONPath comparisons or a
JSONata Condition), else Default."""

from __future__ import annotations

from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import DeferredScope
from stepscope.engine.errors import NO_CHOICE_MATCHED, RuntimeFailure, StatesError
from stepscope.engine.recorder import json_text
from stepscope.engine.runtime import Outcome, StateFailure
from stepscope.engine.states.choice_rules import rule_matches
from stepscope.engine.states.common import StateRun, conclude


def execute(current: StateRun) -> Outcome:
    try:
        if current.jsonata:
            effective = current.raw_input
            chosen = _first_jsonata_match(current)
        else:
            scope = DeferredScope(current.scope)  # built only if a rule reads `$$` or variables
            effective = apply_input_path(current.state, current.raw_input, scope)
            chosen = next(
                (
                    r
                    for r in current.state.get("Choices") or []
                    if rule_matches(r, effective, scope)
                ),
                None,
            )
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    if chosen is not None:
        return conclude(current, effective, target=str(chosen["Next"]), fields=chosen)
    default = current.state.get("Default")
    if default is None:
        raise StateFailure(
            StatesError(
                NO_CHOICE_MATCHED,
                f"No Matches! at state '{current.name}' with input '{json_text(effective)}'",
            )
        )
    return conclude(current, effective, target=str(default))


def _first_jsonata_match(current: StateRun) -> dict[str, Any] | None:
    for index, rule in enumerate(current.state.get("Choices") or []):
        location = f"Choices/{index}/Condition"
        value = current.evaluate(rule.get("Condition"), location)
        if not isinstance(value, bool):
            raise RuntimeFailure(
                f"The Condition of Choices[{index}] must evaluate to a boolean, got "
                f"{json_text(value)}"
            )
        if value:
            return dict(rule)
    return None
