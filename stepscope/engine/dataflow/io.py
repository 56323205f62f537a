"""JSONPath input and output processing: InputPath, ResultPath and OutputPath."""

from __future__ import annotations

import copy
from typing import Any

from stepscope.engine.dataflow.jsonpath import JsonPathError, compile_path
from stepscope.engine.dataflow.scope import Scope, select
from stepscope.engine.errors import RuntimeFailure

__all__ = ["apply_input_path", "apply_output_path", "apply_result_path"]

_MISSING = object()


def apply_input_path(state: dict[str, Any], raw_input: Any, scope: Scope) -> Any:
    path = state.get("InputPath", "$")
    if path is None:
        return {}
    return select(path, raw_input, scope)


def apply_output_path(state: dict[str, Any], value: Any, scope: Scope) -> Any:
    path = state.get("OutputPath", "$")
    if path is None:
        return {}
    return select(path, value, scope)


def apply_result_path(state: dict[str, Any], raw_input: Any, result: Any, scope: Scope) -> Any:
    path = state.get("ResultPath", "$")
    if path is None:
        return raw_input
    if path.startswith("$$"):
        raise RuntimeFailure(f"Invalid ResultPath '{path}': the context object is read-only")
    try:
        segments = compile_path(path).segments
    except JsonPathError as problem:
        raise RuntimeFailure(f"Invalid ResultPath '{path}': {problem}") from None
    if not segments:
        return result
    document = copy.deepcopy(raw_input)
    if not isinstance(document, dict):
        raise RuntimeFailure(
            f"Unable to apply ResultPath '{path}' to input: the input is not a JSON object"
        )
    _write(document, segments, result, path)
    return document


def _write(document: Any, segments: Any, value: Any, path: str) -> None:
    node = document
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment.kind == "name" and isinstance(node, dict):
            if last:
                node[segment.value] = value
                return
            child = node.get(segment.value, _MISSING)
            if not isinstance(child, (dict, list)):
                child = {}
                node[segment.value] = child
            node = child
        elif (
            segment.kind == "index"
            and isinstance(node, list)
            and -len(node) <= segment.value < len(node)
        ):
            if last:
                node[segment.value] = value
                return
            node = node[segment.value]
        else:
            raise RuntimeFailure(f"Unable to apply ResultPath '{path}' to the state's input")
