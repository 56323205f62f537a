"""Write execution histories in AWS's GetExecutionHistory format from code.

`HistoryWriter` numbers events from 1, chains `previousEventId` as AWS does (each event points to
the event that caused it: the previous one on a straight path, the iteration's or branch's own last
event inside a Map or Parallel), and stamps ISO-8601 times with an offset on a clock the caller
advances. Payloads are JSON text. The demo histories in fixtures/histories and the 25,000-event
history used by tests and benchmarks are written with it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

HistoryEvent = dict[str, Any]


def json_text(value: object) -> str:
    """A payload as AWS writes it: compact JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class HistoryWriter:
    """Appends events in AWS's shape; `at` is the clock, moved forward with `advance`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the start time needs a UTC offset")
        self.at = start
        self.events: list[HistoryEvent] = []

    @property
    def last_id(self) -> int:
        return len(self.events)

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at

    def add(
        self,
        event_type: str,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        previous: int | None = None,
    ) -> int:
        """Append one event; `previous` defaults to the event before it. Returns the new id."""
        event: HistoryEvent = {
            "timestamp": self.at.isoformat(timespec="microseconds"),
            "type": event_type,
            "id": self.last_id + 1,
            "previousEventId": self.last_id if previous is None else previous,
        }
        if details_key is not None:
            event[details_key] = details if details is not None else {}
        self.events.append(event)
        return self.last_id

    def state_entered(self, state_type: str, name: str, state_input: object, **kw: Any) -> int:
        details = {"name": name, "input": json_text(state_input), "inputDetails": _untruncated()}
        return self.add(f"{state_type}StateEntered", "stateEnteredEventDetails", details, **kw)

    def state_exited(self, state_type: str, name: str, state_output: object, **kw: Any) -> int:
        details = {"name": name, "output": json_text(state_output), "outputDetails": _untruncated()}
        return self.add(f"{state_type}StateExited", "stateExitedEventDetails", details, **kw)

    def page(self) -> dict[str, Any]:
        """The document `aws stepfunctions get-execution-history` prints."""
        return {"events": list(self.events)}


def _untruncated() -> dict[str, bool]:
    return {"truncated": False}
