"""Small predicates on JSON values, shared by the rule modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from stepscope.asl.json_types import json_type_name

JSONATA = "JSONata"
JSONPATH = "JSONPath"
QUERY_LANGUAGES = (JSONPATH, JSONATA)


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_object(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, Mapping)


def is_jsonata(value: Any) -> TypeGuard[str]:
    """A JSONata expression string: starts with {% and ends with %}."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def jsonata_body(value: str) -> str:
    return value[2:-2]


type_name = json_type_name


def show(value: Any) -> str:
    """A short rendering of a value for messages."""
    if isinstance(value, str):
        text = repr(value) if len(value) <= 60 else repr(value[:57] + "...")
        return text
    if value is None or isinstance(value, (bool, int, float)):
        return "null" if value is None else str(value).lower()
    return type_name(value)
