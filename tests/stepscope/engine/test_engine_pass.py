from __future__ import annotations

from tests.stepscope.engine.engine_helpers import chain, exited_output, machine, run, types


def test_pass_hands_on_its_input_and_records_entered_and_exited_events() -> None:
    completed = run(machine({"P": {"Type": "Pass", "End": True}}), {"a": 1})
    assert completed.status == "SUCCEEDED"
    assert completed.output == {"a": 1}
    assert chain(completed) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "PassStateEntered"),
        (3, 2, "PassStateExited"),
        (4, 3, "ExecutionSucceeded"),
    ]
    assert completed.events[1]["stateEnteredEventDetails"]["input"] == '{"a":1}'


def test_result_is_placed_with_result_path_and_filtered_with_output_path() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Result": {"x": 2},
                "ResultPath": "$.r",
                "OutputPath": "$.r",
                "End": True,
            }
        }
    )
    assert run(definition, {"a": 1}).output == {"x": 2}


def test_null_paths_mean_empty_input_and_discarded_result() -> None:
    definition = machine(
        {
            "A": {"Type": "Pass", "InputPath": None, "Parameters": {"in.$": "$"}, "Next": "B"},
            "B": {"Type": "Pass", "Result": 5, "ResultPath": None, "Next": "C"},
            "C": {"Type": "Pass", "OutputPath": None, "End": True},
        }
    )
    completed = run(definition, {"a": 1})
    assert exited_output(completed, "A") == {"in": {}}
    assert exited_output(completed, "B") == {"in": {}}
    assert completed.output == {}


def test_parameters_take_paths_context_object_and_intrinsics() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Pass",
                "Parameters": {
                    "name.$": "$$.State.Name",
                    "first.$": "$.items[0]",
                    "text.$": "States.Format('{} and {}', $.items[0], $.items[1])",
                    "literal": "$.not-a-path",
                },
                "End": True,
            }
        }
    )
    assert run(definition, {"items": ["x", "y"]}).output == {
        "name": "P",
        "first": "x",
        "text": "x and y",
        "literal": "$.not-a-path",
    }


def test_missing_input_path_fails_with_aws_runtime_cause() -> None:
    definition = machine({"P": {"Type": "Pass", "InputPath": "$.nope", "End": True}})
    completed = run(definition, {})
    assert completed.status == "FAILED"
    assert completed.error == "States.Runtime"
    assert completed.cause == (
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "Invalid path '$.nope' : No results for path: $['nope']"
    )
    assert types(completed)[-1] == "ExecutionFailed"


def test_missing_parameter_path_quotes_the_input() -> None:
    definition = machine({"P": {"Type": "Pass", "Parameters": {"v.$": "$.nope"}, "End": True}})
    completed = run(definition, {"a": 1})
    assert completed.cause is not None
    assert completed.cause.endswith(
        "The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input "
        "'{\"a\":1}'"
    )
