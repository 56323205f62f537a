"""Map states: processors, items, Distributed Map parts, limits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stepscope.asl.validation.helpers import (
    assert_fails_at,
    assert_field_refused,
    assert_ok,
    single,
)

S3_GET = "arn:aws:states:::s3:getObject"
S3_PUT = "arn:aws:states:::s3:putObject"


def processor(**config: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}}
    if config:
        body["ProcessorConfig"] = config
    return body


def map_state(**fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor(), "End": True, **fields}


def distributed(**fields: Any) -> dict[str, Any]:
    config = processor(Mode="DISTRIBUTED", ExecutionType="EXPRESS")
    return {**map_state(**fields), "ItemProcessor": config}


def test_inline_and_legacy_maps() -> None:
    assert_ok(
        single(
            map_state(
                ItemsPath="$.items", MaxConcurrency=0, ItemSelector={"v.$": "$$.Map.Item.Value"}
            )
        )
    )
    legacy = {"Type": "Map", "Iterator": processor(), "Parameters": {"a.$": "$.a"}, "End": True}
    assert_ok(single(legacy))
    legacy_configured = {"Type": "Map", "Iterator": processor(Mode="INLINE"), "End": True}
    assert_ok(single(legacy_configured))


def test_nested_inline_maps() -> None:
    inner = {"Type": "Map", "ItemProcessor": processor(), "End": True}
    outer = {
        "Type": "Map",
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner}},
        "End": True,
    }
    assert_ok(single(outer))


def test_processor_is_required_and_exclusive() -> None:
    assert_fails_at(single({"Type": "Map", "End": True}), "/States/S")
    both = {**map_state(), "Iterator": processor()}
    assert_fails_at(single(both), "/States/S")
    assert_fails_at(single({"Type": "Map", "Iterator": [], "End": True}), "/States/S/Iterator")


def test_processor_config() -> None:
    assert_fails_at(
        single(map_state(ItemProcessor=processor(Mode="BATCH"))),
        "/States/S/ItemProcessor/ProcessorConfig/Mode",
    )
    assert_fails_at(
        single(map_state(ItemProcessor=processor(Mode="DISTRIBUTED"))),
        "/States/S/ItemProcessor/ProcessorConfig",
    )
    extra = processor(Mode="INLINE")
    extra["QueryLanguage"] = "JSONata"
    assert_field_refused(
        single(map_state(ItemProcessor=extra)), "/States/S/ItemProcessor", "QueryLanguage"
    )


def test_distributed_map_with_reader_batcher_writer() -> None:
    state = distributed(
        ItemReader={
            "Resource": S3_GET,
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 10},
            "Parameters": {"Bucket": "b", "Key": "k.csv"},
        },
        ItemBatcher={"MaxItemsPerBatch": 10, "MaxInputBytesPerBatch": 1024, "BatchInput": {"a": 1}},
        ResultWriter={"Resource": S3_PUT, "Parameters": {"Bucket": "out", "Prefix": "p"}},
        ToleratedFailurePercentage=5.5,
        ToleratedFailureCount=3,
        Label="rows",
    )
    assert_ok(single(state))


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"ItemReader": {}}, "/States/S/ItemReader"),
        (
            {
                "ItemReader": {
                    "Resource": S3_GET,
                    "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"},
                }
            },
            "/States/S/ItemReader/ReaderConfig",
        ),
        (
            {"ItemReader": {"Resource": S3_GET, "ReaderConfig": {"MaxItemsPath": "x"}}},
            "/States/S/ItemReader/ReaderConfig/MaxItemsPath",
        ),
        (
            {"ItemReader": {"Resource": S3_GET, "ReaderConfig": {"InputType": "XML"}}},
            "/States/S/ItemReader/ReaderConfig/InputType",
        ),
        ({"ItemReader": {"Resource": S3_GET, "Arguments": {}}}, "/States/S/ItemReader"),
        ({"ResultWriter": {}}, "/States/S/ResultWriter"),
        (
            {"ResultWriter": {"Resource": S3_PUT, "ReaderConfig": {}}},
            "/States/S/ResultWriter",
        ),
        ({"ItemBatcher": {"MaxItemsPerBatch": 0}}, "/States/S/ItemBatcher/MaxItemsPerBatch"),
        (
            {"ItemBatcher": {"MaxInputBytesPerBatch": 0}},
            "/States/S/ItemBatcher/MaxInputBytesPerBatch",
        ),
        (
            {"ItemBatcher": {"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.n"}},
            "/States/S/ItemBatcher",
        ),
        ({"ToleratedFailurePercentage": -1}, "/States/S/ToleratedFailurePercentage"),
        ({"ToleratedFailurePercentage": 101}, "/States/S/ToleratedFailurePercentage"),
        ({"ToleratedFailureCount": "x"}, "/States/S/ToleratedFailureCount"),
        ({"ToleratedFailureCount": -1}, "/States/S/ToleratedFailureCount"),
        ({"ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c"}, "/States/S"),
        ({"MaxConcurrency": -1}, "/States/S/MaxConcurrency"),
        ({"MaxConcurrencyPath": "x"}, "/States/S/MaxConcurrencyPath"),
        ({"ItemSelector": {}, "Parameters": {}}, "/States/S"),
        ({"ItemsPath": "$.a[*]"}, "/States/S/ItemsPath"),
    ],
)
def test_bad_map_fields(fields: dict[str, Any], where: str) -> None:
    assert_fails_at(single(distributed(**fields)), where)


def test_jsonata_map() -> None:
    state = map_state(
        Items="{% $states.input.rows %}", ItemSelector={"v": "{% $states.context.Map.Item.Value %}"}
    )
    assert_ok(single(state, QueryLanguage="JSONata"))
    assert_ok(single(map_state(Items=[1, 2, 3]), QueryLanguage="JSONata"))
    assert_fails_at(
        single(map_state(Items="states.input.x"), QueryLanguage="JSONata"), "/States/S/Items"
    )
    assert_fails_at(
        single(map_state(Items={"bad": 42}), QueryLanguage="JSONata"), "/States/S/Items"
    )
    both = map_state(Items="{% $states.input %}", ItemsPath="$.x")
    assert_field_refused(single(both, QueryLanguage="JSONata"), "/States/S", "ItemsPath")
    assert_field_refused(single(map_state(Items=[1])), "/States/S", "Items")
