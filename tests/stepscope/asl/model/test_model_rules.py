"""Choice rules in the model: every comparison operator, And/Or/Not, JSONata Condition."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import (
    COMPARISON_OPERATORS,
    AndExpression,
    BooleanExpression,
    ChoiceState,
    Comparison,
    JsonataCondition,
    NotExpression,
    OrExpression,
    UnrecognizedExpression,
)


def rule_test(rule: dict[str, Any], **top: Any) -> BooleanExpression:
    data = {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [dict(rule, Next="A")], "Default": "A"},
            "A": {"Type": "Succeed"},
        },
        **top,
    }
    choice = build_state_machine(data).states[0]
    assert isinstance(choice, ChoiceState)
    assert choice.choices[0].next == "A"
    return choice.choices[0].test


def test_there_are_all_the_asl_operators() -> None:
    assert len(COMPARISON_OPERATORS) == 39
    assert "TimestampGreaterThanEqualsPath" in COMPARISON_OPERATORS
    assert "StringMatches" in COMPARISON_OPERATORS
    assert "StringMatchesPath" not in COMPARISON_OPERATORS


@pytest.mark.parametrize("operator", COMPARISON_OPERATORS)
def test_every_comparison_operator(operator: str) -> None:
    value: object = "$.other" if operator.endswith("Path") else 1
    test = rule_test({"Variable": "$.x", operator: value})
    assert isinstance(test, Comparison)
    assert (test.variable, test.operator, test.value) == ("$.x", operator, value)
    assert test.compares_to_path == operator.endswith("Path")
    assert test.pointer == "/States/C/Choices/0"


def test_nested_and_or_not() -> None:
    test = rule_test(
        {
            "And": [
                {"Variable": "$.a", "NumericGreaterThan": 1},
                {
                    "Or": [
                        {"Not": {"Variable": "$.b", "IsNull": True}},
                        {"Variable": "$.c", "StringEquals": "x"},
                    ]
                },
            ]
        }
    )
    assert isinstance(test, AndExpression)
    first, second = test.operands
    assert isinstance(first, Comparison) and first.pointer == "/States/C/Choices/0/And/0"
    assert isinstance(second, OrExpression)
    negation, equals = second.operands
    assert isinstance(negation, NotExpression)
    assert isinstance(negation.operand, Comparison)
    assert negation.operand.pointer == "/States/C/Choices/0/And/1/Or/0/Not"
    assert isinstance(equals, Comparison) and equals.value == "x"


def test_jsonata_condition_with_assign_and_output() -> None:
    data = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.n > 3 %}",
                        "Next": "A",
                        "Assign": {"big": True},
                        "Output": "{% $states.input %}",
                    }
                ],
                "Default": "A",
            },
            "A": {"Type": "Succeed"},
        },
    }
    choice = build_state_machine(data).states[0]
    assert isinstance(choice, ChoiceState)
    rule = choice.choices[0]
    assert isinstance(rule.test, JsonataCondition)
    assert rule.test.condition == "{% $states.input.n > 3 %}"
    assert rule.assign == {"big": True}
    assert rule.output == "{% $states.input %}"


@pytest.mark.parametrize(
    "rule",
    [{}, {"Variable": "$.x"}, {"And": "nope"}, {"Not": 3}, {"Variable": "$.x", "Foo": 1}],
)
def test_malformed_rules_still_build(rule: dict[str, Any]) -> None:
    test = rule_test(rule)
    assert isinstance(test, UnrecognizedExpression | AndExpression | NotExpression)
    if isinstance(test, AndExpression):
        assert test.operands == ()
    if isinstance(test, NotExpression):
        assert test.operand is None
