"""Map iterations and Parallel branches are grouped by previousEventId chains, not list order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.history.projection import Projection, project

# A Parallel "FanOut" whose branch 0 is a Pass and branch 1 a Map "Lines" of two iterations; the
# second iteration's Charge fails, uncaught. Each step: (label, type, prev label, details).
NESTED_STEPS: list[tuple[str, str, str | None, dict[str, Any]]] = [
    ("start", "ExecutionStarted", None, {"input": "{}"}),
    ("fan", "ParallelStateEntered", None, {"name": "FanOut", "input": "{}"}),
    ("fan_started", "ParallelStateStarted", "fan", {}),
    ("notify", "PassStateEntered", "fan_started", {"name": "Notify", "input": "{}"}),
    ("lines", "MapStateEntered", "fan_started", {"name": "Lines", "input": "{}"}),
    ("lines_started", "MapStateStarted", "lines", {"length": 2}),
    ("notify_out", "PassStateExited", "notify", {"name": "Notify", "output": "{}"}),
    ("it0", "MapIterationStarted", "lines_started", {"index": 0, "name": "Lines"}),
    ("it1", "MapIterationStarted", "lines_started", {"index": 1, "name": "Lines"}),
    ("c1", "TaskStateEntered", "it1", {"name": "Charge", "input": '{"line":1}'}),
    ("c0", "TaskStateEntered", "it0", {"name": "Charge", "input": '{"line":0}'}),
    ("c0_sched", "TaskScheduled", "c0", {"parameters": "{}", "resource": "invoke"}),
    ("c1_sched", "TaskScheduled", "c1", {"parameters": "{}", "resource": "invoke"}),
    ("c1_start", "TaskStarted", "c1_sched", {}),
    ("c0_start", "TaskStarted", "c0_sched", {}),
    ("c0_ok", "TaskSucceeded", "c0_start", {"output": "{}"}),
    ("c1_fail", "TaskFailed", "c1_start", {"error": "CardDeclined", "cause": "insufficient"}),
    ("c0_out", "TaskStateExited", "c0_ok", {"name": "Charge", "output": "{}"}),
    ("it0_ok", "MapIterationSucceeded", "c0_out", {"index": 0, "name": "Lines"}),
    ("it1_fail", "MapIterationFailed", "c1_fail", {"index": 1, "name": "Lines"}),
    ("lines_fail", "MapStateFailed", "c1_fail", {}),
    ("fan_fail", "ParallelStateFailed", "lines_fail", {}),
    ("end", "ExecutionFailed", "fan_fail", {"error": "CardDeclined", "cause": "insufficient"}),
]


def _events(steps: list[tuple[str, str, str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
    ids = {label: index for index, (label, _, _, _) in enumerate(steps, start=1)}
    events = []
    for label, event_type, prev, details in steps:
        event: dict[str, Any] = {
            "id": ids[label],
            "previousEventId": ids[prev] if prev else 0,
            "timestamp": f"2024-05-01T12:00:{ids[label]:02d}+00:00",
            "type": event_type,
        }
        key = event_type[0].lower() + event_type[1:] + "EventDetails"
        if event_type.endswith("StateEntered"):
            key = "stateEnteredEventDetails"
        elif event_type.endswith("StateExited"):
            key = "stateExitedEventDetails"
        if details:
            event[key] = details
        events.append(event)
    return events


def _shape(projection: Projection) -> dict[str, tuple[str, str | None, int | None, int | None]]:
    return {
        run.key: (run.status, run.parent_key, run.iteration, run.branch) for run in projection.runs
    }


def test_map_nested_in_parallel_is_grouped_by_chain() -> None:
    projection = project(_events(NESTED_STEPS))
    assert _shape(projection) == {
        "FanOut": ("failed", None, None, None),
        "FanOut/b0/Notify": ("succeeded", "FanOut", None, 0),
        "FanOut/b1/Lines": ("failed", "FanOut", None, 1),
        "FanOut/b1/Lines/i1/Charge": ("failed", "FanOut/b1/Lines", 1, None),
        "FanOut/b1/Lines/i0/Charge": ("succeeded", "FanOut/b1/Lines", 0, None),
    }
    assert projection.failed_run_key == "FanOut/b1/Lines/i1/Charge"
    failed = projection.run("FanOut/b1/Lines/i1/Charge")
    assert failed is not None and failed.input == '{"line":1}' and failed.error == "CardDeclined"
    assert projection.run("FanOut").error == "CardDeclined"  # type: ignore[union-attr]
    assert projection.node_statuses["Charge"] == "failed"


def test_interleaving_does_not_change_the_grouping() -> None:
    first = project(_events(NESTED_STEPS))
    swapped = list(NESTED_STEPS)
    # Let iteration 0 run to its end before iteration 1 enters its task, and Notify finish last.
    order = [step[0] for step in swapped]
    moved = swapped.pop(order.index("notify_out"))
    swapped.insert(len(swapped) - 4, moved)
    c1 = swapped.pop([step[0] for step in swapped].index("c1"))
    swapped.insert([step[0] for step in swapped].index("c1_sched"), c1)
    second = project(_events(swapped))
    assert _shape(second) == _shape(first)
    assert second.failed_run_key == first.failed_run_key


def test_map_with_two_failed_iterations_of_ten(history: Any) -> None:
    history.start()
    entered = history.enter("Map", "Lines", prev=0)
    started = history.add("MapStateStarted", entered, length=10)
    last = started
    for index in range(10):
        iteration = history.add("MapIterationStarted", started, index=index, name="Lines")
        charge = history.enter("Task", "Charge", iteration)
        failing = index in (3, 7)
        last = history.task_attempt(charge, error="CardDeclined" if failing else None)
        if failing:
            history.add("MapIterationFailed", last, index=index, name="Lines")
        else:
            exited = history.exit("Task", "Charge", last)
            last = history.add("MapIterationSucceeded", exited, index=index, name="Lines")
    done = history.add("MapStateSucceeded", last)
    exited = history.exit("Map", "Lines", done)
    history.add("ExecutionSucceeded", exited, output="[]")
    projection = project(history.events)
    charges = projection.runs_of("Charge")
    assert len(charges) == 10
    assert [run.iteration for run in charges if run.status == "failed"] == [3, 7]
    assert sum(run.status == "succeeded" for run in charges) == 8
    assert all(run.parent_key == "Lines" for run in charges)
    assert projection.run("Lines/i7/Charge").status == "failed"  # type: ignore[union-attr]
    assert projection.run("Lines").status == "succeeded"  # type: ignore[union-attr]
    assert projection.node_statuses == {"Lines": "succeeded", "Charge": "failed"}
    assert projection.failed_run_key is None


def test_failure_in_one_branch_aborts_the_other(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    a = history.enter("Task", "A", started)
    b = history.enter("Wait", "B", started)
    failed = history.task_attempt(a, error="Boom")
    history.add("WaitStateAborted", failed)
    history.add("TaskStateAborted", failed)
    parallel_failed = history.add("ParallelStateFailed", failed)
    history.add("ExecutionFailed", parallel_failed, error="Boom", cause="x")
    projection = project(history.events)
    assert projection.run("Both/b1/B").status == "aborted"  # type: ignore[union-attr]
    assert projection.run("Both/b0/A").status == "failed"  # type: ignore[union-attr]
    assert projection.failed_run_key == "Both/b0/A"
    assert b in projection.run("Both/b1/B").event_ids  # type: ignore[union-attr]


def test_retried_parallel_numbers_the_second_attempt(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    a = history.enter("Task", "A", started)
    failed = history.task_attempt(a, error="Boom")
    parallel_failed = history.add("ParallelStateFailed", failed)
    restarted = history.add("ParallelStateStarted", parallel_failed, after=5)
    again = history.enter("Task", "A", restarted)
    ok = history.task_attempt(again)
    a_out = history.exit("Task", "A", ok)
    parallel_ok = history.add("ParallelStateSucceeded", a_out)
    out = history.exit("Parallel", "Both", parallel_ok)
    history.add("ExecutionSucceeded", out)
    projection = project(history.events)
    both = projection.run("Both")
    assert both is not None and both.status == "retried"
    assert [attempt.status for attempt in both.attempts] == ["failed", "succeeded"]
    assert both.attempts[1].backoff_seconds == 5.0
    assert projection.run("Both/b0/A").status == "failed"  # type: ignore[union-attr]
    assert projection.run("Both/b0/A#2").status == "succeeded"  # type: ignore[union-attr]


def test_distributed_map_run_failure(history: Any) -> None:
    history.start()
    entered = history.enter("Map", "Big", prev=0)
    started = history.add("MapStateStarted", entered, length=1000)
    map_run = history.add("MapRunStarted", started, mapRunArn="arn:aws:states:r:1:mapRun:m/x")
    run_failed = history.add(
        "MapRunFailed", map_run, error="States.ExceedToleratedFailureThreshold", cause="too many"
    )
    map_failed = history.add("MapStateFailed", run_failed)
    history.add("ExecutionFailed", map_failed, error="States.ExceedToleratedFailureThreshold")
    projection = project(history.events)
    run = projection.run("Big")
    assert run is not None
    assert run.status == "failed"
    assert run.error == "States.ExceedToleratedFailureThreshold"
    assert run.resource == "arn:aws:states:r:1:mapRun:m/x"
    assert projection.failed_run_key == "Big"


# The events that end iterations, the Map, the Parallel and the execution come last, in this order.
FIXED_SUFFIX = ["it0_ok", "it1_fail", "lines_fail", "fan_fail", "end"]


def _may_come_next(
    label: str, steps: dict[str, tuple[str, str, str | None, dict[str, Any]]], placed: list[str]
) -> bool:
    prev = steps[label][2]
    if prev is None:  # the execution starts first, then its first state
        return label == "start" or "start" in placed
    if label == "lines" and "notify" not in placed:  # branches start in branch order
        return False
    return prev in placed


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_interleaving_groups_the_same(data: st.DataObject) -> None:
    """Concurrent branches and iterations may interleave in any order their chains allow."""
    steps = {step[0]: step for step in NESTED_STEPS}
    waiting = [label for label in steps if label not in FIXED_SUFFIX]
    placed: list[str] = []
    while waiting:
        ready = [label for label in waiting if _may_come_next(label, steps, placed)]
        label = data.draw(st.sampled_from(ready))
        placed.append(label)
        waiting.remove(label)
    ordered = [steps[label] for label in placed + FIXED_SUFFIX]
    projection = project(_events(ordered))
    assert _shape(projection) == _shape(project(_events(NESTED_STEPS)))
    assert projection.failed_run_key == "FanOut/b1/Lines/i1/Charge"
