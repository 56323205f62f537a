"""Lambda tasks: the optimised integration (arn:aws:states:::lambda:invoke, with AWS's response
envelope and Task* events) and legacy function ARNs (LambdaFunction* events)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from stepscope.engine.errors import DATA_LIMIT_EXCEEDED, PAYLOAD_LIMIT_BYTES, StatesError
from stepscope.engine.fibers import yield_turn
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers.lambdas import Invocation, LambdaRegistry, function_name_of
from stepscope.engine.resolvers.service_task import (
    WAIT_FOR_TASK_TOKEN,
    answer,
    check_size,
    mocked_response,
    schedule_task,
    task_ran,
    waiting_record,
)
from stepscope.engine.runtime import Park

__all__ = ["invoke_legacy", "invoke_optimised"]


def _registry(current: Any) -> LambdaRegistry:
    registry = current.run.resolvers.get("lambda")
    return registry if isinstance(registry, LambdaRegistry) else LambdaRegistry({})


def _request_id(current: Any) -> str:
    return str(uuid.UUID(int=current.run.rng.getrandbits(128), version=4))


def _function_arn(current: Any, reference: str) -> str:
    if reference.startswith("arn:"):
        return reference
    execution = current.run.execution
    return f"arn:aws:lambda:{execution['region']}:{execution['account']}:function:{reference}"


def _not_found(current: Any, reference: str, request_id: str) -> StatesError:
    arn = _function_arn(current, function_name_of(reference))
    return StatesError(
        "Lambda.ResourceNotFoundException",
        f"Function not found: {arn}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: "
        f"ResourceNotFoundException; Request ID: {request_id}; Proxy: null)",
    )


def _invoke(current: Any, reference: str, event: Any) -> tuple[Invocation, str]:
    request_id = _request_id(current)
    registry = _registry(current)
    if not registry.has(reference):
        raise _not_found(current, reference, request_id)
    return registry.invoke(reference, event, request_id), request_id


def _failure(invocation: Invocation) -> StatesError:
    return StatesError(invocation.error_type, json_text(invocation.error_body))


def _parse_payload(payload: bytes) -> Any:
    text = payload.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _too_large(value: Any, label: str) -> StatesError | None:
    if len(json_text(value).encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        return StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{label}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
        )
    return None


def _timeouts(current: Any) -> dict[str, Any]:
    return dict(current.timeouts or {})


def invoke_optimised(current: Any, parameters: Any) -> Any:
    """arn:aws:states:::lambda:invoke: TaskScheduled/Started/Succeeded|Failed. With
    .waitForTaskToken the function's answer is TaskSubmitted, and the task waits for the token."""
    resource = str(current.state.get("Resource", ""))
    kind = {"resource": resource.rsplit(":", 1)[-1], "resourceType": "lambda"}
    schedule_task(current, parameters, kind)
    mocked = mocked_response(current)
    try:
        if mocked is not None:
            result = answer(mocked)
            check_size(result, "lambda")
        else:
            result = _call_function(current, parameters)
    except StatesError as error:
        task_ran(current, kind)
        failed = {"error": error.error, "cause": error.cause, **kind}
        current.event("TaskFailed", "taskFailedEventDetails", failed)
        raise
    task_ran(current, kind)
    if mocked is None and resource.endswith(WAIT_FOR_TASK_TOKEN):
        submitted = {"output": json_text(result), "outputDetails": {"truncated": False}, **kind}
        current.event("TaskSubmitted", "taskSubmittedEventDetails", submitted)
        raise Park(waiting_record(current, "task", kind))
    succeeded = {"output": json_text(result), "outputDetails": {"truncated": False}, **kind}
    current.event("TaskSucceeded", "taskSucceededEventDetails", succeeded)
    return result


def _call_function(current: Any, parameters: Any) -> Any:
    if not isinstance(parameters, dict) or not isinstance(parameters.get("FunctionName"), str):
        raise StatesError("States.Runtime", "The Parameters must give a FunctionName")
    invocation, request_id = _invoke(
        current, parameters["FunctionName"], _payload_event(parameters.get("Payload"))
    )
    if invocation.payload is None:
        raise _failure(invocation)
    result = _envelope(invocation.payload, request_id, parameters.get("LogType") == "Tail")
    too_large = _too_large(result, "lambda")
    if too_large is not None:
        raise too_large
    return result


def _payload_event(payload: Any) -> Any:
    """What the function receives: a string Payload is sent as raw bytes, so JSON text in it
    arrives parsed; no Payload arrives as {}."""
    if payload is None:
        return {}
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _log_tail(request_id: str) -> str:
    lines = (
        f"START RequestId: {request_id} Version: $LATEST\n"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\n"
    )
    return base64.b64encode(lines.encode("utf-8")).decode("ascii")


def _envelope(payload: bytes, request_id: str, with_log: bool) -> dict[str, Any]:
    envelope = _plain_envelope(payload, request_id)
    if with_log:
        tail = _log_tail(request_id)
        envelope["LogResult"] = tail
        envelope["SdkHttpMetadata"]["AllHttpHeaders"]["X-Amz-Log-Result"] = [tail]
        envelope["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Log-Result"] = tail
    return envelope


def _plain_envelope(payload: bytes, request_id: str) -> dict[str, Any]:
    length = str(len(payload))
    date = "Wed, 01 Jan 2025 12:00:00 GMT"
    trace = "Root=1-00000000-000000000000000000000000;Sampled=0"
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": _parse_payload(payload),
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-Remapped-Content-Length": ["0"],
                "Connection": ["keep-alive"],
                "x-amzn-RequestId": [request_id],
                "Content-Length": [length],
                "Date": [date],
                "X-Amzn-Trace-Id": [trace],
                "Content-Type": ["application/json"],
            },
            "HttpHeaders": {
                "Connection": "keep-alive",
                "Content-Length": length,
                "Content-Type": "application/json",
                "Date": date,
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-Remapped-Content-Length": "0",
                "x-amzn-RequestId": request_id,
                "X-Amzn-Trace-Id": trace,
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


def invoke_legacy(current: Any, event: Any) -> Any:
    """A function ARN as Resource: LambdaFunctionScheduled/Started/Succeeded|Failed."""
    resource = str(current.state["Resource"])
    scheduled = {
        "input": json_text(event),
        "inputDetails": {"truncated": False},
        "resource": resource,
    }
    for key in ("timeoutInSeconds", "taskCredentials"):
        if key in _timeouts(current):
            scheduled[key] = _timeouts(current)[key]
    current.event("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", scheduled)
    yield_turn(current.run.clock)  # other iterations go on while the function is dispatched
    current.event("LambdaFunctionStarted")
    mocked = mocked_response(current)
    try:
        if mocked is not None:
            result = answer(mocked)
        else:
            invocation, _ = _invoke(current, resource, event)
            if invocation.payload is None:
                raise _failure(invocation)
            result = _parse_payload(invocation.payload)
        too_large = _too_large(result, resource)
        if too_large is not None:
            raise too_large
    except StatesError as error:
        task_ran(current, {}, "LambdaFunction")
        failed = {"error": error.error, "cause": error.cause}
        current.event("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", failed)
        raise
    task_ran(current, {}, "LambdaFunction")
    succeeded = {"output": json_text(result), "outputDetails": {"truncated": False}}
    current.event("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", succeeded)
    return result
