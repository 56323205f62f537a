"""The search document of one execution: its words, and the values of its input and output by
path, ready to store and index.

Built from what may be shown: the caller passes payloads already masked with the workspace's
redaction rules, and a masked value (`MASK`) is left out, so it cannot be found. Array elements
share their array's path (`input.items.sku`). Sizes are bounded: at most MAX_TEXT characters of
words and MAX_VALUES path values per execution; a value longer than MAX_VALUE_LENGTH is found by
its words only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from stepscope.history.events import payload_value
from stepscope.history.redaction import MASK
from stepscope.search.query import words

__all__ = ["MAX_TEXT", "MAX_VALUES", "MAX_VALUE_LENGTH", "SearchDocument", "search_document"]

MAX_TEXT: Final = 100_000
MAX_VALUES: Final = 1_000
MAX_VALUE_LENGTH: Final = 200
MAX_KEY_LENGTH: Final = 255


@dataclass(frozen=True)
class SearchDocument:
    text: str  # every word, space separated, case-folded
    cause: str  # the words of the cause
    values: tuple[tuple[str, str], ...]  # (path, value folded), unique


def value_key(value: str) -> str:
    """How a path value is kept and compared: case-folded."""
    return value.casefold()


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return None if value == MASK else value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return None


def flatten(value: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """(path, text) for every string and number in `value`, without recursion."""
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                stack.append((f"{path}.{key}", child))
        elif isinstance(item, list):
            stack.extend((path, child) for child in reversed(item))
        else:
            text = _scalar(item)
            if text is not None:
                yield path, text


def search_document(
    *,
    name: str,
    arn: str = "",
    errors: Iterable[str] = (),
    cause: str | None = None,
    notes: Iterable[str] = (),
    input_text: str | None = None,
    output_text: str | None = None,
) -> SearchDocument:
    """The document of one execution. `input_text`, `output_text` and `cause` must already be
    masked; `notes` are other texts to find by their words (the root-cause sentence)."""
    pieces: list[str] = [name, arn, *errors, *notes]
    values: dict[tuple[str, str], None] = {}
    for prefix, payload in (("input", input_text), ("output", output_text)):
        for path, scalar in flatten(payload_value(payload), prefix):
            pieces.append(scalar)
            if (
                len(values) < MAX_VALUES
                and len(scalar) <= MAX_VALUE_LENGTH
                and len(path) <= MAX_KEY_LENGTH
            ):
                values.setdefault((path, value_key(scalar)), None)
    cause_words = " ".join(words(cause or "")) if cause != MASK else ""
    pieces.append(cause_words)
    text, size = [], 0
    for piece in pieces:
        found = " ".join(words(piece))
        if not found:
            continue
        if size + len(found) > MAX_TEXT:
            break
        text.append(found)
        size += len(found) + 1
    return SearchDocument(" ".join(text), cause_words[:MAX_TEXT], tuple(values))
