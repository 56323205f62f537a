"""Pass: hands on its input, or a fixed Result, through the data flow."""

from __future__ import annotations

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import DeferredScope
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun, conclude


def execute(current: StateRun) -> Outcome:
    if current.jsonata:
        return conclude(current, current.raw_input)
    try:
        scope = DeferredScope(current.scope)  # built only if a path reads `$$` or variables
        effective = apply_input_path(current.state, current.raw_input, scope)
        if "Parameters" in current.state:
            effective = render_template(current.state["Parameters"], effective, scope)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    return conclude(current, current.state["Result"] if "Result" in current.state else effective)
