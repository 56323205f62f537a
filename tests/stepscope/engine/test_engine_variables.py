from __future__ import annotations

from tests.stepscope.engine.engine_helpers import machine, run


def test_jsonpath_assign_reads_the_result_and_paths_read_variables() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "Result": {"n": 42},
                "Assign": {"answer.$": "$.n", "fixed": "x"},
                "Next": "B",
            },
            "B": {
                "Type": "Pass",
                "Parameters": {"got.$": "$answer", "text.$": "States.Format('{}!', $fixed)"},
                "End": True,
            },
        }
    )
    completed = run(definition, {})
    assert completed.output == {"got": 42, "text": "x!"}
    details = completed.events[2]["stateExitedEventDetails"]
    assert details["assignedVariables"] == {"answer": "42", "fixed": '"x"'}
    assert details["assignedVariablesDetails"] == {"truncated": False}


def test_assignments_in_one_state_see_the_previous_values() -> None:
    definition = machine(
        {
            "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x": 2, "old.$": "$x"}, "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "old.$": "$old"}, "End": True},
        }
    )
    assert run(definition, {}).output == {"x": 2, "old": 1}


def test_branch_assignments_stay_in_the_branch() -> None:
    inner = machine({"I": {"Type": "Pass", "Assign": {"x": "inner"}, "End": True}})
    definition = machine(
        {
            "A": {"Type": "Pass", "Assign": {"x": "outer"}, "Next": "P"},
            "P": {"Type": "Parallel", "Branches": [inner], "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": True},
        }
    )
    assert run(definition, {}).output == {"x": "outer"}


def test_variables_survive_the_snapshot_between_steps() -> None:
    import json

    from stepscope.engine import start, step

    definition = machine(
        {
            "A": {"Type": "Pass", "Assign": {"v": [1, 2]}, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 10, "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
        }
    )
    result = step(start(definition, {}))
    while result.wake_at is not None:
        result = step(json.loads(json.dumps(result.snapshot)), now=result.wake_at)
    assert result.snapshot["output"] == {"v": [1, 2]}
