"""The history recorder: AWS event types, ids, and previousEventId chaining.

Each run of states (the execution, a Parallel branch, a Map iteration) has a `Thread` with the id
of its last *source* event (what the next event points back to) and of its last published event.
Most events become the new source; a few (ExecutionStarted, Map/Parallel Succeeded, Map iteration
ends) do not, exactly as AWS chains them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stepscope.engine.clock import format_iso

__all__ = ["Recorder", "Thread", "json_text"]


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def json_text(value: Any) -> str:
    """A payload as JSON text, compact, as AWS writes `input`/`output` fields.

    The same text as `json.dumps(value, separators=(",", ":"), ensure_ascii=False)`, from one
    shared encoder rather than a new one per call (this runs twice per state transition)."""
    return _ENCODER.encode(value)


@dataclass
class Thread:
    source: int = 0
    last: int = 0

    def child(self) -> Thread:
        return Thread(self.source, self.source)

    def join(self, other: Thread) -> None:
        self.source = max(self.source, other.source)
        self.last = max(self.last, other.last)


class Recorder:
    def __init__(self, next_id: int = 1) -> None:
        self.next_id = next_id
        self.events: list[dict[str, Any]] = []

    def add(
        self,
        thread: Thread,
        event_type: str,
        moment: datetime,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        becomes_source: bool = True,
    ) -> int:
        event_id = self.next_id
        self.next_id += 1
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": thread.source,
            "timestamp": format_iso(moment),
            "type": event_type,
        }
        if details_key is not None:
            event[details_key] = details if details is not None else {}
        self.events.append(event)
        thread.last = event_id
        if becomes_source:
            thread.source = event_id
        return event_id
