"""What `aws stepfunctions describe-execution` says about an execution, read and written back."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stepscope.history.text_checks import text_problem


@dataclass(frozen=True)
class ExecutionDescription:
    """From `describe-execution` JSON, or our bundle."""

    execution_arn: str | None
    state_machine_arn: str | None
    name: str | None
    status: str | None
    start_date: datetime | None
    stop_date: datetime | None
    input: str | None
    output: str | None
    error: str | None
    cause: str | None


_TEXT_FIELDS = {
    "execution_arn": "executionArn",
    "state_machine_arn": "stateMachineArn",
    "name": "name",
    "status": "status",
    "error": "error",
    "cause": "cause",
}
_PAYLOAD_FIELDS = {"input": "input", "output": "output"}
_DATE_FIELDS = {"start_date": "startDate", "stop_date": "stopDate"}
_EPOCH_LIMIT = 253402300799  # 9999-12-31T23:59:59Z


def looks_like_description(document: dict[str, Any]) -> bool:
    return isinstance(document.get("executionArn"), str) and "status" in document


def parse_date(value: object) -> datetime | None:
    """ISO-8601 text (with an offset, or Z) or epoch seconds; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > _EPOCH_LIMIT:
            return None
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or len(value) > 64:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_date(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def payload_text(value: object, *, indent: int | None = None) -> str | None:
    """A payload as JSON text: text is kept as given; a parsed value is written as compact JSON
    (or indented). None when it cannot be written (unsound numbers, nesting too deep)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        return json.dumps(
            value, separators=separators, indent=indent, ensure_ascii=False, allow_nan=False
        )
    except (ValueError, TypeError, RecursionError):
        return None


def parse_description(
    document: dict[str, Any], notes: list[str], where: str
) -> ExecutionDescription:
    """Read the fields Stepscope uses; a field of the wrong type is left out with a note."""
    values: dict[str, Any] = {}
    for attribute, key in (_TEXT_FIELDS | _PAYLOAD_FIELDS).items():
        raw = document.get(key)
        text = payload_text(raw) if attribute in _PAYLOAD_FIELDS else raw
        if raw is not None and (not isinstance(text, str) or text_problem(text)):
            notes.append(f"{where}: {key} was left out: {text_problem(text) or 'not text'}")
            text = None
        values[attribute] = text
    for attribute, key in _DATE_FIELDS.items():
        raw = document.get(key)
        values[attribute] = parse_date(raw)
        if raw is not None and values[attribute] is None:
            notes.append(f"{where}: {key} was left out: not an ISO-8601 date or epoch seconds")
    return ExecutionDescription(**values)


def description_document(description: ExecutionDescription) -> dict[str, Any]:
    """The describe-execution JSON shape, leaving out absent fields as the API does."""
    document: dict[str, Any] = {}
    for attribute, key in (_TEXT_FIELDS | _PAYLOAD_FIELDS).items():
        value = getattr(description, attribute)
        if value is not None:
            document[key] = value
    for attribute, key in _DATE_FIELDS.items():
        date = format_date(getattr(description, attribute))
        if date is not None:
            document[key] = date
    return document


_STATE_MACHINE_ARN = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:([^:]+)")
_EXECUTION_ARN = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:(?:execution|express):([^:]+):")


def state_machine_name_from_arn(arn: object) -> str | None:
    """The machine's name inside a state machine, version, alias or execution ARN."""
    if not isinstance(arn, str):
        return None
    match = _STATE_MACHINE_ARN.match(arn) or _EXECUTION_ARN.match(arn)
    return match.group(1) if match else None
