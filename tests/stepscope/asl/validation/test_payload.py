"""Payload templates, Assign, and the NO_DOLLAR and PASS_RESULT_IS_STATIC warnings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stepscope.asl.validation.helpers import (
    INVOKE,
    assert_fails_at,
    assert_ok,
    check,
    single,
)


def pass_with(**fields: Any) -> dict[str, Any]:
    return single({"Type": "Pass", "End": True, **fields})


@pytest.mark.parametrize("parameters", [None, [], "x", {"a": {"b": [1, {"c.$": "$.c"}]}}])
def test_parameters_can_be_any_json(parameters: Any) -> None:
    assert_ok(pass_with(Parameters=parameters))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("bad1.$", 23),
        ("bad2.$", "23"),
        ("bad3.$", [1]),
        ("bad4.$", {"f": 1}),
        ("bad5.$", "$$23"),
        ("b.$", None),
    ],
)
def test_dollar_keys_need_a_path_or_intrinsic(key: str, value: Any) -> None:
    assert_fails_at(
        pass_with(Parameters={"nested": [{key: value}]}), f"/States/S/Parameters/nested/0/{key}"
    )


def test_good_dollar_keys() -> None:
    good = {
        "a.$": "$",
        "b.$": "$$",
        "c.$": "$$.Execution.Id",
        "d.$": "$myVar.x",
        "e.$": "States.UUID()",
    }
    assert_ok(pass_with(Parameters=good))


def test_no_dollar_warning() -> None:
    task = {
        "Type": "Task",
        "Resource": INVOKE,
        "Parameters": {
            "FunctionName": "arn:aws:lambda:us-east-1:1:function:F",
            "orderId": "$.order.id",
        },
        "End": True,
    }
    result = check(single(task))
    assert result.ok
    assert [(d.code, d.location) for d in result.warnings] == [
        ("NO_DOLLAR", "/States/S/Parameters/orderId")
    ]


def test_pass_result_is_static_warning() -> None:
    result = check(pass_with(Result={"value.$": "$.x"}))
    assert result.ok
    assert [(d.code, d.location) for d in result.warnings] == [
        ("PASS_RESULT_IS_STATIC", "/States/S/Result/value.$")
    ]


def test_assign_in_jsonpath_states() -> None:
    assert_ok(
        pass_with(Assign={"a": 1, "b.$": "$.b", "c": {"d.$": "$$.Execution.Id"}, "top-level": 2})
    )
    assert_fails_at(pass_with(Assign="XXX"), "/States/S/Assign")
    assert_fails_at(pass_with(Assign={"b.$": "nope"}), "/States/S/Assign/b.$")
    assert_fails_at(pass_with(Assign={"has space": 1}), "/States/S/Assign/has space")
    assert_fails_at(pass_with(Assign={"a" * 81: 1}), "/States/S/Assign/" + "a" * 81)


def test_assign_in_jsonata_states() -> None:
    definition = pass_with(Assign={"x": "{% $states.input.x %}", "y": {"z": "{% ( %}"}})
    definition["QueryLanguage"] = "JSONata"
    assert_fails_at(definition, "/States/S/Assign/y/z")


def test_credentials() -> None:
    task = {"Type": "Task", "Resource": INVOKE, "End": True}
    assert_ok(single({**task, "Credentials": {"RoleArn.$": "$.role"}}))
    assert_fails_at(single({**task, "Credentials": "foo:bar"}), "/States/S/Credentials")
    assert_fails_at(
        single({**task, "Credentials": {"x.$": "not a path"}}), "/States/S/Credentials/x.$"
    )
