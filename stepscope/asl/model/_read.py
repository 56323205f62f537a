"""Tolerant readers for one JSON object's fields: the wrong JSON type reads as None."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

EMPTY: Mapping[str, object] = MappingProxyType({})


def child_pointer(pointer: str, *tokens: str | int) -> str:
    """``pointer`` extended by ``tokens``, escaped per RFC 6901 (``~0`` and ``~1``)."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return pointer + "".join("/" + token for token in escaped)


def as_object(value: object) -> Mapping[str, object] | None:
    """A read-only view of ``value`` when it is a JSON object with string keys, else None."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(key): item for key, item in value.items()})
    return None


def read_str(raw: Mapping[str, object], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) else None


def read_bool(raw: Mapping[str, object], key: str) -> bool:
    return raw.get(key) is True


def read_number(raw: Mapping[str, object], key: str) -> int | float | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def read_int(raw: Mapping[str, object], key: str) -> int | None:
    value = read_number(raw, key)
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def read_number_or_expr(raw: Mapping[str, object], key: str) -> int | float | str | None:
    """A number, or a string (a JSONata ``{% %}`` expression in JSONata states)."""
    value = raw.get(key)
    if isinstance(value, str):
        return value
    return read_number(raw, key)


def read_object(raw: Mapping[str, object], key: str) -> Mapping[str, object] | None:
    return as_object(raw.get(key))


def read_list(raw: Mapping[str, object], key: str) -> list[object]:
    value = raw.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def read_str_list(raw: Mapping[str, object], key: str) -> tuple[str, ...]:
    return tuple(item for item in read_list(raw, key) if isinstance(item, str))
