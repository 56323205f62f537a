from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stepscope.engine.resolvers.object_store import InMemoryObjectStore, LocalObjectStore
from tests.stepscope.engine.engine_helpers import chain, machine, run, types

PASS = machine({"P": {"Type": "Pass", "End": True}})


def reader_map(reader: dict[str, Any], **extra: Any) -> dict[str, Any]:
    processor = {**PASS, "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}}
    state = {"Type": "Map", "ItemReader": reader, "ItemProcessor": processor, "End": True}
    return machine({"M": {**state, **extra}})


def get_object(config: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    reader: dict[str, Any] = {
        "Resource": "arn:aws:states:::s3:getObject",
        "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
    }
    if config is not None:
        reader["ReaderConfig"] = config
    return {**reader, **fields}


def s3(objects: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {"s3": InMemoryObjectStore(objects)}


WHERE = {"bucket": "b", "key": "k"}


def test_json_array_items_run_as_a_map_run_that_starts_with_length_zero() -> None:
    completed = run(
        reader_map(get_object({"InputType": "JSON"})),
        WHERE,
        resolvers=s3({("b", "k"): '[{"a": 1}, {"a": 2}]'}),
    )
    assert completed.output == [{"a": 1}, {"a": 2}]
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
    assert completed.events[2]["mapStateStartedEventDetails"] == {"length": 0}


def test_jsonl_lines_are_items_and_blank_lines_are_skipped() -> None:
    body = '{"n": 1}\n\n"two"\n3\n'
    completed = run(
        reader_map(get_object({"InputType": "JSONL"})), WHERE, resolvers=s3({("b", "k"): body})
    )
    assert completed.output == [{"n": 1}, "two", 3]


def test_csv_first_row_headers_with_a_pipe_delimiter_and_quoted_fields() -> None:
    body = 'id|name|note\n1|"Smith| J"|x\n2|Lee\n'
    config = {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "PIPE"}
    completed = run(reader_map(get_object(config)), WHERE, resolvers=s3({("b", "k"): body}))
    assert completed.output == [
        {"id": "1", "name": "Smith| J", "note": "x"},
        {"id": "2", "name": "Lee", "note": ""},
    ]


def test_csv_given_headers_drop_extra_fields() -> None:
    config = {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a"]}
    completed = run(reader_map(get_object(config)), WHERE, resolvers=s3({("b", "k"): "1,2\n3,4\n"}))
    assert completed.output == [{"a": "1"}, {"a": "3"}]


def test_duplicate_csv_headers_fail_the_map_run() -> None:
    config = {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "a"]}
    completed = run(reader_map(get_object(config)), WHERE, resolvers=s3({("b", "k"): "1,2\n"}))
    assert (completed.error, completed.cause) == (
        "States.ItemReaderFailed",
        "CSV headers cannot contain duplicates.",
    )
    assert types(completed)[-4:] == [
        "MapRunStarted",
        "MapRunFailed",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    assert completed.events[-3]["mapRunFailedEventDetails"] == {
        "error": "States.ItemReaderFailed",
        "cause": "CSV headers cannot contain duplicates.",
    }


def test_max_items_limits_items_and_zero_means_all() -> None:
    objects = {("b", "k"): "[1, 2, 3]"}
    limited = run(reader_map(get_object({"MaxItems": 2})), WHERE, resolvers=s3(objects))
    assert limited.output == [1, 2]
    unlimited = run(reader_map(get_object({"MaxItems": 0})), WHERE, resolvers=s3(objects))
    assert unlimited.output == [1, 2, 3]


def test_max_items_path_reads_numbers_written_as_text_and_rejects_negatives() -> None:
    objects = {("b", "k"): "[1, 2, 3]"}
    definition = reader_map(get_object({"MaxItemsPath": "$.max"}))
    assert run(definition, {**WHERE, "max": "1"}, resolvers=s3(objects)).output == [1]
    negative = run(definition, {**WHERE, "max": -1}, resolvers=s3(objects))
    assert (negative.error, negative.cause) == (
        "States.ItemReaderFailed",
        "field MaxItems must be positive",
    )


def test_a_missing_object_is_an_item_reader_failure_a_catcher_can_take() -> None:
    definition = reader_map(
        get_object(),
        Catch=[{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Caught"}],
    )
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    completed = run(definition, WHERE, resolvers={"s3": InMemoryObjectStore(buckets=["b"])})
    assert completed.status == "SUCCEEDED"
    assert completed.output["Error"] == "States.ItemReaderFailed"
    assert completed.output["Cause"].startswith(
        "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: "
    )


def test_without_an_object_store_the_reader_fails_clearly() -> None:
    completed = run(reader_map(get_object()), WHERE)
    assert completed.error == "States.ItemReaderFailed"
    assert completed.cause is not None and "resolvers['s3']" in completed.cause


def test_list_objects_v2_items_have_s3s_object_shape() -> None:
    reader = {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket": "b", "Prefix": "in/"},
    }
    objects = {("b", "in/x.txt"): "hello", ("b", "in/a.txt"): "", ("b", "out/y"): "z"}
    completed = run(reader_map(reader), {}, resolvers=s3(objects))
    assert completed.output == [
        {
            "Etag": '"d41d8cd98f00b204e9800998ecf8427e"',
            "Key": "in/a.txt",
            "LastModified": 1735732800,
            "Size": 0,
            "StorageClass": "STANDARD",
        },
        {
            "Etag": '"5d41402abc4b2a76b9719d911017c592"',
            "Key": "in/x.txt",
            "LastModified": 1735732800,
            "Size": 5,
            "StorageClass": "STANDARD",
        },
    ]


def test_jsonata_arguments_and_max_items_expression() -> None:
    reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "{% $states.input.key %}"},
        "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.max %}"},
    }
    definition = {**reader_map(reader), "QueryLanguage": "JSONata"}
    completed = run(definition, {**WHERE, "max": 1}, resolvers=s3({("b", "k"): '["a", "b"]'}))
    assert completed.output == ["a"]


def test_item_selector_sees_each_read_item_and_its_index() -> None:
    selector = {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"}
    definition = reader_map(get_object(), ItemSelector=selector)
    completed = run(definition, WHERE, resolvers=s3({("b", "k"): '["a", "b"]'}))
    assert completed.output == [{"value": "a", "index": 0}, {"value": "b", "index": 1}]


def test_items_pointer_selects_an_array_inside_a_json_object() -> None:
    definition = reader_map(get_object({"InputType": "JSON", "ItemsPointer": "/data/rows"}))
    body = json.dumps({"data": {"rows": [1, 2]}})
    assert run(definition, WHERE, resolvers=s3({("b", "k"): body})).output == [1, 2]


def test_a_json_object_without_pointer_is_not_a_list_of_items() -> None:
    completed = run(reader_map(get_object()), WHERE, resolvers=s3({("b", "k"): '{"a": 1}'}))
    assert completed.error == "States.ItemReaderFailed"


def test_local_object_store_reads_files_under_its_root(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "k").write_text('[{"x": 1}]')
    completed = run(reader_map(get_object()), WHERE, resolvers={"s3": LocalObjectStore(tmp_path)})
    assert completed.output == [{"x": 1}]


def test_csv_headers_over_10_kib_fail_the_reader() -> None:
    body = ",".join(f"column{n:05d}" for n in range(1000)) + "\n" + "1\n"
    config = {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}
    completed = run(reader_map(get_object(config)), WHERE, resolvers=s3({("b", "k"): body}))
    assert (completed.error, completed.cause) == (
        "States.ItemReaderFailed",
        "CSV headers cannot be larger than 10 KiB.",
    )


def test_a_map_result_over_256_kib_exceeds_the_data_limit() -> None:
    body = json.dumps(["x" * 1024] * 300)
    completed = run(reader_map(get_object()), WHERE, resolvers=s3({("b", "k"): body}))
    assert completed.error == "States.DataLimitExceeded"
    assert types(completed)[-4:] == [
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateFailed",
        "ExecutionFailed",
    ]
    assert completed.cause == (
        "The state/task 'M' returned a result with a size exceeding the maximum number of "
        "bytes service limit."
    )
