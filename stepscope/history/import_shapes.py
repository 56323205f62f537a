"""Recognise what each imported JSON document is, by its shape, and collect its parts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from stepscope.history.description import (
    looks_like_description,
    parse_description,
    payload_text,
)
from stepscope.history.import_collector import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    Collector,
    HistoryFormatError,
    ImportedHistory,
)
from stepscope.history.json_documents import JsonDocument, JsonTextError, iter_documents
from stepscope.history.text_checks import text_problem

_MAX_KEYS_SHOWN = 6


def _document_where(name: str, document: JsonDocument) -> str:
    if document.number == 1:
        return name
    return f"{name} (document {document.number}, line {document.line})"


def _keys_text(value: dict[str, Any]) -> str:
    keys = [json.dumps(key)[:40] for key in list(value)[:_MAX_KEYS_SHOWN]]
    more = ", …" if len(value) > _MAX_KEYS_SHOWN else ""
    return f"keys {', '.join(keys)}{more}" if keys else "no keys"


def read_document(collector: Collector, name: str, text: str, document: JsonDocument) -> None:
    where = _document_where(name, document)
    value = document.value
    if isinstance(value, list):
        _read_list(collector, value, where)
    elif not isinstance(value, dict):
        _refuse(collector, where, document, "a lone JSON value, not a history document")
    elif value.get("format") == BUNDLE_FORMAT:
        _read_bundle(collector, value, where, document)
    elif "events" in value:
        _read_page(collector, value, where, document)
    elif looks_like_description(value):
        _read_description(collector, value, where)
    elif isinstance(value.get("definition"), str | dict):
        _read_machine(collector, value, where)
    elif "StartAt" in value and "States" in value:
        _set_definition(collector, text[document.start : document.end], where)
    elif "type" in value and "id" in value:
        collector.add_event(value, f"{where}, event", [])
    else:
        reason = (
            "not a history page, event list, describe-execution output, state machine "
            f"description or bundle (it has {_keys_text(value)})"
        )
        _refuse(collector, where, document, reason)


def _refuse(collector: Collector, where: str, document: JsonDocument, reason: str) -> None:
    line = document.line if document.number == 1 else None
    column = document.column if document.number == 1 else None
    collector.refuse_file_part(HistoryFormatError(reason, where, line, column))


def _read_list(collector: Collector, value: list[Any], where: str) -> None:
    if value and all(isinstance(item, dict) and "events" in item for item in value):
        for index, page in enumerate(value):
            _read_events_member(collector, page, f"{where}, [{index}]")
        return
    collector.add_events(value, f"{where}, ")


def _read_page(
    collector: Collector, value: dict[str, Any], where: str, document: JsonDocument
) -> None:
    if not isinstance(value["events"], list):
        _refuse(collector, where, document, '"events" is not a list of events')
        return
    _read_events_member(collector, value, where)


def _read_events_member(collector: Collector, page: dict[str, Any], where: str) -> None:
    events = page.get("events")
    if not isinstance(events, list):
        collector.skip(None, where, '"events" is not a list of events')
        return
    collector.pages += 1
    collector.add_events(events, f"{where}, events")


def _read_description(collector: Collector, value: dict[str, Any], where: str) -> None:
    if collector.description is not None:
        collector.notes.append(f"{where}: a second describe-execution document was ignored")
        return
    collector.description = parse_description(value, collector.notes, where)


def _read_machine(collector: Collector, value: dict[str, Any], where: str) -> None:
    definition = payload_text(value["definition"], indent=2)
    if definition is None:
        collector.notes.append(
            f"{where}: the definition was left out: it cannot be written as JSON"
        )
    else:
        _set_definition(collector, definition, where)
    name = value.get("name")
    if isinstance(name, str) and name and not text_problem(name) and not collector.named_machine:
        collector.named_machine = name


def _set_definition(collector: Collector, definition: str, where: str) -> None:
    problem = text_problem(definition)
    if problem:
        collector.notes.append(f"{where}: the definition was left out: {problem}")
    elif collector.definition is not None and collector.definition != definition:
        collector.notes.append(f"{where}: a second, different definition was ignored")
    else:
        collector.definition = definition


def _read_bundle(
    collector: Collector, value: dict[str, Any], where: str, document: JsonDocument
) -> None:
    version = value.get("version")
    if version != BUNDLE_VERSION:
        reason = f"bundle version {version!r} is not one this Stepscope reads ({BUNDLE_VERSION})"
        _refuse(collector, where, document, reason)
        return
    name = value.get("stateMachineName")
    if isinstance(name, str) and not text_problem(name) and not collector.named_machine:
        collector.named_machine = name
    definition = value.get("definition")
    if isinstance(definition, str):
        _set_definition(collector, definition, where)
    execution = value.get("execution")
    if isinstance(execution, dict):
        _read_description(collector, execution, f"{where}, execution")
    events = value.get("events")
    if isinstance(events, list):
        collector.add_events(events, f"{where}, events")
    else:
        _refuse(collector, where, document, 'the bundle\'s "events" is not a list of events')


def read_documents(documents: Sequence[tuple[str, str]]) -> ImportedHistory:
    collector = Collector()
    for name, text in documents:
        collector.current_file = name
        if not isinstance(text, str):
            collector.refuse_file_part(HistoryFormatError("the file is not text", name))
            continue
        if not text.strip(" \t\r\n\ufeff"):
            collector.refuse_file_part(HistoryFormatError("the file is empty", name))
            continue
        read = 0
        try:
            for document in iter_documents(text):
                collector.suspicious = document.suspicious
                read_document(collector, name, text, document)
                read += 1
        except JsonTextError as error:
            rest = "; the rest of the file was not read" if read else ""
            message = f"not JSON: {error.message}{rest}"
            collector.refuse_file_part(HistoryFormatError(message, name, error.line, error.column))
    return collector.finish(documents)
