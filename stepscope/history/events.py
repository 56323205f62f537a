"""AWS Step Functions history events as plain dicts, and tolerant accessors for them.

Events keep AWS's field names (``id``, ``previousEventId``, ``type``, ``timestamp`` and one
``...EventDetails`` member). Payloads are JSON text in real AWS histories, but normalised recordings
hold parsed objects instead, so every accessor here accepts both and never raises on junk.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

HistoryEvent = dict[str, Any]

_DETAILS_SUFFIX = "EventDetails"


def details_of(event: HistoryEvent) -> dict[str, Any]:
    """The event's one ``...EventDetails`` member, or ``{}`` when it has none (or is not a dict)."""
    if not isinstance(event, dict):
        return {}
    expected = _expected_details_key(event.get("type"))
    if expected is not None:
        value = event.get(expected)
        if isinstance(value, dict):
            return value
    for key, value in event.items():
        if isinstance(key, str) and key.endswith(_DETAILS_SUFFIX) and isinstance(value, dict):
            return value
    return {}


_details_keys: dict[str, str] = {}


def _expected_details_key(kind: object) -> str | None:
    """Where AWS puts the details of this event type (e.g. ``taskFailedEventDetails``)."""
    if not isinstance(kind, str) or not kind:
        return None
    key = _details_keys.get(kind)
    if key is None:
        if kind.endswith("StateEntered"):
            key = "stateEnteredEventDetails"
        elif kind.endswith("StateExited"):
            key = "stateExitedEventDetails"
        else:
            key = kind[0].lower() + kind[1:] + _DETAILS_SUFFIX
        if len(_details_keys) < 512:  # event types are few; junk types are not remembered
            _details_keys[kind] = key
    return key


def event_id(event: HistoryEvent) -> int | None:
    """The event's ``id`` as a positive int, or None when missing or not an integer."""
    return _positive_int(event.get("id")) if isinstance(event, dict) else None


def previous_event_id(event: HistoryEvent) -> int | None:
    """The ``previousEventId``: 0 when the event follows nothing, None when missing or junk."""
    if not isinstance(event, dict):
        return None
    value = event.get("previousEventId")
    if value == 0 and not isinstance(value, bool):
        return 0
    return _positive_int(value)


def event_type(event: HistoryEvent) -> str:
    """The event's ``type``, or "" when it has none."""
    if not isinstance(event, dict):
        return ""
    value = event.get("type")
    return value if isinstance(value, str) else ""


def event_time(event: HistoryEvent) -> datetime | None:
    """The event's timestamp: ISO-8601 text (UTC when it has no offset) or epoch seconds."""
    if not isinstance(event, dict):
        return None
    return parse_timestamp(event.get("timestamp"))


def parse_timestamp(value: object) -> datetime | None:
    """A timezone-aware datetime from ISO-8601 text or epoch seconds (number or numeric text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[0].isdigit() and ("-" in text[1:] or "T" in text):
        return _from_iso(text)
    try:
        return _from_epoch(float(text))
    except ValueError:
        return _from_iso(text)


def _from_iso(text: str) -> datetime | None:
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def payload_text(value: object) -> str | None:
    """A payload as JSON text: text stays as it is, parsed objects are serialised compactly."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return str(value)


def payload_value(text: str | None) -> Any:
    """A payload's JSON value: text that is not JSON stays text, None stays None."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def text_field(details: dict[str, Any], name: str) -> str | None:
    """A details field (``error``, ``cause``, ``name``...) as text, or None when absent."""
    return payload_text(details.get(name))


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value > 0 else None


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds):
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
