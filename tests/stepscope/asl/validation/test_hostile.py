"""Any text or JSON value gets a result, never an exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepscope.asl.validation import validate_data, validate_text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)
ASL_WORDS = [
    "Type", "Next", "End", "States", "StartAt", "Choices", "Branches", "ItemProcessor", "Iterator",
    "Catch", "Retry", "ErrorEquals", "Parameters", "Assign", "Output", "Arguments", "Resource",
    "Variable", "And", "Not", "QueryLanguage", "Seconds", "Items", "Condition", "ItemReader",
    "Pass", "Task", "Choice", "Map", "Parallel", "Wait", "Fail", "Succeed", "JSONata", "a.$",
]  # fmt: skip
asl_like = st.recursive(
    st.sampled_from(
        ASL_WORDS + ["$.a", "{% $x %}", "{% ( %}", "States.UUID()", "arn:aws:states:::x"]
    )
    | st.integers(-2, 3)
    | st.booleans()
    | st.none(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(ASL_WORDS), children, max_size=5)
    ),
    max_leaves=40,
)


def _assert_well_formed(result: Any) -> None:
    assert result.result in ("OK", "FAIL")
    for diagnostic in result.diagnostics:
        shaped = diagnostic.to_json()
        assert isinstance(shaped["message"], str) and shaped["message"]
        assert isinstance(shaped["location"], str)
        assert "could not check" not in shaped["message"], shaped["message"]
        json.dumps(shaped)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gets_a_result(text: str) -> None:
    _assert_well_formed(validate_text(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_gets_a_result(value: Any) -> None:
    _assert_well_formed(validate_data(value))
    _assert_well_formed(validate_text(json.dumps(value)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asl_like)
def test_asl_shaped_junk_gets_a_result(value: Any) -> None:
    _assert_well_formed(validate_data({"StartAt": "S", "States": {"S": value}}))
    _assert_well_formed(validate_data(value))


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"a":' * 100_000,
        "\x00\xff\xfe garbage \ud800",
        '{"StartAt": "S", "States": {"S": {"Type": "Pass", "Parameters": {"a.$": "'
        + "States.Array(" * 2000
        + '"}, "End": true}}}',
        '{"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {"Type": "Pass", '
        '"Output": "{% ' + "[" * 20000 + ' %}", "End": true}}}',
    ],
)
def test_hostile_definitions_fail_cleanly(text: str) -> None:
    result = validate_text(text)
    assert result.result == "FAIL"
    _assert_well_formed(result)


def test_non_string_yaml_keys_and_odd_values() -> None:
    result = validate_text(
        "StartAt: 1\nStates:\n  1: {Type: Pass, End: true, Comment: 2024-01-01}\n"
    )
    _assert_well_formed(result)
    assert result.result == "FAIL"
