"""Succeed: ends the execution, branch or iteration successfully."""

from __future__ import annotations

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun, conclude


def execute(current: StateRun) -> Outcome:
    if current.jsonata:
        return conclude(current, current.raw_input)
    try:
        effective = apply_input_path(current.state, current.raw_input, current.scope())
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    return conclude(current, effective)
