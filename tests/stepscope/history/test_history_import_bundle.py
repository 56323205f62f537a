"""write_bundle then read_history gives back exactly what was written (property-based)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.description import state_machine_name_from_arn
from stepscope.history.event_types import AWS_EVENT_TYPES
from stepscope.history.importing import ExecutionDescription, read_history, write_bundle

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30))]
)
DATES = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES
)
TIMESTAMPS = st.one_of(
    DATES.map(lambda moment: moment.isoformat()),
    st.floats(min_value=0, max_value=4e9, allow_nan=False),
    st.integers(min_value=0, max_value=4_000_000_000),
)
DETAILS_KEYS = st.sampled_from(
    ["stateEnteredEventDetails", "taskFailedEventDetails", "executionStartedEventDetails", None]
)
PAYLOADS = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
).map(lambda value: json.dumps(value, separators=(",", ":")))


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=12))
    ids = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=60), min_size=count, max_size=count))
    )
    made: list[dict[str, Any]] = []
    for event_id in ids:
        event: dict[str, Any] = {
            "timestamp": draw(TIMESTAMPS),
            "type": draw(st.sampled_from(sorted(AWS_EVENT_TYPES))),
            "id": event_id,
            "previousEventId": draw(st.integers(min_value=0, max_value=event_id - 1)),
        }
        key = draw(DETAILS_KEYS)
        if key is not None:
            event[key] = {
                "name": draw(TEXT),
                "input": draw(PAYLOADS),
                "inputDetails": {"truncated": False},
                "cause": draw(TEXT),
            }
        made.append(event)
    return made


DESCRIPTIONS = st.none() | st.builds(
    ExecutionDescription,
    execution_arn=st.none() | TEXT,
    state_machine_arn=st.none()
    | st.just("arn:aws:states:us-east-1:123456789012:stateMachine:orders"),
    name=st.none() | TEXT,
    status=st.none() | st.sampled_from(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]),
    start_date=st.none() | DATES,
    stop_date=st.none() | DATES,
    input=st.none() | PAYLOADS,
    output=st.none() | PAYLOADS,
    error=st.none() | TEXT,
    cause=st.none() | TEXT,
)


@settings(max_examples=150, deadline=None)
@given(
    events=histories(),
    description=DESCRIPTIONS,
    definition=st.none() | TEXT,
    name=st.none() | TEXT.filter(bool),
)
def test_a_bundle_reads_back_losslessly(
    events: list[dict[str, Any]],
    description: ExecutionDescription | None,
    definition: str | None,
    name: str | None,
) -> None:
    text = write_bundle(
        events=events, description=description, definition=definition, state_machine_name=name
    )
    history = read_history([("bundle.json", text)])
    assert list(history.events) == events
    assert history.description == description
    assert history.definition == definition
    assert history.skipped == ()
    if name is not None:
        assert history.state_machine_name == name
    elif description is not None and description.state_machine_arn is not None:
        assert history.state_machine_name == state_machine_name_from_arn(
            description.state_machine_arn
        )


@settings(max_examples=60, deadline=None)
@given(events=histories())
def test_a_bundle_is_one_json_document_in_the_documented_shape(
    events: list[dict[str, Any]],
) -> None:
    document = json.loads(
        write_bundle(events=events, description=None, definition=None, state_machine_name="m")
    )
    assert document["format"] == "stepscope.execution-bundle"
    assert document["version"] == 1
    assert document["stateMachineName"] == "m"
    assert document["execution"] is None
    assert document["events"] == events
