"""The corpus's activity cases, replayed with the worker the recording used: the recorded
consumer (GetActivityTask with its WorkerName, then SendTaskSuccess, SendTaskFailure or nothing)
is played through stepscope.engine.callbacks, and the history is compared by the corpus's own
runner, event by event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stepscope.engine import start, step
from stepscope.engine.callbacks import (
    get_activity_task,
    send_task_failure,
    send_task_success,
    waiting_task,
)
from stepscope.engine.recorder import json_text
from tests.stepscope.engine.engine_helpers import conformance_runner

REPO = Path(__file__).resolve().parents[3]
CONFORMANCE = REPO.parent / "shared" / "conformance"
ACTIVITY_CASES = [
    "v2.activities.test_activities.TestActivities.test_activity_task_failure",
    "v2.activities.test_activities.TestActivities.test_activity_task_no_worker_name",
    "v2.activities.test_activities.TestActivities.test_activity_task_on_deleted",
    "v2.activities.test_activities.TestActivities.test_activity_task_start_timeout",
]
pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="no ../shared/conformance")


def play_worker(case: dict[str, Any], snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the recorded consumer did with the task it got."""
    for actor in case.get("actors") or []:
        states = actor["definition"]["States"]
        worker = states["GetActivityTask"]["Parameters"].get("WorkerName")
        arn = actor["input"]["ActivityArn"]
        snapshot, task = get_activity_task(snapshot, arn, worker)
        assert task is not None, "the activity task should be waiting for a worker"
        received = states["TaskReceived"]
        resource = received.get("Resource", "")
        if resource.endswith("sendTaskSuccess"):
            snapshot = send_task_success(snapshot, task["taskToken"], task["input"])
        elif resource.endswith("sendTaskFailure"):
            error = received["Parameters"]["Error"]
            snapshot = send_task_failure(snapshot, task["taskToken"], error, task["input"])
    return snapshot


def simulate(case: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    snapshot = start(case["definition"], case["input"], context=request["context"])
    arns = [actor["input"]["ActivityArn"] for actor in case.get("actors") or []]
    resolvers = {"activities": set(arns)}
    events: list[dict[str, Any]] = []
    wake_at: str | None = None
    played = False
    while snapshot["status"] == "RUNNING":
        result = step(snapshot, resolvers=resolvers, now=wake_at)
        snapshot, wake_at = result.snapshot, result.wake_at
        events.extend(result.events)
        if waiting_task(snapshot) is not None and not played:
            snapshot, played = play_worker(case, snapshot), True
        elif wake_at is None:
            break
    return {
        "id": case["id"],
        "status": snapshot["status"],
        "output": json_text(snapshot.get("output")) if snapshot["status"] == "SUCCEEDED" else None,
        "error": snapshot.get("error"),
        "cause": snapshot.get("cause"),
        "events": events,
    }


@pytest.mark.parametrize("case_id", ACTIVITY_CASES)
def test_activity_case_matches_aws(case_id: str) -> None:
    run = conformance_runner()
    case = json.loads((CONFORMANCE / "cases" / f"{case_id}.json").read_text(encoding="utf-8"))
    request = run.build_request(case, str(CONFORMANCE))
    record = run.evaluate(case, json.dumps(simulate(case, request)))
    assert record["result"] == "pass", (record["path"], record["expected"], record["got"])
