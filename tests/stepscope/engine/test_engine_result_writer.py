from __future__ import annotations

import json
from typing import Any

from stepscope.engine.resolvers.object_store import InMemoryObjectStore
from tests.stepscope.engine.engine_helpers import machine, run

PASS = machine({"P": {"Type": "Pass", "End": True}})
DISTRIBUTED = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}


def writer_map(writer: dict[str, Any], processor: dict[str, Any] = PASS, **extra: Any) -> Any:
    state = {
        "Type": "Map",
        "Label": "Jobs",
        "ResultWriter": writer,
        "ItemProcessor": {**processor, "ProcessorConfig": DISTRIBUTED},
        "End": True,
    }
    return machine({"M": {**state, **extra}})


EXPORT = {
    "Resource": "arn:aws:states:::s3:putObject",
    "Parameters": {"Bucket": "out", "Prefix": "runs"},
}


def read_json(store: InMemoryObjectStore, key: str) -> Any:
    return json.loads(store.get_object("out", key))


def test_results_are_exported_with_a_manifest_and_the_output_points_to_it() -> None:
    store = InMemoryObjectStore(buckets=["out"])
    completed = run(writer_map(EXPORT), ["a", "b"], resolvers={"s3": store})
    arn = completed.events[3]["mapRunStartedEventDetails"]["mapRunArn"]
    run_id = arn.rsplit(":", 1)[1]
    assert completed.output == {
        "MapRunArn": arn,
        "ResultWriterDetails": {"Bucket": "out", "Key": f"runs/{run_id}/manifest.json"},
    }
    manifest = read_json(store, f"runs/{run_id}/manifest.json")
    succeeded_key = f"runs/{run_id}/SUCCEEDED_0.json"
    assert manifest == {
        "DestinationBucket": "out",
        "MapRunArn": arn,
        "ResultFiles": {
            "FAILED": [],
            "PENDING": [],
            "SUCCEEDED": [
                {"Key": succeeded_key, "Size": len(store.get_object("out", succeeded_key))}
            ],
        },
    }
    records = read_json(store, succeeded_key)
    assert [(r["Input"], r["Output"], r["Status"]) for r in records] == [
        ('"a"', '"a"', "SUCCEEDED"),
        ('"b"', '"b"', "SUCCEEDED"),
    ]
    first = records[0]
    machine_arn = arn.replace(":mapRun:", ":stateMachine:").rsplit(":", 1)[0]
    assert first["StateMachineArn"] == machine_arn
    assert (
        first["ExecutionArn"]
        == machine_arn.replace(":stateMachine:", ":execution:") + ":" + first["Name"]
    )
    assert first["InputDetails"] == first["OutputDetails"] == {"Included": True}
    assert first["RedriveStatus"] == "NOT_REDRIVABLE"
    assert first["StartDate"].endswith("Z") and first["StopDate"] >= first["StartDate"]


def test_failed_children_go_to_the_failed_file_with_their_error() -> None:
    store = InMemoryObjectStore(buckets=["out"])
    choice = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "StringEquals": "bad", "Next": "F"}],
                "Default": "P",
            },
            "F": {"Type": "Fail", "Error": "Bad", "Cause": "a bad item"},
            "P": {"Type": "Pass", "End": True},
        }
    )
    definition = writer_map(EXPORT, choice, ToleratedFailureCount=1)
    completed = run(definition, ["ok", "bad"], resolvers={"s3": store})
    assert completed.status == "SUCCEEDED"
    manifest = read_json(store, completed.output["ResultWriterDetails"]["Key"])
    assert len(manifest["ResultFiles"]["SUCCEEDED"]) == len(manifest["ResultFiles"]["FAILED"]) == 1
    (failed,) = read_json(store, manifest["ResultFiles"]["FAILED"][0]["Key"])
    assert (failed["Error"], failed["Cause"], failed["Status"]) == ("Bad", "a bad item", "FAILED")
    assert "Output" not in failed
    assert failed["RedriveStatus"] == "REDRIVABLE_BY_MAP_RUN"


def test_results_are_written_even_when_the_map_run_fails() -> None:
    store = InMemoryObjectStore(buckets=["out"])
    failing = machine({"F": {"Type": "Fail", "Error": "Bad"}})
    completed = run(writer_map(EXPORT, failing), [1], resolvers={"s3": store})
    assert completed.error == "States.ExceedToleratedFailureThreshold"
    keys = [key for (_, key) in store.objects]
    assert any(key.endswith("/FAILED_0.json") for key in keys)
    assert any(key.endswith("/manifest.json") for key in keys)


def test_writer_config_alone_reshapes_the_result_without_exporting() -> None:
    make_pair = machine(
        {
            "P": {
                "Type": "Pass",
                "Parameters": {"pair.$": "States.Array($, $)"},
                "OutputPath": "$.pair",
                "End": True,
            }
        }
    )
    flatten = {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}
    assert run(writer_map(flatten, make_pair), [1, 2]).output == [1, 1, 2, 2]
    compact = {"WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}}
    assert run(writer_map(compact, make_pair), [1, 2]).output == [[1, 1], [2, 2]]


def test_jsonl_output_writes_one_result_a_line() -> None:
    store = InMemoryObjectStore(buckets=["out"])
    writer = {**EXPORT, "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}}
    completed = run(writer_map(writer), [{"n": 1}, {"n": 2}], resolvers={"s3": store})
    manifest = read_json(store, completed.output["ResultWriterDetails"]["Key"])
    key = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"]
    lines = store.get_object("out", key).decode().splitlines()
    assert [json.loads(line) for line in lines] == [{"n": 1}, {"n": 2}]


def test_a_missing_destination_bucket_is_a_result_writer_failure() -> None:
    completed = run(writer_map(EXPORT), [1], resolvers={"s3": InMemoryObjectStore()})
    assert completed.error == "States.ResultWriterFailed"
    assert completed.cause is not None and completed.cause.startswith(
        "The specified bucket does not exist (Service: S3, Status Code: 404"
    )


def test_jsonata_arguments_name_the_destination() -> None:
    store = InMemoryObjectStore(buckets=["out"])
    writer = {
        "Resource": "arn:aws:states:::s3:putObject",
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Prefix": "p"},
    }
    definition = {
        **writer_map(writer, Items="{% $states.input.xs %}"),
        "QueryLanguage": "JSONata",
    }
    completed = run(definition, {"bucket": "out", "xs": [1]}, resolvers={"s3": store})
    assert completed.output["ResultWriterDetails"]["Key"].startswith("p/")
