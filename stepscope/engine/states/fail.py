"""Fail: stops with an error and a cause, fixed or read from the input (ErrorPath, CausePath)."""

from __future__ import annotations

import json
from typing import Any

from stepscope.engine.dataflow.intrinsics import evaluate_intrinsic
from stepscope.engine.dataflow.scope import select_for_field
from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.runtime import Outcome, StateFailure
from stepscope.engine.states.common import StateRun


def execute(current: StateRun) -> Outcome:
    try:
        error = _field(current, "Error", "ErrorPath")
        cause = _field(current, "Cause", "CausePath")
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    raise StateFailure(StatesError(error, cause))


def _field(current: StateRun, name: str, path_name: str) -> str | None:
    if name in current.state:
        value: Any = current.state[name]
        if current.jsonata:
            value = current.evaluate(value, name)
            if not isinstance(value, str):
                raise RuntimeFailure(
                    f"The {name} field must evaluate to a string, but was {json.dumps(value)}"
                )
        return str(value)
    path = current.state.get(path_name)
    if not isinstance(path, str):
        return None
    scope = current.scope()
    if path.startswith("States."):
        value = evaluate_intrinsic(
            path,
            lambda p: select_for_field(p, current.raw_input, scope, path_name),
            scope.rng,
        )
    else:
        value = select_for_field(path, current.raw_input, scope, path_name)
    if not isinstance(value, str):
        raise RuntimeFailure(
            f"The JSONPath '{path}' specified for the field '{path_name}' must resolve to a string"
        )
    return value
