"""Pass, Wait, Succeed, Fail and Parallel states."""

from __future__ import annotations

from stepscope.asl.validation.fields import check_exclusive
from stepscope.asl.validation.intrinsics import intrinsic_problem, looks_like_intrinsic
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.paths import path_problem
from stepscope.asl.validation.payload import check_jsonpath_template, check_pass_result
from stepscope.asl.validation.retry_catch import check_retry_and_catch
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.task import check_payloads
from stepscope.asl.validation.typed import expect_int, expect_path, is_timestamp
from stepscope.asl.validation.values import is_jsonata, is_object, show

WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")


def check_pass(scope: StateScope) -> None:
    if scope.jsonata:
        return
    if "Parameters" in scope.state:
        check_jsonpath_template(scope.context, scope.state["Parameters"], scope.at("Parameters"))
    if "Result" in scope.state:
        check_pass_result(scope.context, scope.state["Result"], scope.at("Result"))


def check_succeed(scope: StateScope) -> None:
    """Succeed states have no fields of their own."""


def check_wait(scope: StateScope) -> None:
    state, context, pointer = scope.state, scope.context, scope.pointer
    present = [name for name in WAIT_FIELDS if name in state]
    if len(present) != 1:
        scope.error(
            "A Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or "
            f"'TimestampPath', found {len(present)}"
        )
    expect_int(context, state, "Seconds", pointer, low=0, jsonata=scope.jsonata)
    if "Timestamp" in state:
        timestamp = state["Timestamp"]
        if scope.jsonata and is_jsonata(timestamp):
            check_jsonata_strings(context, timestamp, scope.at("Timestamp"))
        elif not is_timestamp(timestamp):
            scope.error(
                f"'Timestamp' must be an RFC 3339 timestamp, not {show(timestamp)}", "Timestamp"
            )
    for name in ("SecondsPath", "TimestampPath"):
        expect_path(context, state, name, pointer, reference=True)


def check_fail(scope: StateScope) -> None:
    state = scope.state
    for name in ("Error", "Cause"):
        if name not in state:
            continue
        value = state[name]
        if not isinstance(value, str):
            scope.error(f"'{name}' must be a string, not {show(value)}", name)
        elif scope.jsonata and is_jsonata(value):
            check_jsonata_strings(scope.context, value, scope.at(name))
        path_name = name + "Path"
        check_exclusive(scope.context, state, (name, path_name), scope.pointer)
    for name in ("ErrorPath", "CausePath"):
        if name in state:
            _check_path_or_intrinsic(scope, name)


def _check_path_or_intrinsic(scope: StateScope, name: str) -> None:
    value = scope.state[name]
    if not isinstance(value, str):
        scope.error(f"'{name}' must be a reference path or an intrinsic function", name)
        return
    if looks_like_intrinsic(value) and not value.startswith("$"):
        problem = intrinsic_problem(value)
    else:
        problem = path_problem(value, reference=True)
    if problem:
        scope.error(
            f"'{name}' must be a reference path or an intrinsic function: {value!r} {problem}",
            name,
        )


def check_parallel(scope: StateScope) -> None:
    state = scope.state
    if "Branches" not in state:
        scope.error("These fields are required: [Branches]")
    else:
        branches = state["Branches"]
        if not isinstance(branches, list):
            scope.error(f"'Branches' must be an array, not {show(branches)}", "Branches")
        elif not branches:
            scope.error("Value cannot be empty", "Branches")
        else:
            for index, branch in enumerate(branches):
                if is_object(branch):
                    scope.walker.sub_machine(branch, scope.at("Branches", index))
                else:
                    scope.error(
                        f"Each branch must be a state machine object, not {show(branch)}",
                        "Branches",
                        index,
                    )
    check_payloads(scope)
    check_retry_and_catch(scope)
