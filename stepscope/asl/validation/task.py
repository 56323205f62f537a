"""Task states: Resource, timeouts and heartbeats, Credentials, Parameters or Arguments."""

from __future__ import annotations

from stepscope.asl.validation.fields import check_exclusive
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.payload import check_jsonpath_template
from stepscope.asl.validation.resources import check_resource
from stepscope.asl.validation.retry_catch import check_retry_and_catch
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.typed import MAX_SECONDS, expect_int, expect_path
from stepscope.asl.validation.values import is_int, is_jsonata, is_object, show


def check_task(scope: StateScope) -> None:
    state = scope.state
    if "Resource" not in state:
        scope.error("These fields are required: [Resource]")
    else:
        check_resource(scope.context, state["Resource"], scope.at("Resource"))
    _check_timeouts(scope)
    check_payloads(scope)
    if "Credentials" in state:
        credentials = state["Credentials"]
        if not is_object(credentials) and not (scope.jsonata and is_jsonata(credentials)):
            scope.error(f"'Credentials' must be an object, not {show(credentials)}", "Credentials")
        elif scope.jsonata:
            check_jsonata_strings(scope.context, credentials, scope.at("Credentials"))
        else:
            check_jsonpath_template(scope.context, credentials, scope.at("Credentials"))
    check_retry_and_catch(scope)


def _check_timeouts(scope: StateScope) -> None:
    state, context, pointer = scope.state, scope.context, scope.pointer
    for name in ("TimeoutSeconds", "HeartbeatSeconds"):
        expect_int(context, state, name, pointer, low=1, below=MAX_SECONDS, jsonata=scope.jsonata)
        expect_path(context, state, name + "Path", pointer, reference=True)
        check_exclusive(context, state, (name, name + "Path"), pointer)
    timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
        scope.error(
            f"'HeartbeatSeconds' ({heartbeat}) must be smaller than 'TimeoutSeconds' ({timeout})",
            "HeartbeatSeconds",
        )


def check_payloads(scope: StateScope) -> None:
    """Parameters and ResultSelector (JSONPath) or Arguments (JSONata) of Task and Parallel."""
    state, context = scope.state, scope.context
    if scope.jsonata:
        if "Arguments" in state:
            arguments = state["Arguments"]
            if not is_object(arguments) and not is_jsonata(arguments):
                scope.error(
                    f"'Arguments' must be an object or a JSONata expression, not {show(arguments)}",
                    "Arguments",
                )
            check_jsonata_strings(context, arguments, scope.at("Arguments"))
        return
    if "Parameters" in state:
        check_jsonpath_template(context, state["Parameters"], scope.at("Parameters"))
    if "ResultSelector" in state:
        check_jsonpath_template(context, state["ResultSelector"], scope.at("ResultSelector"))
