"""Task: calls a resource (a local Lambda handler, a mocked response, or a callback it waits
for) with Retry, Catch and the 256 KiB result limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.scope import select
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.resolvers import local_sqs, s3_sdk
from stepscope.engine.resolvers.lambda_task import invoke_legacy, invoke_optimised
from stepscope.engine.resolvers.mock_config import TestCaseMocks
from stepscope.engine.resolvers.service_task import (
    WAIT_FOR_TASK_TOKEN,
    deliver,
    invoke_activity,
    invoke_service,
    is_activity,
    new_task_token,
    service_kind,
)
from stepscope.engine.runtime import Outcome, Park
from stepscope.engine.states.common import StateRun, with_retry_and_catch

__all__ = ["execute"]

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def execute(current: StateRun) -> Outcome:
    try:
        effective, call = _prepare(current)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    return with_retry_and_catch(current, _attempt(current, effective, call), _no_report)


def resume(current: StateRun, saved: dict[str, Any]) -> Outcome:
    """A parked task's callback arrived (or its deadline passed): finish that attempt, then go
    on retrying or catching exactly as if it had answered at once."""
    try:
        effective, call = _prepare(current)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    current.task_token = saved["waiting"].get("token")

    def delivered(number: int) -> Any:
        current.retry_count = number
        return _select_result(current, deliver(current, saved["waiting"]))

    return with_retry_and_catch(
        current,
        _attempt(current, effective, call),
        _no_report,
        number=int(saved["attempt"]),
        counts=dict(saved["counts"]),
        first=delivered,
    )


def _prepare(current: StateRun) -> tuple[Any, Callable[[StateRun, Any], Any]]:
    effective = current.raw_input
    if not current.jsonata:
        effective = apply_input_path(current.state, current.raw_input, current.scope())
    call = _resource_call(current)
    current.timeouts = _timeouts(current, effective)
    return effective, call


def _attempt(
    current: StateRun, effective: Any, call: Callable[[StateRun, Any], Any]
) -> Callable[[int], Any]:
    resource = str(current.state.get("Resource", ""))
    wants_token = resource.endswith(WAIT_FOR_TASK_TOKEN) or is_activity(resource)

    def attempt(number: int) -> Any:
        current.retry_count = number
        if wants_token:
            current.task_token = new_task_token(current)
        parameters = effective
        if current.jsonata and "Arguments" in current.state:
            parameters = current.evaluate(current.state["Arguments"], "Arguments")
        elif "Parameters" in current.state:
            parameters = render_template(current.state["Parameters"], effective, current.scope())
        try:
            return _select_result(current, call(current, parameters))
        except Park as park:
            park.finish = lambda waiting: _select_result(current, deliver(current, waiting))
            raise

    return attempt


def _select_result(current: StateRun, result: Any) -> Any:
    if "ResultSelector" in current.state and not current.jsonata:
        return render_template(current.state["ResultSelector"], result, current.scope())
    return result


def _no_report(error: StatesError) -> None:
    return None


def _resource_call(current: StateRun) -> Callable[[StateRun, Any], Any]:
    resource = str(current.state.get("Resource", ""))
    parts = resource.split(":")
    if resource.startswith(LAMBDA_INVOKE) or (
        len(parts) >= 6 and parts[2] == "states" and parts[5].startswith("lambda:invoke")
    ):
        return invoke_optimised
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return invoke_legacy
    if is_activity(resource):
        known = current.run.resolvers.get("activities")
        if known is not None and resource not in known:
            raise RuntimeFailure(f"The activity {resource} does not exist.")
        return invoke_activity
    mocks = current.run.resolvers.get("mocks")
    mocked = isinstance(mocks, TestCaseMocks) and mocks.mocks(current.name)
    kind = service_kind(resource)
    local = local_sqs.serves(kind) or s3_sdk.serves(kind, current.run.resolvers)
    if (
        len(parts) >= 6
        and parts[2] == "states"
        and (mocked or local or WAIT_FOR_TASK_TOKEN in resource)
    ):
        return invoke_service
    raise RuntimeFailure(
        f"The resource '{resource}' cannot run locally: give the state '{current.name}' a mocked "
        "response in a mock configuration (--mock-config, --test-case), or a local Lambda handler"
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
