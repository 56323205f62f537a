"""Names of JSON value types, for messages that say what was found instead."""

from __future__ import annotations

from collections.abc import Mapping


def json_type_name(value: object) -> str:
    """`null`, `boolean`, `integer`, `number`, `string`, `object` or `array`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def a_json_type(value: object) -> str:
    """The type name with its article: `an object`, `a string`, `null`."""
    name = json_type_name(value)
    if name == "null":
        return name
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
