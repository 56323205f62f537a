"""Split a text into the JSON documents it holds, bounded against hostile input.

`aws stepfunctions get-execution-history` prints one JSON document per page; people paste several
pages back to back, or one event per line. The standard library's C decoder reads each document
fast; the hooks below keep what it cannot hold safely (numbers with more than a thousand digits,
NaN, Infinity, floats that overflow) as `Unsound` markers instead of values, so the caller can skip
exactly the event that holds one. Nesting too deep for the decoder is refused with the line and
column where it passes MAX_DEPTH; events nested deeper than MAX_DEPTH are skipped by the caller.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 200
"""Deepest nesting of objects and arrays read from an imported file."""

MAX_NUMBER_DIGITS = min(4000, sys.get_int_max_str_digits() or 4000)
"""Longest integer kept; a longer one becomes an Unsound marker (Python refuses > 4300 digits)."""


@dataclass(frozen=True)
class Unsound:
    """Stands in for a number that cannot be kept: says what it was."""

    reason: str


@dataclass(frozen=True)
class JsonDocument:
    number: int  # 1-based position of the document in its text
    value: Any
    line: int  # where the document starts, 1-based
    column: int
    start: int  # index of its first and one past its last character in the text
    end: int
    suspicious: bool = True  # may hold Unsound markers or text that cannot be stored


class JsonTextError(ValueError):
    """The text is not JSON at `line`, `column` (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(f"line {line}, column {column}: {message}")


_UNSTORABLE_IN_JSON = re.compile(r"\\u(?:0000|[dD][89a-fA-F])|[\x00\ud800-\udfff]")
"""A NUL or a surrogate, raw or escaped; may also match an escaped backslash before "u0000"."""


def _may_hold_unstorable_text(text: str) -> bool:
    """False when no decoded string can hold a NUL or an unpaired surrogate (fast C checks)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return "\\u" in text and _UNSTORABLE_IN_JSON.search(text) is not None


class _Counter:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def _decoder(unsound: _Counter, check_integers: bool) -> json.JSONDecoder:
    """A decoder whose hooks turn unsound numbers into counted Unsound markers.

    Without `check_integers`, integers are read by the C decoder itself (a hook costs a Python
    call per integer), which raises ValueError past Python's limit on integer digits; the
    document is then read again with the hook."""

    def parse_int(text: str) -> int | Unsound:
        value = _parse_int(text)
        if isinstance(value, Unsound):
            unsound.count += 1
        return value

    def parse_float(text: str) -> float | Unsound:
        value = _parse_float(text)
        if isinstance(value, Unsound):
            unsound.count += 1
        return value

    def parse_constant(text: str) -> Unsound:
        unsound.count += 1
        return _parse_constant(text)

    return json.JSONDecoder(
        parse_int=parse_int if check_integers else None,
        parse_float=parse_float,
        parse_constant=parse_constant,
    )


def _parse_int(text: str) -> int | Unsound:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        return Unsound(f"a number with {digits} digits")
    return int(text)


def _parse_float(text: str) -> float | Unsound:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        return Unsound(f"a number too large for a float ({text[:40]})")
    return number


def _parse_constant(text: str) -> Unsound:
    return Unsound(f"{text}, which is not JSON")


_WHITESPACE = re.compile(r"[ \t\n\r\ufeff]*")
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


class _Positions:
    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1


def _too_deep_at(text: str, start: int) -> int | None:
    """Index of the first bracket nested deeper than MAX_DEPTH in the document at `start`."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text, start):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return None
    return None


def iter_documents(text: str) -> Iterator[JsonDocument]:
    """Yield each JSON document in `text`; raise JsonTextError at the first one that is not JSON."""
    positions = _Positions(text)
    index = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    number = 0
    unsound = _Counter()
    fast, checked = _decoder(unsound, False), _decoder(unsound, True)
    text_suspicious = _may_hold_unstorable_text(text)
    while index < len(text):
        number += 1
        line, column = positions.at(index)
        try:
            unsound.count = 0
            try:
                value, end = fast.raw_decode(text, index)
            except ValueError as error:
                if isinstance(error, json.JSONDecodeError):
                    raise
                value, end = checked.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise JsonTextError(error.msg, *positions.at(error.pos)) from None
        except RecursionError:
            deep = _too_deep_at(text, index)
            where = positions.at(deep) if deep is not None else (line, column)
            raise JsonTextError(f"nesting is deeper than {MAX_DEPTH} levels", *where) from None
        except (ValueError, OverflowError) as error:
            raise JsonTextError(
                f"not readable as JSON ({type(error).__name__})", line, column
            ) from None
        suspicious = text_suspicious or unsound.count > 0
        yield JsonDocument(number, value, line, column, index, end, suspicious)
        index = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
