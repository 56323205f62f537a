"""Task: calls a resource (a local Lambda handler for now) with Retry, Catch and the 256 KiB
result limit."""

from __future__ import annotations

from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.resolvers.lambda_task import invoke_legacy, invoke_optimised
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def execute(current: StateRun) -> Outcome:
    try:
        effective = current.raw_input
        if not current.jsonata:
            effective = apply_input_path(current.state, current.raw_input, current.scope())
        call = _resource_call(current)
        current.timeouts = _timeouts(current, effective)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None

    def attempt(number: int) -> Any:
        current.retry_count = number
        parameters = effective
        if current.jsonata and "Arguments" in current.state:
            parameters = current.evaluate(current.state["Arguments"], "Arguments")
        elif "Parameters" in current.state:
            parameters = render_template(current.state["Parameters"], effective, current.scope())
        result = call(current, parameters)
        if "ResultSelector" in current.state and not current.jsonata:
            return render_template(current.state["ResultSelector"], result, current.scope())
        return result

    def on_failed(error: StatesError) -> None:
        return None

    return with_retry_and_catch(current, attempt, on_failed)


def _resource_call(current: StateRun) -> Any:
    resource = str(current.state.get("Resource", ""))
    parts = resource.split(":")
    if resource in (LAMBDA_INVOKE, LAMBDA_INVOKE + ".waitForTaskToken") or (
        len(parts) >= 6 and parts[2] == "states" and parts[5] == "lambda:invoke"
    ):
        return invoke_optimised
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return invoke_legacy
    raise RuntimeFailure(
        f"The resource '{resource}' cannot run locally: only Lambda functions with a local "
        "handler are supported"
    )


def _timeouts(current: StateRun, effective: Any) -> dict[str, Any]:
    """timeoutInSeconds / heartbeatInSeconds for the scheduled event, from the fixed value, the
    JSONata expression or the *Path field."""
    found: dict[str, Any] = {}
    for field, key in (
        ("TimeoutSeconds", "timeoutInSeconds"),
        ("HeartbeatSeconds", "heartbeatInSeconds"),
    ):
        if field in current.state:
            value = current.state[field]
            found[key] = current.evaluate(value, field) if current.jsonata else value
        elif field + "Path" in current.state:
            found[key] = select(current.state[field + "Path"], effective, current.scope())
    credentials = current.state.get("Credentials")
    if isinstance(credentials, dict):
        if current.jsonata:
            rendered = current.evaluate(credentials, "Credentials")
        else:
            rendered = render_template(credentials, effective, current.scope())
        if isinstance(rendered, dict) and "RoleArn" in rendered:
            found["taskCredentials"] = {"roleArn": rendered["RoleArn"]}
    for key, value in found.items():
        if key == "taskCredentials":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RuntimeFailure(f"The {key} value must be a positive integer, but was {value!r}")
    return found
