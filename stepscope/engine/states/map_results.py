"""Map's ResultWriter: a distributed Map's child execution results, exported to S3 (the
`resolvers["s3"]` object store) as AWS lays them out, `<Prefix>/<MapRunId>/manifest.json` and
`SUCCEEDED_0.json` / `FAILED_0.json` / `PENDING_0.json`, or only reshaped by WriterConfig.
With an export, the Map's result is {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stepscope.engine.clock import format_iso
from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers.object_store import ObjectStoreError
from stepscope.engine.states.common import StateRun
from stepscope.engine.states.map_items import object_store, s3_cause

__all__ = ["RESULT_WRITER_FAILED", "ChildExecution", "WriterRequest", "prepare_writer", "results"]

RESULT_WRITER_FAILED = "States.ResultWriterFailed"
PUT_OBJECT = "arn:aws:states:::s3:putObject"
STATUS_FILES = ("FAILED", "PENDING", "SUCCEEDED")


@dataclass
class ChildExecution:
    """One child workflow execution of a Map Run, as the result files describe it."""

    name: str
    input: Any
    status: str  # SUCCEEDED or FAILED
    start: datetime
    stop: datetime
    output: Any = None
    error: str | None = None
    cause: str | None = None


@dataclass
class WriterRequest:
    bucket: str | None  # None: WriterConfig only, nothing is exported
    prefix: str
    output_type: str  # JSON or JSONL
    transformation: str  # NONE, COMPACT or FLATTEN


def prepare_writer(current: StateRun, effective: Any) -> WriterRequest | None:
    fields = current.state.get("ResultWriter")
    if not isinstance(fields, dict):
        return None
    config = fields.get("WriterConfig") or {}
    exported = "Resource" in fields
    if exported and str(fields["Resource"]).split(":")[-2:] != ["s3", "putObject"]:
        raise RuntimeFailure(
            f"The ResultWriter resource '{fields['Resource']}' is not supported: use {PUT_OBJECT}"
        )
    arguments: Any = {}
    if current.jsonata and "Arguments" in fields:
        arguments = current.evaluate(fields["Arguments"], "ResultWriter.Arguments")
    elif "Parameters" in fields:
        arguments = render_template(fields["Parameters"], effective, current.scope())
    arguments = arguments if isinstance(arguments, dict) else {}
    bucket = arguments.get("Bucket") if exported else None
    if exported and (not isinstance(bucket, str) or not bucket):
        raise RuntimeFailure("The ResultWriter's Bucket must be a non-empty string")
    return WriterRequest(
        bucket=bucket,
        prefix=str(arguments.get("Prefix") or ""),
        output_type=str(config.get("OutputType", "JSON")),
        transformation=str(config.get("Transformation", "NONE" if exported else "COMPACT")),
    )


def _arns(map_run_arn: str, name: str) -> tuple[str, str]:
    """The child's execution ARN and its state machine's ARN, from the Map Run's ARN
    (arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>)."""
    head, _, rest = map_run_arn.partition(":mapRun:")
    machine_and_label = rest.rsplit(":", 1)[0]
    return (
        f"{head}:execution:{machine_and_label}:{name}",
        f"{head}:stateMachine:{machine_and_label}",
    )


def _record(child: ChildExecution, map_run_arn: str) -> dict[str, Any]:
    """A child's entry with its metadata (Transformation NONE)."""
    execution_arn, machine_arn = _arns(map_run_arn, child.name)
    record: dict[str, Any] = {"ExecutionArn": execution_arn}
    if child.status == "FAILED":
        if child.cause is not None:
            record["Cause"] = child.cause
        if child.error is not None:
            record["Error"] = child.error
    record.update(Input=json_text(child.input), InputDetails={"Included": True}, Name=child.name)
    if child.status == "SUCCEEDED":
        record.update(Output=json_text(child.output), OutputDetails={"Included": True})
    record["RedriveCount"] = 0
    if child.status == "SUCCEEDED":
        record["RedriveStatus"] = "NOT_REDRIVABLE"
        record["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        record["RedriveStatus"] = "REDRIVABLE_BY_MAP_RUN"
    record.update(
        StartDate=format_iso(child.start),
        StateMachineArn=machine_arn,
        Status=child.status,
        StopDate=format_iso(child.stop),
    )
    return record


def _entries(request: WriterRequest, children: list[ChildExecution], arn: str) -> list[Any]:
    entries: list[Any] = []
    for child in children:
        if request.transformation == "NONE" or child.status != "SUCCEEDED":
            entries.append(_record(child, arn))
        elif request.transformation == "FLATTEN" and isinstance(child.output, list):
            entries.extend(child.output)
        else:
            entries.append(child.output)
    return entries


def results(
    current: StateRun, request: WriterRequest, children: list[ChildExecution], map_run_arn: str
) -> Any:
    """Export the results (or only reshape them) and give the Map's result."""
    if request.bucket is None:
        return _entries(request, children, map_run_arn)
    run_id = map_run_arn.rsplit(":", 1)[-1]
    folder = f"{request.prefix.rstrip('/')}/{run_id}" if request.prefix else run_id
    files: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUS_FILES}
    extension = "jsonl" if request.output_type == "JSONL" else "json"
    try:
        for status in STATUS_FILES:
            group = [child for child in children if child.status == status]
            if not group:
                continue
            body = _encode(request, _entries(request, group, map_run_arn))
            key = f"{folder}/{status}_0.{extension}"
            _put(current, request.bucket, key, body)
            files[status].append({"Key": key, "Size": len(body)})
        manifest = {
            "DestinationBucket": request.bucket,
            "MapRunArn": map_run_arn,
            "ResultFiles": files,
        }
        _put(current, request.bucket, f"{folder}/manifest.json", json_text(manifest).encode())
    except ObjectStoreError as problem:
        raise StatesError(RESULT_WRITER_FAILED, s3_cause(problem, current)) from None
    return {
        "MapRunArn": map_run_arn,
        "ResultWriterDetails": {"Bucket": request.bucket, "Key": f"{folder}/manifest.json"},
    }


def _encode(request: WriterRequest, entries: list[Any]) -> bytes:
    if request.output_type == "JSONL":
        return "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries).encode()
    return json.dumps(entries, ensure_ascii=False).encode("utf-8")


def _put(current: StateRun, bucket: str, key: str, body: bytes) -> None:
    object_store(current, RESULT_WRITER_FAILED).put_object(bucket, key, body)
