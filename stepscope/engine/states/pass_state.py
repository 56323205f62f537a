"""Pass: hands on its input, or a fixed Result, through the JSONPath data flow."""

from __future__ import annotations

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun, finish, result_to_output


def execute(current: StateRun) -> Outcome:
    try:
        scope = current.scope()
        effective = apply_input_path(current.state, current.raw_input, scope)
        if "Parameters" in current.state:
            effective = render_template(current.state["Parameters"], effective, scope)
        result = current.state["Result"] if "Result" in current.state else effective
        output = result_to_output(current, result)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    return finish(current, output)
