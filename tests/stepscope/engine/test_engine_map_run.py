from __future__ import annotations

from tests.stepscope.engine.engine_helpers import chain, machine, run


def distributed(**extra: object) -> dict[str, object]:
    processor = machine({"X": {"Type": "Pass", "End": True}})
    processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    return machine({"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **extra}})


def test_distributed_map_records_a_map_run_not_the_iterations() -> None:
    completed = run(distributed(Label="batch"), [1, 2, 3])
    assert completed.output == [1, 2, 3]
    assert chain(completed) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapRunStarted"),
        (5, 4, "MapRunSucceeded"),
        (6, 5, "MapStateSucceeded"),
        (7, 5, "MapStateExited"),
        (8, 7, "ExecutionSucceeded"),
    ]
    arn = completed.events[3]["mapRunStartedEventDetails"]["mapRunArn"]
    assert arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:stepscope-local/batch:")


def test_tolerated_failure_count_cannot_be_negative() -> None:
    completed = run(
        distributed(ItemsPath="$.xs", ToleratedFailureCountPath="$.t"), {"xs": [1], "t": -1}
    )
    assert completed.error == "States.Runtime"
    assert completed.cause is not None and completed.cause.endswith(
        "ToleratedFailureCount cannot be negative."
    )


def test_max_concurrency_path_must_be_an_integer() -> None:
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.xs",
                "MaxConcurrencyPath": "$.c",
                "ItemProcessor": machine({"X": {"Type": "Pass", "End": True}}),
                "End": True,
            }
        }
    )
    completed = run(definition, {"xs": [1], "c": "many"})
    assert completed.cause is not None and completed.cause.endswith(
        'The MaxConcurrencyPath field refers to value "many" which is not a valid integer: $.c'
    )
