"""JSONata expressions: syntax, top-level references, $states.errorOutput scope."""

from __future__ import annotations

import pytest

from stepscope.asl.validation.jsonata_rules import jsonata_problems
from tests.stepscope.asl.validation.helpers import (
    INVOKE,
    assert_fails_at,
    assert_ok,
    check,
    machine,
    single,
)


@pytest.mark.parametrize(
    "text",
    [
        "{% $states.input.a %}",
        "{%10%}",
        "{% \n10   %}",
        "{% $x.items[price > 10]{'n': name} %}",
        "{% $map($states.input, function($v) { $v.a }) %}",
        "{% {'a': $states.input.b} %}",
        "{% $match($s, /^x+$/) %}",
        "{% ($a := 1; $a + 1) %}",
        "{% $states.input.items^(price) %}",
    ],
)
def test_valid_expressions(text: str) -> None:
    assert jsonata_problems(text, error_output_allowed=False) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{% (1 %}", "Invalid JSONata"),
        ("{% $.store.book[?(@.price < 10)] %}", "Invalid JSONata"),
        ("{%   %}", "empty"),
        ("{% orderId %}", "Reference to 'orderId' at the top level"),
        ("{% $exists(foo) %}", "Reference to 'foo'"),
        ("{% [a, $b] %}", "Reference to 'a'"),
        ("{% $states.errorOutput %}", "errorOutput"),
        ("{% " + "(" * 5000 + "1" + ")" * 5000 + " %}", "nested too deeply"),
    ],
)
def test_invalid_expressions(text: str, words: str) -> None:
    problems = jsonata_problems(text, error_output_allowed=False)
    assert any(words in problem for problem in problems), problems


def test_error_output_is_allowed_in_catchers() -> None:
    assert jsonata_problems("{% $states.errorOutput.Error %}", error_output_allowed=True) == []


def test_jsonata_in_a_state() -> None:
    task = {
        "Type": "Task",
        "Resource": INVOKE,
        "Arguments": {"Payload": "{% $states.input %}", "Static": "{% not closed"},
        "Output": "{% $states.result.Payload %}",
        "Catch": [
            {
                "ErrorEquals": ["States.ALL"],
                "Output": "{% $states.errorOutput %}",
                "Assign": {"err": "{% $states.errorOutput.Cause %}"},
                "Next": "F",
            }
        ],
        "Next": "F",
    }
    definition = machine({"T": task, "F": {"Type": "Fail"}}, QueryLanguage="JSONata")
    assert_ok(definition)
    task["Output"] = "{% $states.errorOutput %}"
    assert_fails_at(definition, "/States/T/Output")


def test_arguments_must_be_an_object_or_expression() -> None:
    state = {"Type": "Task", "Resource": INVOKE, "Arguments": 42, "End": True}
    assert_fails_at(single(state, QueryLanguage="JSONata"), "/States/S/Arguments")


def test_expression_errors_are_located_inside_templates() -> None:
    state = {"Type": "Pass", "Output": {"a": [1, {"b": "{% ) %}"}]}, "End": True}
    assert_fails_at(single(state, QueryLanguage="JSONata"), "/States/S/Output/a/1/b")


def test_numeric_fields_accept_expressions() -> None:
    task = {
        "Type": "Task",
        "Resource": INVOKE,
        "TimeoutSeconds": "{% $timeout %}",
        "HeartbeatSeconds": "{% $hb %}",
        "End": True,
    }
    assert_ok(single(task, QueryLanguage="JSONata"))
    assert_fails_at(single(task), "/States/S/TimeoutSeconds")


def test_top_level_reference_has_awss_code() -> None:
    state = {"Type": "Pass", "Output": {"id": "{% orderId %}"}, "End": True}
    assert_fails_at(
        single(state, QueryLanguage="JSONata"),
        "/States/S/Output/id",
        "UNSUPPORTED_JSONATA_EXPRESSION",
    )


def test_huge_expressions_are_reported_unchecked_not_parsed() -> None:
    huge = "{% $states.input." + ".".join(["a"] * 40_000) + " %}"
    result = check(single({"Type": "Pass", "Output": huge, "End": True}, QueryLanguage="JSONata"))
    assert result.ok
    assert [(d.code, d.location) for d in result.warnings] == [
        ("JSONATA_NOT_CHECKED", "/States/S/Output")
    ]
