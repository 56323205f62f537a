"""Fields per state type and per query language."""

from __future__ import annotations

import pytest

from tests.stepscope.asl.validation.helpers import (
    INVOKE,
    assert_fails_at,
    assert_field_refused,
    assert_ok,
    messages,
    single,
)

TASK = {"Type": "Task", "Resource": INVOKE, "End": True}


@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"Type": "Pass", "End": True, "Catch": []}, "Catch"),
        ({"Type": "Pass", "End": True, "Retry": []}, "Retry"),
        ({"Type": "Pass", "End": True, "ResultSelector": {}}, "ResultSelector"),
        ({"Type": "Succeed", "Parameters": {}}, "Parameters"),
        ({"Type": "Succeed", "Assign": {"x": 1}}, "Assign"),
        ({"Type": "Fail", "ResultPath": "$.x"}, "ResultPath"),
        ({"Type": "Fail", "InputPath": "$"}, "InputPath"),
        ({"Type": "Wait", "Seconds": 1, "End": True, "Parameters": {}}, "Parameters"),
        ({"Type": "Parallel", "Branches": [], "End": True, "TimeoutSeconds": 5}, "TimeoutSeconds"),
        (
            {"Type": "Map", "ItemProcessor": {}, "End": True, "HeartbeatSeconds": 5},
            "HeartbeatSeconds",
        ),
        ({**TASK, "Result": {}}, "Result"),
        ({**TASK, "Foo": 1}, "Foo"),
    ],
)
def test_field_not_supported_by_state_type(state: dict[str, object], field: str) -> None:
    assert_field_refused(single(state), "/States/S", field)
    assert f"Field '{field}' is not supported" in messages(single(state))


def test_choice_has_no_next_or_end() -> None:
    choice = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "S"}],
        "Next": "S",
    }
    assert_field_refused(single(choice), "/States/S", "Next")


@pytest.mark.parametrize("field", ["Output", "Arguments"])
def test_jsonata_fields_in_a_jsonpath_state(field: str) -> None:
    definition = single({**TASK, field: {}})
    assert_field_refused(definition, "/States/S", field)
    assert "only supported for the 'JSONata' QueryLanguage" in messages(definition)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("InputPath", "$"),
        ("OutputPath", "$"),
        ("Parameters", {}),
        ("ResultSelector", {}),
        ("ResultPath", "$.r"),
        ("TimeoutSecondsPath", "$.t"),
    ],
)
def test_jsonpath_fields_in_a_jsonata_state(field: str, value: object) -> None:
    definition = single({**TASK, field: value}, QueryLanguage="JSONata")
    assert_field_refused(definition, "/States/S", field)
    assert "only supported for the 'JSONPath' QueryLanguage" in messages(definition)


def test_jsonata_state_in_a_jsonpath_machine_is_fine() -> None:
    assert_ok(single({**TASK, "QueryLanguage": "JSONata", "Output": "{% $states.result %}"}))


def test_jsonpath_state_in_a_jsonata_machine_is_refused() -> None:
    definition = single({**TASK, "QueryLanguage": "JSONPath"}, QueryLanguage="JSONata")
    assert_fails_at(definition, "/States/S")
    assert "can not be 'JSONPath'" in messages(definition)


def test_states_in_a_map_take_the_machine_language_not_the_maps() -> None:
    inner = {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "End": True}
    map_state = {
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner}},
        "End": True,
    }
    assert_ok(single(map_state))
    inner_jsonata = {"Type": "Pass", "Output": "{% $states.input %}", "End": True}
    map_state["ItemProcessor"] = {"StartAt": "Inner", "States": {"Inner": inner_jsonata}}
    assert_field_refused(single(map_state), "/States/S/ItemProcessor/States/Inner", "Output")


def test_state_query_language_must_be_known() -> None:
    assert_fails_at(single({**TASK, "QueryLanguage": "SQL"}), "/States/S/QueryLanguage")


def test_comment_must_be_a_string() -> None:
    assert_fails_at(single({**TASK, "Comment": 3}), "/States/S/Comment")


def test_assign_is_allowed_on_states_that_support_it() -> None:
    for state in (
        {"Type": "Pass", "End": True},
        TASK,
        {"Type": "Wait", "Seconds": 1, "End": True},
    ):
        assert_ok(single({**state, "Assign": {"counter": 1}}))
