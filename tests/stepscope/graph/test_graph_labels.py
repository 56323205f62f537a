"""Short readings of Choice rules, Retry and resources (stepscope/graph/labels.py)."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import COMPARISON_OPERATORS, ChoiceState, Retrier
from stepscope.graph.labels import describe_rule, retry_line, retry_tooltip, short_resource


def reading(rule: dict[str, Any]) -> str:
    data = {
        "StartAt": "C",
        "States": {"C": {"Type": "Choice", "Choices": [dict(rule, Next="C")]}},
    }
    choice = build_state_machine(data).states[0]
    assert isinstance(choice, ChoiceState)
    return describe_rule(choice.choices[0].test)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"Variable": "$.amount", "NumericGreaterThan": 1000}, "$.amount > 1000"),
        ({"Variable": "$.n", "NumericEquals": 1.5}, "$.n == 1.5"),
        ({"Variable": "$.n", "NumericLessThan": 0}, "$.n < 0"),
        ({"Variable": "$.n", "NumericLessThanEquals": 2}, "$.n <= 2"),
        ({"Variable": "$.n", "NumericGreaterThanEquals": 2}, "$.n >= 2"),
        ({"Variable": "$.kind", "StringEquals": "gold"}, '$.kind == "gold"'),
        ({"Variable": "$.s", "StringLessThan": "m"}, '$.s < "m"'),
        ({"Variable": "$.s", "StringGreaterThanEquals": "m"}, '$.s >= "m"'),
        ({"Variable": "$.s", "StringMatches": "log-*"}, '$.s matches "log-*"'),
        ({"Variable": "$.ok", "BooleanEquals": True}, "$.ok == true"),
        ({"Variable": "$.ok", "BooleanEqualsPath": "$.want"}, "$.ok == $.want"),
        ({"Variable": "$.a", "NumericGreaterThanPath": "$.b"}, "$.a > $.b"),
        ({"Variable": "$.a", "StringEqualsPath": "$.b"}, "$.a == $.b"),
        (
            {"Variable": "$.t", "TimestampLessThan": "2026-01-01T00:00:00Z"},
            '$.t < time "2026-01-01T00:00:00Z"',
        ),
        ({"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u"}, "$.t >= $.u"),
        ({"Variable": "$.x", "IsNull": True}, "$.x is null"),
        ({"Variable": "$.x", "IsNull": False}, "$.x is not null"),
        ({"Variable": "$.x", "IsPresent": True}, "$.x is present"),
        ({"Variable": "$.x", "IsNumeric": True}, "$.x is numeric"),
        ({"Variable": "$.x", "IsString": False}, "$.x is not a string"),
        ({"Variable": "$.x", "IsBoolean": True}, "$.x is a boolean"),
        ({"Variable": "$.x", "IsTimestamp": True}, "$.x is a timestamp"),
        ({"Not": {"Variable": "$.x", "IsNull": True}}, "not ($.x is null)"),
        (
            {
                "And": [
                    {"Variable": "$.a", "NumericGreaterThan": 1},
                    {"Variable": "$.b", "NumericLessThan": 2},
                ]
            },
            "$.a > 1 and $.b < 2",
        ),
        (
            {
                "Or": [
                    {"Variable": "$.a", "IsPresent": False},
                    {
                        "And": [
                            {"Variable": "$.b", "StringEquals": "x"},
                            {"Variable": "$.c", "BooleanEquals": False},
                        ]
                    },
                ]
            },
            '$.a is not present or ($.b == "x" and $.c == false)',
        ),
        ({"Condition": "{% $states.input.n > 3 %}"}, "$states.input.n > 3"),
        ({"Condition": "{%\n  $x = 1\n%}"}, "$x = 1"),
        ({"Condition": True}, "true"),
        ({"Variable": "$.x"}, "(unrecognized rule)"),
        ({"Not": 1}, "not (?)"),
    ],
)
def test_rule_readings(rule: dict[str, Any], expected: str) -> None:
    assert reading(rule) == expected


@pytest.mark.parametrize("operator", COMPARISON_OPERATORS)
def test_every_operator_has_a_reading_naming_the_variable(operator: str) -> None:
    value: object = "$.y" if operator.endswith("Path") else 1
    text = reading({"Variable": "$.x", operator: value})
    assert text.startswith("$.x ")
    assert operator not in text  # read as a symbol or words, not the raw operator name


def test_retry_line_and_tooltip() -> None:
    retriers = (
        Retrier(
            pointer="/States/A/Retry/0",
            raw={},
            error_equals=("States.TaskFailed",),
            interval_seconds=2,
            max_attempts=3,
            backoff_rate=2.0,
            max_delay_seconds=10,
            jitter_strategy="FULL",
        ),
        Retrier(pointer="/States/A/Retry/1", raw={}, error_equals=("States.ALL",)),
    )
    assert retry_line(retriers) == "↻ ×3 · 2s, backoff 2 (+1 more)"
    assert retry_line(()) is None
    tooltip = retry_tooltip(retriers)
    assert "States.TaskFailed: up to 3 attempts, first after 2s, backoff ×2" in tooltip
    assert "max delay 10s, jitter FULL" in tooltip
    assert "States.ALL: up to 3 attempts, first after 1s" in tooltip


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("arn:aws:states:::lambda:invoke", "lambda:invoke"),
        ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs:sendMessage.waitForTaskToken"),
        ("arn:aws:lambda:us-east-1:123456789012:function:Charge", "lambda Charge"),
        ("arn:aws:states:us-east-1:123456789012:activity:Review", "activity:Review"),
        ("not-an-arn", "not-an-arn"),
        (None, None),
    ],
)
def test_short_resource(resource: str | None, expected: str | None) -> None:
    assert short_resource(resource) == expected
