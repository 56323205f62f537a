from __future__ import annotations

from tests.stepscope.engine.engine_helpers import chain, exited_output, run, types


def jsonata(states: dict[str, object], start: str | None = None) -> dict[str, object]:
    return {"QueryLanguage": "JSONata", "StartAt": start or next(iter(states)), "States": states}


def test_output_sees_states_input_and_context() -> None:
    definition = jsonata(
        {
            "P": {
                "Type": "Pass",
                "Output": {
                    "sum": "{% $states.input.a + 1 %}",
                    "me": "{% $states.context.State.Name %}",
                },
                "End": True,
            }
        }
    )
    assert run(definition, {"a": 1}).output == {"sum": 2, "me": "P"}


def test_aws_functions_are_available() -> None:
    definition = jsonata(
        {
            "P": {
                "Type": "Pass",
                "Output": {
                    "parts": "{% $partition([1,2,3], 2) %}",
                    "range": "{% $range(0, 6, 3) %}",
                    "parsed": "{% $parse('{\"k\": true}') %}",
                    "hash": "{% $hash('input data', 'MD5') %}",
                },
                "End": True,
            }
        }
    )
    assert run(definition, {}).output == {
        "parts": [[1, 2], [3]],
        "range": [0, 3, 6],
        "parsed": {"k": True},
        "hash": "812f45842bc6d66ee14572ce20db8e86",
    }


def test_undefined_result_is_a_query_evaluation_error_with_evaluation_failed_event() -> None:
    definition = jsonata({"P": {"Type": "Pass", "Output": {"x": "{% $nothing %}"}, "End": True}})
    completed = run(definition, {})
    assert completed.error == "States.QueryEvaluationError"
    assert completed.cause == (
        "An error occurred while executing the state 'P' (entered at the event id #2). The "
        "JSONata expression '$nothing' specified for the field 'Output/x' returned nothing "
        "(undefined)."
    )
    assert chain(completed) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "PassStateEntered"),
        (3, 0, "EvaluationFailed"),
        (4, 3, "ExecutionFailed"),
    ]
    assert completed.events[2]["evaluationFailedEventDetails"]["location"] == "Output/x"


def test_choice_condition_and_rule_assign() -> None:
    definition = jsonata(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.n > 1 %}",
                        "Next": "Big",
                        "Assign": {"size": "big"},
                    }
                ],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Output": "{% $size %}", "End": True},
            "Small": {"Type": "Pass", "End": True},
        },
        start="C",
    )
    completed = run(definition, {"n": 5})
    assert completed.output == "big"
    exited = completed.events[2]["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"size": '"big"'}


def test_map_items_and_item_selector() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.xs %}",
                "ItemSelector": {"v": "{% $states.context.Map.Item.Value * 10 %}"},
                "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        }
    )
    assert run(definition, {"xs": [1, 2]}).output == [{"v": 10}, {"v": 20}]


def test_map_items_must_be_an_array() -> None:
    definition = jsonata(
        {
            "M": {
                "Type": "Map",
                "Items": "{% 'text' %}",
                "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        }
    )
    completed = run(definition, {})
    assert completed.error == "States.QueryEvaluationError"
    assert types(completed)[-3:] == ["EvaluationFailed", "MapStateFailed", "ExecutionFailed"]


def test_catch_output_defaults_to_the_error_output() -> None:
    definition = jsonata(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}
                ],
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "Done",
                        "Assign": {"err": "{% $states.errorOutput.Error %}"},
                    }
                ],
                "End": True,
            },
            "Done": {
                "Type": "Pass",
                "Output": {"seen": "{% $err %}", "in": "{% $states.input %}"},
                "End": True,
            },
        },
        start="P",
    )
    completed = run(definition, {})
    assert completed.output == {"seen": "E", "in": {"Error": "E", "Cause": "c"}}
    assert exited_output(completed, "P") == {"Error": "E", "Cause": "c"}
