"""Junk never makes the projection raise: it is best effort over whatever events it is given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.projection import Projector, project
from stepscope.history.reconstruct import reconstruct_definition

EVENT_TYPES = [
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionAborted",
    "ExecutionTimedOut",
    "ExecutionRedriven",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "TaskStartFailed",
    "TaskSubmitFailed",
    "TaskStateAborted",
    "LambdaFunctionScheduled",
    "LambdaFunctionFailed",
    "ActivityScheduleFailed",
    "PassStateEntered",
    "PassStateExited",
    "ParallelStateEntered",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "ParallelStateFailed",
    "ParallelStateAborted",
    "ParallelStateExited",
    "MapStateEntered",
    "MapStateStarted",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapIterationFailed",
    "MapIterationAborted",
    "MapStateSucceeded",
    "MapStateFailed",
    "MapStateAborted",
    "MapStateExited",
    "MapRunStarted",
    "MapRunFailed",
    "MapRunSucceeded",
    "FailStateEntered",
    "WaitStateEntered",
    "WaitStateAborted",
    "EvaluationFailed",
    "ChoiceStateEntered",
    "Nonsense",
]

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)
)
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
details = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["A", "B", "M", ""]) | json_value,
        "index": st.integers(-2, 4) | json_value,
        "input": json_value,
        "output": json_value,
        "error": json_value,
        "cause": json_value,
        "state": st.sampled_from(["A", "B"]) | json_value,
        "resource": json_value,
        "resourceType": json_value,
    },
)
small_id = st.integers(min_value=-2, max_value=30)
event = st.fixed_dictionaries(
    {},
    optional={
        "id": small_id | json_value,
        "previousEventId": small_id | json_value,
        "type": st.sampled_from(EVENT_TYPES) | json_value,
        "timestamp": st.sampled_from(["2024-05-01T12:00:00Z", "1714564800.5", "timestamp"])
        | json_value,
        "stateEnteredEventDetails": details | json_value,
        "taskFailedEventDetails": details,
        "mapIterationStartedEventDetails": details,
        "executionFailedEventDetails": details,
    },
)
junk = st.lists(event | json_value, max_size=40)


@settings(max_examples=100, deadline=None)
@given(events=junk)
def test_junk_events_never_raise(events: list[Any]) -> None:
    projector = Projector()
    for position, item in enumerate(events):
        projector.feed(item)
        if position % 7 == 3:
            projector.projection()  # reading mid-way must not disturb what follows
    projection = projector.projection()
    assert projector.unplaced_events == 0
    assert projection == project(events)
    assert projection.execution.event_count <= len(events)
    assert len({run.key for run in projection.runs}) == len(projection.runs)
    assert reconstruct_definition(projection)["Comment"]


def test_events_with_wrong_types_are_skipped_not_fatal() -> None:
    events: list[Any] = [
        None,
        "text",
        {"id": True, "type": "ExecutionStarted"},
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted", "timestamp": 1e300},
        {"id": 2, "previousEventId": 1, "type": "PassStateEntered", "stateEnteredEventDetails": []},
        {"id": 2, "previousEventId": 1, "type": "ExecutionSucceeded"},  # duplicate id: skipped
        {"id": 3, "previousEventId": 99, "type": "TaskSucceeded"},
    ]
    projection = project(events)
    assert projection.execution.status == "RUNNING"
    assert projection.execution.event_count == 4
    assert [run.name for run in projection.runs] == [""]


CASES = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "cases"
REAL = sorted(CASES.glob("v2.scenarios.*.json")) if CASES.is_dir() else []


@pytest.mark.skipif(not REAL, reason="the conformance corpus is not present")
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_damaged_real_histories_never_raise(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(REAL), label="case")
    events: list[Any] = json.loads(path.read_text(encoding="utf-8"))["expected"].get("events") or []
    for _ in range(data.draw(st.integers(0, 6), label="damages")):
        if not events:
            break
        index = data.draw(st.integers(0, len(events) - 1))
        action = data.draw(st.sampled_from(["drop", "swap", "field", "duplicate"]))
        if action == "drop":
            del events[index]
        elif action == "swap":
            other = data.draw(st.integers(0, len(events) - 1))
            events[index], events[other] = events[other], events[index]
        elif action == "duplicate":
            events.insert(index, dict(events[index], id=data.draw(small_id)))
        elif isinstance(events[index], dict):
            field = data.draw(st.sampled_from(["id", "previousEventId", "type", "timestamp"]))
            events[index] = dict(events[index], **{field: data.draw(json_value | small_id)})
    projector = Projector()
    projector.feed_all(events)
    assert projector.unplaced_events == 0
    assert projector.projection() == project(events)
