"""The Distributed Map's parts: ItemReader (with ReaderConfig), ItemBatcher and ResultWriter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscope.asl.validation.context import child
from stepscope.asl.validation.fields import check_exclusive, unsupported, wrong_language
from stepscope.asl.validation.jsonata_rules import check_jsonata_strings
from stepscope.asl.validation.payload import check_jsonpath_template
from stepscope.asl.validation.resources import check_resource
from stepscope.asl.validation.scope import StateScope
from stepscope.asl.validation.typed import expect_int, expect_path
from stepscope.asl.validation.values import is_jsonata, is_object, show

INPUT_TYPES = ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET")
HEADER_LOCATIONS = ("FIRST_ROW", "GIVEN")
CSV_DELIMITERS = ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
MAX_BATCH_BYTES = 262144
READER_CONFIG_FIELDS = frozenset(
    {
        "InputType",
        "CSVHeaderLocation",
        "CSVHeaders",
        "CSVDelimiter",
        "MaxItems",
        "MaxItemsPath",
        "ManifestType",
    }
)
WRITER_CONFIG_FIELDS = frozenset({"OutputType", "Transformation"})


def _check_part_fields(
    scope: StateScope, part: Mapping[str, Any], where: str, extra: frozenset[str]
) -> None:
    allowed = {"Resource", "Parameters", "Arguments"} | extra
    for name in part:
        if name in ("Parameters", "Arguments"):
            own = "Arguments" if scope.jsonata else "Parameters"
            if name != own:
                wrong_language(scope.context, name, scope.language, where)
        elif name not in allowed:
            unsupported(scope.context, name, where)
    if "Resource" in part:
        check_resource(scope.context, part["Resource"], child(where, "Resource"))
    if "Parameters" in part and not scope.jsonata:
        check_jsonpath_template(scope.context, part["Parameters"], child(where, "Parameters"))
    if "Arguments" in part and scope.jsonata:
        check_jsonata_strings(scope.context, part["Arguments"], child(where, "Arguments"))


def check_item_reader(scope: StateScope, reader: Any, where: str) -> None:
    if not is_object(reader):
        scope.context.error(f"'ItemReader' must be an object, not {show(reader)}", where)
        return
    _check_part_fields(scope, reader, where, frozenset({"ReaderConfig"}))
    if "Resource" not in reader:
        scope.context.error("These fields are required: [Resource]", where)
    if "ReaderConfig" in reader:
        _check_reader_config(scope, reader["ReaderConfig"], child(where, "ReaderConfig"))


def _check_reader_config(scope: StateScope, config: Any, where: str) -> None:
    context = scope.context
    if not is_object(config):
        context.error(f"'ReaderConfig' must be an object, not {show(config)}", where)
        return
    for name in config:
        if name not in READER_CONFIG_FIELDS:
            unsupported(context, name, where)
    _check_enum(scope, config, "InputType", INPUT_TYPES, where)
    _check_enum(scope, config, "CSVHeaderLocation", HEADER_LOCATIONS, where)
    _check_enum(scope, config, "CSVDelimiter", CSV_DELIMITERS, where)
    if "CSVHeaders" in config:
        headers = config["CSVHeaders"]
        if not (isinstance(headers, list) and all(isinstance(h, str) for h in headers)) and not (
            scope.jsonata and is_jsonata(headers)
        ):
            context.error("'CSVHeaders' must be an array of strings", child(where, "CSVHeaders"))
    expect_int(context, config, "MaxItems", where, low=0, jsonata=scope.jsonata)
    expect_path(context, config, "MaxItemsPath", where, reference=True)
    check_exclusive(context, config, ("MaxItems", "MaxItemsPath"), where)


def _check_enum(
    scope: StateScope, owner: Mapping[str, Any], name: str, allowed: tuple[str, ...], where: str
) -> None:
    if name in owner and owner[name] not in allowed:
        scope.context.error(
            f"'{name}' must be one of {', '.join(allowed)}, not {show(owner[name])}",
            child(where, name),
        )


def check_item_batcher(scope: StateScope, batcher: Any, where: str) -> None:
    context = scope.context
    if not is_object(batcher):
        context.error(f"'ItemBatcher' must be an object, not {show(batcher)}", where)
        return
    allowed = {"MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"}
    if not scope.jsonata:
        allowed |= {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}
    for name in batcher:
        if name not in allowed:
            unsupported(context, name, where)
    expect_int(context, batcher, "MaxItemsPerBatch", where, low=1, jsonata=scope.jsonata)
    expect_int(
        context,
        batcher,
        "MaxInputBytesPerBatch",
        where,
        low=1,
        below=MAX_BATCH_BYTES + 1,
        jsonata=scope.jsonata,
    )
    for name in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        expect_path(context, batcher, name + "Path", where, reference=True)
        check_exclusive(context, batcher, (name, name + "Path"), where)
    if "BatchInput" in batcher:
        batch_input = batcher["BatchInput"]
        if not is_object(batch_input) and not (scope.jsonata and is_jsonata(batch_input)):
            context.error("'BatchInput' must be an object", child(where, "BatchInput"))
        elif scope.jsonata:
            check_jsonata_strings(context, batch_input, child(where, "BatchInput"))
        else:
            check_jsonpath_template(context, batch_input, child(where, "BatchInput"))


def check_result_writer(scope: StateScope, writer: Any, where: str) -> None:
    context = scope.context
    if not is_object(writer):
        context.error(f"'ResultWriter' must be an object, not {show(writer)}", where)
        return
    _check_part_fields(scope, writer, where, frozenset({"WriterConfig"}))
    if "Resource" not in writer and "WriterConfig" not in writer:
        context.error("These fields are required: [Resource]", where)
    if "WriterConfig" in writer:
        config = writer["WriterConfig"]
        if not is_object(config):
            context.error("'WriterConfig' must be an object", child(where, "WriterConfig"))
            return
        for name in config:
            if name not in WRITER_CONFIG_FIELDS:
                unsupported(context, name, child(where, "WriterConfig"))
