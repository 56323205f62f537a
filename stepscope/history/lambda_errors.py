"""Lambda error causes: the JSON text Lambda puts in ``cause`` (errorMessage, errorType...)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_KNOWN_FIELDS = ("errorMessage", "errorType", "stackTrace")
_MAX_CAUSE_CHARS = 1_048_576


@dataclass(frozen=True)
class LambdaError:
    error_type: str | None
    error_message: str | None
    stack_trace: tuple[str, ...]
    extra: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


def parse_lambda_cause(cause: str | None) -> LambdaError | None:
    """The parsed Lambda error, or None when the cause is not a Lambda-style JSON object.

    A Lambda-style cause is a JSON object with ``errorMessage`` or ``errorType`` (text). The stack
    trace may be a list of lines (Python, Java), one text (Node.js) or absent. Never raises.
    """
    if not isinstance(cause, str) or len(cause) > _MAX_CAUSE_CHARS:
        return None
    try:
        document = json.loads(cause)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    error_type = _text_or_none(document.get("errorType"))
    error_message = _text_or_none(document.get("errorMessage"))
    if error_type is None and error_message is None:
        return None
    extra = {key: value for key, value in document.items() if key not in _KNOWN_FIELDS}
    return LambdaError(
        error_type=error_type,
        error_message=error_message,
        stack_trace=_stack_lines(document.get("stackTrace")),
        extra=MappingProxyType(extra),
    )


def _text_or_none(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _stack_lines(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(line for line in value.splitlines() if line.strip())
    if isinstance(value, list):
        return tuple(_frame_text(item) for item in value)
    return ()


def _frame_text(item: object) -> str:
    if isinstance(item, str):
        return item.rstrip("\n")
    if isinstance(item, list):
        # Older Python runtimes give [file, line, function, code] per frame.
        return ", ".join(str(part) for part in item)
    try:
        return json.dumps(item, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return str(item)
