"""Intrinsic function calls."""

from __future__ import annotations

import pytest

from stepscope.asl.validation.intrinsics import ARITY, intrinsic_problem
from tests.stepscope.asl.validation.helpers import assert_fails_at, assert_ok, single


@pytest.mark.parametrize(
    "call",
    [
        "States.Format('Hello {}', $.name)",
        "States.Format('a\\'b {} {}', $$.Execution.Name, $myVar)",
        "States.MathAdd(States.ArrayLength($$.Execution.Input.items),-1)",
        "States.Array()",
        "States.Array('a', 1, 2.5, true, null, $.x)",
        "States.UUID()",
        "States.MathRandom($.start, $.end, 7)",
        "States.JsonMerge($.a, $.b, false)",
        "States.ArrayGetItem($.a[0], 1)",
        "States.Hash($.data, 'SHA-256')",
    ],
)
def test_valid_calls(call: str) -> None:
    assert intrinsic_problem(call) is None


@pytest.mark.parametrize(
    ("call", "words"),
    [
        ("States.UUID(1)", "takes 0"),
        ("States.MathAdd(1)", "takes 2"),
        ("States.ArrayRange(1, 2)", "takes 3"),
        ("States.Format()", "at least 1"),
        ("States.Nope()", "not an intrinsic function"),
        ("States.Format('{}', $.a", "expects ','"),
        ("States.Format('unterminated)", "unterminated"),
        (" States.Array(1)", "not an intrinsic function call"),
        ("States.Format('{}', $.a) extra", "unexpected text"),
        ("States.Format('{}', bad)", "not an intrinsic function"),
        ("States.Format('{}', $..)", "argument"),
    ],
)
def test_invalid_calls(call: str, words: str) -> None:
    problem = intrinsic_problem(call)
    assert problem is not None and words in problem


def test_every_known_function_with_its_fewest_arguments() -> None:
    for name, (low, _high) in ARITY.items():
        arguments = ", ".join(["$.x"] * low)
        assert intrinsic_problem(f"{name}({arguments})") is None, name


def test_deeply_nested_calls_are_refused_not_crashing() -> None:
    call = "States.Array(" * 500 + ")" * 500
    assert intrinsic_problem(call) is not None


def test_intrinsics_in_parameters_and_fail_paths() -> None:
    assert_ok(single({"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "End": True}))
    assert_fails_at(
        single({"Type": "Pass", "Parameters": {"id.$": "States.UUID(1)"}, "End": True}),
        "/States/S/Parameters/id.$",
    )
    assert_ok(single({"Type": "Fail", "ErrorPath": "States.Format('{}', $.e)", "CausePath": "$.c"}))
    assert_fails_at(single({"Type": "Fail", "CausePath": "cause"}), "/States/S/CausePath")
