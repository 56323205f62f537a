"""Time for the engine: ISO-8601 parsing and formatting, and a virtual clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "ExecutionDeadline",
    "VirtualClock",
    "format_iso",
    "parse_iso",
    "parse_strict_timestamp",
]


class ExecutionDeadline(Exception):  # noqa: N818 - a control-flow signal, not an error
    """A wait would outlast the execution's TimeoutSeconds: the clock stands at the deadline."""


_TICK = timedelta(milliseconds=1)
_STRICT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 time with an offset; naive times are taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_strict_timestamp(text: object) -> datetime | None:
    """An RFC3339 timestamp as ASL requires (uppercase T, offset required), else None."""
    if not isinstance(text, str) or not _STRICT.match(text):
        return None
    try:
        return parse_iso(text)
    except ValueError:
        return None


def format_iso(moment: datetime) -> str:
    """`2025-01-01T12:00:00.000Z`-style text with milliseconds, as AWS writes times."""
    global _LAST_FORMATTED
    last = _LAST_FORMATTED  # the same moment is often formatted again (an event's, then `now`)
    if last[0] is moment:
        return last[1]
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    if utc.year < 1000:  # strftime's %Y does not pad these to four digits
        text = utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    elif utc.microsecond:  # `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`: keep the milliseconds
        text = utc.isoformat()[:23] + "Z"
    else:  # `YYYY-MM-DDTHH:MM:SS+00:00`
        text = utc.isoformat()[:19] + ".000Z"
    _LAST_FORMATTED = (moment, text)  # datetimes are immutable: safe to key by identity
    return text


_LAST_FORMATTED: tuple[datetime | None, str] = (None, "")


class VirtualClock:
    """A clock that only moves when told to: `advance_to` jumps, nothing sleeps. `deadline`:
    when the execution times out (its TimeoutSeconds), if it does."""

    def __init__(self, start: datetime, deadline: datetime | None = None) -> None:
        self.now = start
        self.deadline = deadline
        # Once a callback waits inside a branch (`waiting`, the first one), nothing due after
        # `horizon` may run in this step (stepscope.engine.fibers, horizon_reached).
        self.horizon: datetime | None = None
        self.waiting: Any = None
        # Every callback that waits, in order: (its ParkedInBranch, the fibers it waits inside).
        self.all_waiting: list[tuple[Any, frozenset[int]]] = []

    def advance_to(self, moment: datetime) -> None:
        if moment > self.now:
            self.now = moment

    def advance(self, seconds: float) -> None:
        self.now = self.now + timedelta(seconds=seconds)

    def tick(self) -> datetime:
        """The time of the next event: a millisecond after the last, so events stay ordered."""
        self.now = self.now + _TICK
        return self.now
