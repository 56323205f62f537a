"""Choice states and rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stepscope.asl.validation.helpers import (
    assert_fails_at,
    assert_field_refused,
    assert_ok,
    check,
    machine,
)


def choice_machine(*rules: dict[str, Any], **choice: Any) -> dict[str, Any]:
    state = {"Type": "Choice", "Choices": list(rules), "Default": "Done", **choice}
    return machine({"C": state, "Yes": {"Type": "Succeed"}, "Done": {"Type": "Succeed"}})


def rule(**fields: Any) -> dict[str, Any]:
    return {"Variable": "$.v", **fields, "Next": "Yes"}


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", "a"),
        ("StringMatches", "log-*.txt"),
        ("StringLessThanEqualsPath", "$.other"),
        ("NumericGreaterThan", 1.5),
        ("NumericEqualsPath", "$$.Execution.Input.n"),
        ("BooleanEquals", False),
        ("BooleanEqualsPath", "$myVar"),
        ("TimestampLessThan", "2016-03-14T01:59:00Z"),
        ("TimestampEqualsPath", "$.t"),
        ("IsPresent", True),
        ("IsNull", False),
        ("IsNumeric", True),
        ("IsString", True),
        ("IsBoolean", True),
        ("IsTimestamp", True),
    ],
)
def test_every_comparison_operator(operator: str, value: Any) -> None:
    assert_ok(choice_machine(rule(**{operator: value})))


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", 1),
        ("StringMatches", None),
        ("StringLessThanPath", "x"),
        ("NumericEquals", "1"),
        ("NumericLessThanPath", "$.a[*]"),
        ("BooleanEquals", "true"),
        ("TimestampLessThan", "x"),
        ("TimestampEquals", None),
        ("IsPresent", 1),
        ("IsNumeric", "True"),
    ],
)
def test_operand_types(operator: str, value: Any) -> None:
    assert_fails_at(choice_machine(rule(**{operator: value})), f"/States/C/Choices/0/{operator}")


def test_rule_shapes() -> None:
    assert_fails_at(choice_machine({"Variable": "$.v", "Next": "Yes"}), "/States/C/Choices/0")
    assert_fails_at(choice_machine(rule(StringEquals="a", IsNull=True)), "/States/C/Choices/0")
    assert_fails_at(choice_machine({"StringEquals": "a", "Next": "Yes"}), "/States/C/Choices/0")
    assert_field_refused(choice_machine(rule(IsNull=True, Bogus=1)), "/States/C/Choices/0", "Bogus")
    assert_fails_at(choice_machine({"Variable": "$.v", "IsNull": True}), "/States/C/Choices/0")
    assert_fails_at(choice_machine(rule(Variable="v", IsNull=True)), "/States/C/Choices/0/Variable")


def test_and_or_not() -> None:
    nested = {"Variable": "$.v", "IsNull": True}
    combined = {
        "And": [nested, {"Or": [nested, {"Not": nested}]}],
        "Next": "Yes",
    }
    assert_ok(choice_machine(combined))
    assert_fails_at(choice_machine({"And": [], "Next": "Yes"}), "/States/C/Choices/0/And")
    assert_fails_at(choice_machine({"Not": [nested], "Next": "Yes"}), "/States/C/Choices/0/Not")
    inner_next = {"Or": [{**nested, "Next": "Yes"}], "Next": "Yes"}
    assert_field_refused(choice_machine(inner_next), "/States/C/Choices/0/Or/0", "Next")


def test_choices_must_be_a_non_empty_array_of_objects() -> None:
    assert_fails_at(choice_machine(), "/States/C/Choices")
    bad = machine({"C": {"Type": "Choice", "Choices": [None]}, "Done": {"Type": "Succeed"}})
    assert_fails_at(bad, "/States/C/Choices/0")


def test_default_is_optional() -> None:
    state = {"Type": "Choice", "Choices": [rule(IsNull=True)]}
    assert_ok(machine({"C": state, "Yes": {"Type": "Succeed"}}))


def test_condition_is_jsonata_only() -> None:
    definition = choice_machine({"Condition": "{% true %}", "Next": "Yes"})
    assert_field_refused(definition, "/States/C/Choices/0", "Condition")


def test_jsonata_rules() -> None:
    definition = choice_machine(
        {
            "Condition": "{% $states.input.a > 1 %}",
            "Assign": {"seen": True},
            "Output": {"a": "{% $states.input.a %}"},
            "Next": "Yes",
        },
        QueryLanguage="JSONata",
    )
    assert_ok(definition)
    jsonata_with_variable = choice_machine(rule(IsNull=True), QueryLanguage="JSONata")
    assert_field_refused(jsonata_with_variable, "/States/C/Choices/0", "Variable")
    no_condition = choice_machine({"Next": "Yes"}, QueryLanguage="JSONata")
    assert_fails_at(no_condition, "/States/C/Choices/0")


def test_no_path_warning() -> None:
    result = check(choice_machine(rule(StringEquals="$.expected")))
    assert result.ok
    assert [(d.code, d.location) for d in result.warnings] == [
        ("NO_PATH", "/States/C/Choices/0/StringEquals")
    ]
