"""A JSONField that stores any JSON, U+0000 included.

PostgreSQL's jsonb cannot hold the character U+0000 (`unsupported Unicode escape sequence`), yet
it is valid JSON: a state name, an execution input or an imported history may carry it. This
field stores it as U+E000 (a private-use character) followed by "0", and U+E000 itself as two
of them, in keys and values alike, and turns both back on reading. Values without either
character, nearly all of them, are stored untouched and cost one scan of their JSON text.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from django.db import models

__all__ = ["NulSafeJSONField", "nul_decode", "nul_encode"]

MARK = "\ue000"
_ENCODED = re.compile(f"{MARK}([{MARK}0])")
_NEEDS_ENCODING = (b"\\u0000", MARK.encode("utf-8"))


def nul_encode(value: Any) -> Any:
    """`value` with U+0000 and U+E000 escaped in every string (keys too)."""
    if isinstance(value, str):
        if "\x00" in value or MARK in value:
            return value.replace(MARK, MARK + MARK).replace("\x00", MARK + "0")
        return value
    if isinstance(value, dict):
        return {nul_encode(key): nul_encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nul_encode(item) for item in value]
    return value


def nul_decode(value: Any) -> Any:
    """The inverse of nul_encode."""
    if isinstance(value, str):
        if MARK in value:
            return _ENCODED.sub(lambda found: MARK if found.group(1) == MARK else "\x00", value)
        return value
    if isinstance(value, dict):
        return {nul_decode(key): nul_decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nul_decode(item) for item in value]
    return value


def _needs_encoding(value: Any) -> bool:
    try:
        text = orjson.dumps(value)
    except TypeError:  # not plain JSON (e.g. an expression): leave it to Django
        return False
    return any(marker in text for marker in _NEEDS_ENCODING)


class NulSafeJSONField(models.JSONField):  # type: ignore[type-arg]
    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and _needs_encoding(value):
            value = nul_encode(value)
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        loaded = super().from_db_value(value, expression, connection)
        if isinstance(value, str) and (MARK in value or "\\ue000" in value.lower()):
            return nul_decode(loaded)
        return loaded
