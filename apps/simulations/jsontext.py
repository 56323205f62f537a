"""JSON text the user typed (an execution input, a task's output, a mock configuration, a
request body), parsed with the line and column of what is wrong, and bounded in depth, so a
typo or a deep JSON bomb becomes a clear message instead of a 500."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 200  # objects and arrays nested deeper than this are refused


class JsonTextError(ValueError):
    """Not JSON (or too deep): `message`, and the 1-based `line` and `column` when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, column {self.column}: {self.message}"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any) -> int:
    """How deeply objects and arrays nest in `value`, counted without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def json_parse(text: str) -> Any:
    """The value of `text`; raises JsonTextError saying what is wrong and where."""
    if not text.strip():
        raise JsonTextError("there is no JSON here (for an empty object, write {})")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise JsonTextError(error.msg, error.lineno, error.colno) from None
    except RecursionError:
        raise JsonTextError(f"objects and arrays nest deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # NaN, Infinity, an integer too long to read
        raise JsonTextError(str(error)) from None
    if _depth(value) > MAX_DEPTH:
        raise JsonTextError(f"objects and arrays nest deeper than {MAX_DEPTH} levels")
    lone = _lone_surrogate(value)
    if lone is not None:  # "\ud800" parses, but is no character: nothing could store or send it
        escape = f"\\u{ord(lone):04x}"
        at = text.lower().find(escape)
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        column = at - text.rfind("\n", 0, at) if at >= 0 else None
        raise JsonTextError(
            f"{escape} is half of a UTF-16 surrogate pair, not a character", line, column
        )
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in the strings (keys too) of `value`, if any."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            stack.extend(current.values())
            texts: Any = current.keys()
        elif isinstance(current, list):
            stack.extend(current)
            continue
        else:
            texts = (current,) if isinstance(current, str) else ()
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                return str(text[error.start])
    return None


def json_pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
