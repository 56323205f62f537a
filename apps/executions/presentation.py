"""Turning projected values into what the execution page shows: pretty JSON cut to a preview,
durations, Lambda causes, and status attributes added to the already-drawn graph."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from stepscope.history.projection import parse_lambda_cause
from stepscope.history.status import EXECUTION_STATUS_STYLES, STATUS_STYLES, StatusStyle

PREVIEW_CHARS = 10_000
# Only inside a group's start tag: "<" is always escaped in text, so titles never match.
_STATE_ATTRIBUTE = re.compile(r'<g\b[^>]*?\sdata-state="([^"]*)"')


@dataclass(frozen=True)
class Payload:
    text: str  # pretty-printed (or as given when it is not JSON), cut to the preview
    full_size: int  # characters in the whole pretty text
    truncated: bool
    is_json: bool


def pretty_json(value: object) -> str:
    """JSON text (or a parsed value) pretty-printed; text that is not JSON is returned as is."""
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            try:  # what orjson refuses but Python reads: huge integers, NaN
                value = json.loads(value)
            except (ValueError, RecursionError):
                return value
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        try:
            return json.dumps(value, indent=2, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            return str(value)


def payload(value: object, limit: int = PREVIEW_CHARS) -> Payload | None:
    if value is None:
        return None
    text = pretty_json(value)
    is_json = not isinstance(value, str) or text != value or _parses(value)
    return Payload(text[:limit], len(text), len(text) > limit, is_json)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def size_text(characters: int) -> str:
    if characters >= 1024 * 1024:
        return f"{characters / (1024 * 1024):.1f} MiB"
    if characters >= 1024:
        return f"{characters / 1024:.0f} KiB"
    return f"{characters} characters"


def duration_text(seconds: float | None) -> str:
    """Short and exact enough for a 3 a.m. read: 850 ms, 12.4 s, 3 min 05 s, 2 h 04 min."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    minutes, rest = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start) / timedelta(seconds=1)


@dataclass(frozen=True)
class CauseView:
    raw: Payload | None
    error_type: str | None
    error_message: str | None
    stack_trace: str  # joined lines, "" when none
    extra: str  # other fields of the Lambda error, pretty JSON, "" when none


def cause_view(cause: str | None) -> CauseView | None:
    """A cause, with a Lambda error's type, message and stack trace pulled out when it has them."""
    if cause is None:
        return None
    lambda_error = parse_lambda_cause(cause)
    if lambda_error is None:
        return CauseView(payload(cause), None, None, "", "")
    extra = pretty_json(dict(lambda_error.extra)) if lambda_error.extra else ""
    return CauseView(
        payload(cause),
        lambda_error.error_type,
        lambda_error.error_message,
        "\n".join(line.rstrip("\n") for line in lambda_error.stack_trace),
        extra,
    )


def run_style(status: str) -> StatusStyle:
    return STATUS_STYLES.get(status, STATUS_STYLES["not-run"])  # type: ignore[call-overload]


def execution_style(status: str) -> StatusStyle:
    return EXECUTION_STATUS_STYLES.get(status, EXECUTION_STATUS_STYLES["RUNNING"])  # type: ignore[call-overload]


def svg_with_statuses(svg: str, statuses: Mapping[str, str]) -> str:
    """The graph's SVG with data-status on every state node (by its escaped data-state name)."""

    def add_status(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1))
        status = statuses.get(name, "not-run")
        return f'{match.group(0)} data-status="{html.escape(status, quote=True)}"'

    return _STATE_ATTRIBUTE.sub(add_status, svg)


def status_legend() -> list[dict[str, Any]]:
    return [{"status": status, "style": style} for status, style in STATUS_STYLES.items()]
