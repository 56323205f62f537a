from __future__ import annotations

from tests.stepscope.engine.engine_helpers import chain, machine, run, types


def test_parallel_collects_branch_outputs_in_branch_order() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    machine({"A": {"Type": "Pass", "Result": 1, "End": True}}),
                    machine({"B": {"Type": "Pass", "Result": 2, "End": True}}),
                ],
                "End": True,
            }
        }
    )
    completed = run(definition, {})
    assert completed.output == [1, 2]
    assert types(completed)[2:4] == ["ParallelStateStarted", "PassStateEntered"]
    assert types(completed)[-3:] == [
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ]


def test_parallel_branch_failure_fails_the_state_and_can_be_caught() -> None:
    definition = machine(
        {
            "P": {
                "Type": "Parallel",
                "Branches": [machine({"F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}})],
                "Catch": [{"ErrorEquals": ["Boom"], "Next": "C"}],
                "End": True,
            },
            "C": {"Type": "Pass", "End": True},
        },
        start="P",
    )
    completed = run(definition, {})
    assert completed.output == {"Error": "Boom", "Cause": "why"}
    assert chain(completed)[3:6] == [
        (4, 3, "FailStateEntered"),
        (5, 4, "ParallelStateFailed"),
        (6, 5, "ParallelStateExited"),
    ]


def test_map_runs_each_item_with_item_selector_and_context() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {
                    "v.$": "$$.Map.Item.Value",
                    "i.$": "$$.Map.Item.Index",
                    "k.$": "$.k",
                },
                "ItemProcessor": machine({"X": {"Type": "Pass", "End": True}}),
                "End": True,
            }
        }
    )
    completed = run(definition, {"items": ["a", "b"], "k": 0})
    assert completed.output == [{"v": "a", "i": 0, "k": 0}, {"v": "b", "i": 1, "k": 0}]


def test_map_events_chain_like_aws() -> None:
    """One iteration at a time (the corpus's Map recordings all set MaxConcurrency 1)."""
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "Iterator": machine({"X": {"Type": "Pass", "End": True}}),
                "End": True,
            }
        }
    )
    completed = run(definition, [1, 2])
    assert chain(completed) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapIterationStarted"),
        (5, 4, "PassStateEntered"),
        (6, 5, "PassStateExited"),
        (7, 6, "MapIterationSucceeded"),
        (8, 6, "MapIterationStarted"),
        (9, 8, "PassStateEntered"),
        (10, 9, "PassStateExited"),
        (11, 10, "MapIterationSucceeded"),
        (12, 11, "MapStateSucceeded"),
        (13, 11, "MapStateExited"),
        (14, 13, "ExecutionSucceeded"),
    ]


def test_map_over_a_non_array_is_a_runtime_error() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": machine({"X": {"Type": "Pass", "End": True}}),
                "End": True,
            }
        }
    )
    completed = run(definition, {"a": 1})
    assert completed.error == "States.Runtime"
    assert completed.cause is not None and completed.cause.endswith(
        'Map state input must be an array but was: {"a":1}'
    )
