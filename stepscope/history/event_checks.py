"""Check one imported event: is it a sound AWS history event Stepscope can store and show?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stepscope.history.description import payload_text
from stepscope.history.event_types import PAYLOAD_FIELDS
from stepscope.history.json_documents import MAX_DEPTH, Unsound
from stepscope.history.text_checks import text_problem

MAX_EVENTS = 25_000
"""AWS's limit on the number of events in one execution history."""

MAX_PAYLOAD_BYTES = 262_144
"""AWS's limit on an input, output or parameters payload: 256 KiB of UTF-8."""

_TYPE_NAME = re.compile(r"^[A-Za-z]{1,100}$")
_CONVERTED_FIELDS = (*sorted(PAYLOAD_FIELDS), "cause")
_MAX_EVENT_ID = 2**53


@dataclass(frozen=True)
class CheckedEvent:
    event: dict[str, Any] | None  # the event to keep, payloads as JSON text; None when unsound
    event_id: int | None
    reason: str | None  # why it is unsound
    converted_payloads: bool = False  # a payload was given as a JSON value and is now JSON text


def _event_id(raw: dict[str, Any]) -> int | None:
    value = raw.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_EVENT_ID:
        return value
    return None


def _describe_value(value: object) -> str:
    if isinstance(value, Unsound):
        return value.reason
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "…"
        return f'the text "{shown}"'
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int) and abs(value) >= 10**40:
        return f"a number with {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"a JSON {'object' if isinstance(value, dict) else 'array'}"


def _id_problem(raw: dict[str, Any]) -> str | None:
    if "id" not in raw:
        return "it has no id"
    if _event_id(raw) is None:
        return f"its id is {_describe_value(raw['id'])}, not a positive integer"
    return None


def _shape_problem(raw: dict[str, Any], event_id: int, details: list[str]) -> str | None:
    event_type = raw.get("type")
    if not isinstance(event_type, str) or not _TYPE_NAME.match(event_type):
        shown = "missing" if event_type is None else _describe_value(event_type)
        return f"its type is {shown}, not an event type name"
    previous = raw.get("previousEventId")
    if previous is not None:
        if isinstance(previous, bool) or not isinstance(previous, int):
            return f"its previousEventId is {_describe_value(previous)}, not an integer"
        if not 0 <= previous < event_id:
            return f"its previousEventId {previous} does not point to an earlier event"
    timestamp = raw.get("timestamp")
    if timestamp is not None and (
        isinstance(timestamp, bool | dict | list | Unsound)
        or not isinstance(timestamp, str | int | float)
    ):
        return f"its timestamp is {_describe_value(timestamp)}, not a date"
    if len(details) > 1:
        members = ", ".join(sorted(details))
        return f"it has {len(details)} ...EventDetails members ({members}); AWS writes one"
    if details and not isinstance(raw[details[0]], dict):
        return f"its {details[0]} is {_describe_value(raw[details[0]])}, not an object"
    return None


def _scalar_problem(value: object) -> str | None:
    if isinstance(value, Unsound):
        return f"it holds {value.reason}"
    return text_problem(value)


def _content_problem(raw: dict[str, Any], suspicious: bool) -> str | None:
    """Nesting depth and, when the text was `suspicious`, unsound numbers and unstorable text
    anywhere in the event (walked, not recursed)."""
    pending: list[tuple[dict[str, Any] | list[Any], int]] = [(raw, 1)]
    while pending:
        container, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"it is nested deeper than {MAX_DEPTH} levels"
        if isinstance(container, dict):
            if suspicious:
                problem = next(filter(None, map(text_problem, container)), None)
                if problem:
                    return problem
            items: Any = container.values()
        else:
            items = container
        for item in items:
            if isinstance(item, dict | list):
                pending.append((item, depth + 1))
            elif suspicious:
                problem = _scalar_problem(item)
                if problem:
                    return problem
    return None


def _size_text(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} bytes"


def _payload_problem(details: dict[str, Any]) -> tuple[str | None, bool]:
    """Convert parsed payloads to JSON text in place; say which payload is over AWS's limit."""
    converted = False
    for key in _CONVERTED_FIELDS:
        value = details.get(key)
        if value is None or isinstance(value, str):
            text = value
        else:
            text = payload_text(value)
            if text is None:
                return f"its {key} cannot be written as JSON text", converted
            details[key] = text
            converted = True
        if key in PAYLOAD_FIELDS and text is not None and len(text) * 4 > MAX_PAYLOAD_BYTES:
            size = len(text.encode("utf-8"))
            if size > MAX_PAYLOAD_BYTES:
                return f"its {key} is {_size_text(size)}, over AWS's 256 KiB limit", converted
    variables = details.get("assignedVariables")
    if isinstance(variables, dict) and any(not isinstance(v, str) for v in variables.values()):
        texts = {
            name: "null" if value is None else payload_text(value)
            for name, value in variables.items()
        }
        if any(text is None for text in texts.values()):
            return "its assignedVariables cannot be written as JSON text", converted
        details["assignedVariables"] = texts
        converted = True
    return None, converted


def check_event(raw: object, suspicious: bool = True) -> CheckedEvent:
    """Keep a sound event, with payloads as JSON text, else say why not.

    `raw` is kept as it is when sound; a copy is made only to turn parsed payloads into text.
    `suspicious` False promises that the text it came from holds no unsound number and no NUL
    or surrogate, so those checks are skipped (the nesting depth is always checked).
    """
    if not isinstance(raw, dict):
        return CheckedEvent(None, None, f"it is {_describe_value(raw)}, not an event object")
    event_id = _event_id(raw)
    if event_id is None:
        return CheckedEvent(None, None, _id_problem(raw))
    detail_keys = [key for key in raw if key.endswith("EventDetails")]
    problem = _shape_problem(raw, event_id, detail_keys) or _content_problem(raw, suspicious)
    if problem is not None:
        return CheckedEvent(None, event_id, problem)
    if not detail_keys:
        return CheckedEvent(raw, event_id, None)
    details = raw[detail_keys[0]]
    if all(isinstance(details.get(key), str | None) for key in _CONVERTED_FIELDS) and not (
        isinstance(details.get("assignedVariables"), dict)
    ):
        problem, _ = _payload_problem(details)  # sizes only: nothing to convert
        return CheckedEvent(None if problem else raw, event_id, problem)
    details = dict(details)
    problem, converted = _payload_problem(details)
    if problem is not None:
        return CheckedEvent(None, event_id, problem)
    return CheckedEvent({**raw, detail_keys[0]: details}, event_id, None, converted)
