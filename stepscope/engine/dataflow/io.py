"""JSONPath input and output processing: InputPath, ResultPath and OutputPath."""

from __future__ import annotations

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
    if not isinstance(raw_input, dict):
        raise RuntimeFailure(
            f"Unable to apply ResultPath '{path}' to input: the input is not a JSON object"
        )
    return _written(raw_input, segments, result, path)


def _written(node: Any, segments: Any, value: Any, path: str) -> Any:
    """`node` with `value` written at `segments`: every container on the path is a fresh copy and
    the rest is shared, never changed. (A deep copy would keep two references to one object as
    one, and the write would show through both.)"""
    segment, rest = segments[0], segments[1:]
    if segment.kind == "name" and isinstance(node, dict):
        copied: Any = dict(node)
        key: Any = segment.value
        child = node.get(key, _MISSING)
        if rest and not isinstance(child, (dict, list)):
            child = {}
    elif (
        segment.kind == "index"
        and isinstance(node, list)
        and -len(node) <= segment.value < len(node)
    ):
        copied, key = list(node), segment.value
        child = node[key]
    else:
        raise RuntimeFailure(f"Unable to apply ResultPath '{path}' to the state's input")
    copied[key] = _written(child, rest, value, path) if rest else value
    return copied
