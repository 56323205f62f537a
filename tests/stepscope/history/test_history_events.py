"""Tolerant accessors for history events: details, ids, timestamps, payload text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from stepscope.history.events import (
    details_of,
    event_id,
    event_time,
    payload_text,
    previous_event_id,
)


def test_details_of_finds_the_one_details_member() -> None:
    event = {"id": 3, "type": "TaskFailed", "taskFailedEventDetails": {"error": "E"}}
    assert details_of(event) == {"error": "E"}
    assert details_of({"id": 1, "type": "MapStateFailed"}) == {}
    assert details_of({"taskFailedEventDetails": "not an object"}) == {}
    assert details_of("junk") == {}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2024-05-01T12:00:00.123000+00:00", datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)),
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("2024-05-01T12:00:00", datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (
            "2024-05-01T14:00:00+02:00",
            datetime(2024, 5, 1, 14, tzinfo=timezone(timedelta(hours=2))),
        ),
        (1714564800, datetime(2024, 5, 1, 12, tzinfo=UTC)),
        (1714564800.5, datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        ("1714564800.5", datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_event_time_reads_iso_and_epoch(stamp: object, expected: datetime) -> None:
    assert event_time({"timestamp": stamp}) == expected


@pytest.mark.parametrize(
    "stamp", ["timestamp", "", None, True, 1e300, float("nan"), [1], "2024-13-01"]
)
def test_event_time_is_none_for_junk(stamp: object) -> None:
    assert event_time({"timestamp": stamp}) is None


def test_ids_must_be_integers() -> None:
    assert event_id({"id": 4}) == 4
    assert event_id({"id": "4"}) is None
    assert event_id({"id": True}) is None
    assert event_id({"id": [0]}) is None
    assert previous_event_id({"previousEventId": 0}) == 0
    assert previous_event_id({"previousEventId": -1}) is None
    assert previous_event_id({}) is None


def test_payload_text_keeps_text_and_serialises_objects() -> None:
    assert payload_text('{"a": 1}') == '{"a": 1}'
    assert payload_text({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    assert payload_text(None) is None
    assert payload_text(3) == "3"
    assert payload_text(float("inf")) == "inf"
