"""The projection over the real AWS histories of the conformance corpus, read where it lies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.projection import Projector, project

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "cases"


def _history_case_ids() -> list[str]:
    index = CASES / "index.json"
    if not index.is_file():
        return []
    rows = json.loads(index.read_text(encoding="utf-8"))
    return sorted(row["id"] for row in rows if row.get("case_kind") == "execution_history")


CASE_IDS = _history_case_ids()


def _expected(case_id: str) -> dict[str, Any]:
    document = json.loads((CASES / f"{case_id}.json").read_text(encoding="utf-8"))
    expected: dict[str, Any] = document["expected"]
    return expected


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_real_history_projects_to_its_recorded_outcome(case_id: str) -> None:
    expected = _expected(case_id)
    events = expected["events"]
    projector = Projector()
    for event in events:
        projector.feed(event)
        projector.projection()  # reading mid-way must not disturb what follows
    projection = projector.projection()
    assert projector.unplaced_events == 0
    assert projection == project(events)
    status = expected["status"]
    assert projection.execution.status == (
        "RUNNING" if status == "RUNNING_OR_INCOMPLETE" else status
    )
    assert projection.execution.event_count == len(events)
    if status == "FAILED":
        if expected.get("error") is not None:
            assert projection.execution.error == expected["error"]
        failed = projection.failed_run
        assert failed is not None, "a failed execution names the state that failed"
        assert failed.status == "failed"
        assert failed.error == projection.execution.error
    else:
        assert projection.failed_run_key is None
    if status != "RUNNING_OR_INCOMPLETE":
        assert all(run.status != "in-progress" for run in projection.runs)
    assert set(projection.node_statuses) == {run.name for run in projection.runs}
    owned = {event_id for run in projection.runs for event_id in run.event_ids}
    orphans = [
        event["id"]
        for event in events
        if isinstance(event["id"], int) and not event["type"].startswith("Execution")
    ]
    assert [event_id for event_id in orphans if event_id not in owned] == []


@pytest.mark.skipif(not CASE_IDS, reason="the conformance corpus is not present")
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_projector_on_a_prefix_equals_project(data: st.DataObject) -> None:
    events = _expected(data.draw(st.sampled_from(CASE_IDS), label="case"))["events"]
    cut = data.draw(st.integers(min_value=0, max_value=len(events)), label="cut")
    projector = Projector()
    for event in events[:cut]:
        projector.feed(event)
    assert projector.projection() == project(events[:cut])
    assert projector.projection().execution.event_count == cut
