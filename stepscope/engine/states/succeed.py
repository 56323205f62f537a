"""Succeed: ends the execution, branch or iteration successfully."""

from __future__ import annotations

from stepscope.engine.dataflow.io import apply_input_path, apply_output_path
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.recorder import json_text
from stepscope.engine.runtime import End, Outcome
from stepscope.engine.states.common import StateRun


def execute(current: StateRun) -> Outcome:
    try:
        scope = current.scope()
        effective = apply_input_path(current.state, current.raw_input, scope)
        output = apply_output_path(current.state, effective, scope)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    current.event(
        "SucceedStateExited",
        "stateExitedEventDetails",
        {"name": current.name, "output": json_text(output), "outputDetails": {"truncated": False}},
    )
    return End(output)
