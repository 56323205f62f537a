from __future__ import annotations

import pytest

from tests.stepscope.engine.engine_helpers import machine, run


def choose(rule: dict[str, object], value: object) -> str:
    definition = machine(
        {
            "C": {"Type": "Choice", "Choices": [{**rule, "Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        }
    )
    completed = run(definition, {"v": value, "other": 5})
    assert completed.status == "SUCCEEDED", completed.cause
    return str(completed.output)


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        ({"Variable": "$.v", "NumericEquals": 1}, 1, "yes"),
        ({"Variable": "$.v", "NumericEquals": 1}, "1", "no"),
        ({"Variable": "$.v", "NumericGreaterThanPath": "$.other"}, 6, "yes"),
        ({"Variable": "$.v", "StringLessThan": "b"}, "a", "yes"),
        ({"Variable": "$.v", "StringMatches": "log-*.txt"}, "log-1.txt", "yes"),
        ({"Variable": "$.v", "StringMatches": "a\\*"}, "ab", "no"),
        ({"Variable": "$.v", "BooleanEquals": True}, 1, "no"),
        (
            {"Variable": "$.v", "TimestampLessThan": "2025-01-02T00:00:00Z"},
            "2025-01-01T00:00:00Z",
            "yes",
        ),
        ({"Variable": "$.v", "TimestampEquals": "2025-01-01T00:00:00Z"}, "2025-01-01", "no"),
        ({"Variable": "$.v", "IsNull": True}, None, "yes"),
        ({"Variable": "$.v", "IsNumeric": True}, True, "no"),
        ({"Variable": "$.missing", "IsPresent": False}, 0, "yes"),
        ({"Not": {"Variable": "$.v", "IsString": True}}, 3, "yes"),
        (
            {
                "And": [
                    {"Variable": "$.v", "NumericGreaterThan": 0},
                    {"Variable": "$.v", "NumericLessThan": 9},
                ]
            },
            4,
            "yes",
        ),
        (
            {
                "Or": [
                    {"Variable": "$.v", "StringEquals": "a"},
                    {"Variable": "$.v", "StringEquals": "b"},
                ]
            },
            "c",
            "no",
        ),
    ],
)
def test_choice_operators(rule: dict[str, object], value: object, expected: str) -> None:
    assert choose(rule, value) == expected


def test_no_match_without_default_fails_with_no_choice_matched() -> None:
    definition = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "E"}],
            },
            "E": {"Type": "Succeed"},
        }
    )
    completed = run(definition, {"v": 2})
    assert completed.status == "FAILED"
    assert completed.error == "States.NoChoiceMatched"
