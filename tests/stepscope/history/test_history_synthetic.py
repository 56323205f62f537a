"""The generated 25,000-event history: exactly AWS's limit, sound, and as AWS would write it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from stepscope.asl.loading import load_definition
from stepscope.history.event_types import AWS_EVENT_TYPES
from stepscope.history.importing import MAX_EVENTS, read_history
from stepscope.history.synthetic import (
    LARGE_DEFINITION,
    LARGE_MACHINE_NAME,
    generate_large_history,
    large_history_bundle,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def large() -> dict[str, Any]:
    return generate_large_history()


def test_it_has_exactly_25000_events_and_all_import_soundly(large: dict[str, Any]) -> None:
    assert len(large["events"]) == MAX_EVENTS == 25_000
    history = read_history([("large.json", json.dumps(large))])
    assert len(history.events) == 25_000
    assert history.skipped == ()
    assert history.notes == ()


def test_ids_chains_types_and_times_are_sound(large: dict[str, Any]) -> None:
    events = large["events"]
    assert [event["id"] for event in events] == list(range(1, 25_001))
    assert all(0 <= event["previousEventId"] < event["id"] for event in events)
    assert {event["type"] for event in events} <= AWS_EVENT_TYPES
    times = [datetime.fromisoformat(event["timestamp"]) for event in events]
    assert times == sorted(times)
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionSucceeded"


def test_iterations_interleave_and_each_chains_back_to_its_own_start(
    large: dict[str, Any],
) -> None:
    events = large["events"]
    by_id = {event["id"]: event for event in events}
    counts = Counter(event["type"] for event in events)
    (started,) = [e for e in events if e["type"] == "MapStateStarted"]
    length = started["mapStateStartedEventDetails"]["length"]
    assert counts["MapIterationStarted"] == counts["MapIterationSucceeded"] == length
    assert counts["SucceedStateEntered"] > 0 and counts["TaskScheduled"] > 0
    interleaved = 0
    for event in events:
        if event["type"] != "MapIterationSucceeded":
            continue
        index = event["mapIterationSucceededEventDetails"]["index"]
        chain = [event["id"]]
        walk = by_id[event["previousEventId"]]
        while walk["type"] != "MapIterationStarted":
            chain.append(walk["id"])
            walk = by_id[walk["previousEventId"]]
        chain.append(walk["id"])
        assert walk["mapIterationStartedEventDetails"]["index"] == index
        interleaved += max(chain) - min(chain) + 1 > len(chain)  # others' events in between
    assert interleaved == length


def test_every_payload_is_json_text_under_the_limit(large: dict[str, Any]) -> None:
    for event in large["events"]:
        for key, value in event.items():
            if key.endswith("EventDetails"):
                for field in ("input", "output", "parameters"):
                    if field in value:
                        assert len(value[field].encode()) <= 262_144
                        json.loads(value[field])


def test_the_states_it_shows_are_those_of_its_definition(large: dict[str, Any]) -> None:
    loaded = load_definition(json.dumps(LARGE_DEFINITION))
    names = {state.name for state, _ in loaded.machine.walk()}
    seen = {
        value["name"]
        for event in large["events"]
        for key, value in event.items()
        if key in ("stateEnteredEventDetails", "stateExitedEventDetails")
    }
    assert seen == names


@pytest.mark.parametrize("count", [17, 100, 1_000, 24_999, 25_001])
def test_other_sizes_are_exact_too(count: int) -> None:
    assert len(generate_large_history(count)["events"]) == count


@pytest.mark.parametrize("count", [0, 5, 7])
def test_sizes_too_small_for_a_map_run_are_refused(count: int) -> None:
    with pytest.raises(ValueError, match=f"exactly {count} events"):
        generate_large_history(count)


def test_it_is_deterministic() -> None:
    assert generate_large_history(500) == generate_large_history(500)


def test_the_bundle_holds_definition_description_and_events() -> None:
    history = read_history([("bundle.json", large_history_bundle(1_000))])
    assert len(history.events) == 1_000
    assert history.state_machine_name == LARGE_MACHINE_NAME
    assert history.definition is not None
    assert json.loads(history.definition) == LARGE_DEFINITION
    assert history.description is not None
    assert history.description.status == "SUCCEEDED"


def test_the_script_writes_the_history_to_a_path(tmp_path: Path) -> None:
    target = tmp_path / "large.json"
    script = ROOT / "scripts" / "generate_large_history.py"
    subprocess.run([sys.executable, str(script), str(target), "--events", "300"], check=True)
    assert json.loads(target.read_text()) == generate_large_history(300)
