"""Histories of any number of events, written straight as text (200,000 events in a second)."""

from __future__ import annotations

START = (
    '{"timestamp":"2024-05-01T10:00:00.000000+00:00","type":"ExecutionStarted","id":1,'
    '"previousEventId":0,"executionStartedEventDetails":{"input":"{}",'
    '"roleArn":"arn:aws:iam::123456789012:role/loop"}}'
)
STEP = (
    '{{"timestamp":"2024-05-01T10:00:01.000000+00:00","type":"Pass{kind}","id":{id},'
    '"previousEventId":{previous},"state{kind}EventDetails":{{"name":"Step","{field}":"{{}}"}}}}'
)


def events_text(count: int) -> str:
    """One get-execution-history page: ExecutionStarted, then a Pass state entered and exited
    over and over (ids 1..count; it never ends, so the execution is RUNNING)."""
    parts = [START]
    for number in range(2, count + 1):
        entered = number % 2 == 0
        parts.append(
            STEP.format(
                kind="StateEntered" if entered else "StateExited",
                id=number,
                previous=number - 1,
                field="input" if entered else "output",
            )
        )
    return '{"events":[' + ",".join(parts) + "]}"
