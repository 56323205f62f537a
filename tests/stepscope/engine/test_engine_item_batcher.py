from __future__ import annotations

import json
from typing import Any

from tests.stepscope.engine.engine_helpers import machine, run

PASS = machine({"P": {"Type": "Pass", "End": True}})


def batched(batcher: dict[str, Any], **extra: Any) -> dict[str, Any]:
    processor = {**PASS, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
    state = {"Type": "Map", "ItemBatcher": batcher, "ItemProcessor": processor, "End": True}
    return machine({"M": {**state, **extra}})


def test_max_items_per_batch_groups_items_in_order() -> None:
    completed = run(batched({"MaxItemsPerBatch": 2}), [1, 2, 3, 4, 5])
    assert completed.output == [{"Items": [1, 2]}, {"Items": [3, 4]}, {"Items": [5]}]


def test_batch_input_is_added_to_every_batch() -> None:
    batcher = {"MaxItemsPerBatchPath": "$.size", "BatchInput": {"job.$": "$.job", "fixed": 1}}
    completed = run(batched(batcher, ItemsPath="$.xs"), {"xs": [1, 2, 3], "size": 2, "job": "j"})
    assert completed.output == [
        {"BatchInput": {"job": "j", "fixed": 1}, "Items": [1, 2]},
        {"BatchInput": {"job": "j", "fixed": 1}, "Items": [3]},
    ]


def test_max_input_bytes_per_batch_counts_the_childs_whole_input() -> None:
    items = ["aaaa", "bbbb", "cccc"]
    # {"Items":["aaaa","bbbb"]} is 25 bytes; a third item would make it 32.
    assert len(json.dumps({"Items": items[:2]}, separators=(",", ":"))) == 25
    completed = run(batched({"MaxInputBytesPerBatch": 25}), items)
    assert completed.output == [{"Items": ["aaaa", "bbbb"]}, {"Items": ["cccc"]}]


def test_an_item_larger_than_a_batch_may_be_fails_the_state() -> None:
    completed = run(batched({"MaxInputBytesPerBatch": 12}), ["a long item that does not fit"])
    assert completed.error == "States.Runtime"
    assert completed.cause is not None and "MaxInputBytesPerBatch" in completed.cause


def test_item_selector_applies_to_items_before_they_are_batched() -> None:
    definition = batched({"MaxItemsPerBatch": 5}, ItemSelector={"v.$": "$$.Map.Item.Value"})
    completed = run(definition, [1, 2])
    assert completed.output == [{"Items": [{"v": 1}, {"v": 2}]}]


def test_batch_sizes_must_be_positive_integers() -> None:
    completed = run(batched({"MaxItemsPerBatchPath": "$.n"}, ItemsPath="$.xs"), {"xs": [1], "n": 0})
    assert completed.error == "States.Runtime"
    assert completed.cause is not None and completed.cause.endswith(
        "The MaxItemsPerBatch field must be a positive integer, but was 0"
    )


def test_jsonata_batcher_fields_are_expressions() -> None:
    batcher = {
        "MaxItemsPerBatch": "{% $states.input.size %}",
        "BatchInput": {"entered": "{% $states.context.State.Name %}"},
    }
    definition = {
        **batched(batcher, Items="{% $states.input.xs %}"),
        "QueryLanguage": "JSONata",
    }
    completed = run(definition, {"xs": [1, 2, 3], "size": 3})
    assert completed.output == [{"BatchInput": {"entered": "M"}, "Items": [1, 2, 3]}]


def test_a_failed_batch_counts_all_its_items_against_the_tolerance() -> None:
    failing = machine({"F": {"Type": "Fail", "Error": "Bad"}})
    processor = {**failing, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}
    definition = machine(
        {
            "M": {
                "Type": "Map",
                "ItemBatcher": {"MaxItemsPerBatch": 2},
                "ToleratedFailureCount": 1,
                "ItemProcessor": processor,
                "End": True,
            }
        }
    )
    completed = run(definition, [1, 2])
    assert completed.error == "States.ExceedToleratedFailureThreshold"
