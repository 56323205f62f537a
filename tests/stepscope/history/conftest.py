"""A small writer of AWS-shaped history events, for hand-built histories in the projection tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def _details_key(event_type: str) -> str:
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class HistoryWriter:
    """Appends events with ascending ids; ``prev`` defaults to the event just written."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.clock = START

    def add(
        self, event_type: str, prev: int | None = None, after: float = 1.0, **details: Any
    ) -> int:
        self.clock += timedelta(seconds=after)
        event_id = len(self.events) + 1
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": (event_id - 1) if prev is None else prev,
            "timestamp": self.clock.isoformat(),
            "type": event_type,
        }
        if details:
            event[_details_key(event_type)] = details
        self.events.append(event)
        return event_id

    def start(self, payload: object = None) -> int:
        return self.add(
            "ExecutionStarted", prev=0, input=json.dumps(payload or {}), roleArn="arn:role"
        )

    def enter(
        self, state_type: str, name: str, prev: int | None = None, payload: object = None
    ) -> int:
        return self.add(
            f"{state_type}StateEntered", prev, name=name, input=json.dumps(payload or {})
        )

    def exit(
        self, state_type: str, name: str, prev: int | None = None, payload: object = None
    ) -> int:
        return self.add(
            f"{state_type}StateExited", prev, name=name, output=json.dumps(payload or {})
        )

    def task_attempt(
        self, prev: int | None = None, *, error: str | None = None, after: float = 1.0
    ) -> int:
        """TaskScheduled, TaskStarted, then TaskSucceeded or TaskFailed; returns the last id."""
        scheduled = self.add(
            "TaskScheduled",
            prev,
            after=after,
            parameters='{"FunctionName":"charge"}',
            resource="invoke",
            resourceType="lambda",
            region="us-east-1",
        )
        started = self.add("TaskStarted", scheduled, resource="invoke", resourceType="lambda")
        if error is None:
            return self.add("TaskSucceeded", started, output='{"ok":true}')
        return self.add("TaskFailed", started, error=error, cause=f"{error} happened")

    def pass_state(self, name: str, prev: int | None = None) -> int:
        entered = self.enter("Pass", name, prev)
        return self.exit("Pass", name, entered)


@pytest.fixture
def history() -> HistoryWriter:
    return HistoryWriter()
