"""The timeline's layout: attempts as bars with back-off gaps, lanes for iterations and branches,
groups for thousands of iterations, and bars of a running execution ending at its last event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stepscope.history.projection import project
from stepscope.history.timeline import parse_expanded, timeline_layout

from .conftest import START


def _retried_task(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Charge", prev=1)
    last = history.task_attempt(entered, error="Busy")
    last = history.task_attempt(last, error="Busy", after=4.0)  # a 4 s back-off
    last = history.task_attempt(last, after=8.0)
    exited = history.exit("Task", "Charge", last)
    history.add("ExecutionSucceeded", exited, output="{}")


def _map(history: Any, count: int, *, fail: tuple[int, ...] = ()) -> None:
    history.start()
    entered = history.enter("Map", "Lines", prev=1)
    started = history.add("MapStateStarted", entered, length=count)
    last = started
    for index in range(count):
        iteration = history.add("MapIterationStarted", started, index=index, name="Lines")
        if index in fail:
            charge = history.enter("Task", "Charge", iteration)
            last = history.task_attempt(charge, error="CardDeclined")
            history.add("MapIterationFailed", last, index=index, name="Lines")
            continue
        last = history.pass_state("Prepare", iteration)
        last = history.add("MapIterationSucceeded", last, index=index, name="Lines")
    done = history.add("MapStateSucceeded", last)
    exited = history.exit("Map", "Lines", done)
    history.add("ExecutionSucceeded", exited, output="[]")


def test_a_retried_task_is_one_bar_per_attempt_with_the_back_offs_as_gaps(history: Any) -> None:
    _retried_task(history)
    timeline = timeline_layout(project(history.events))
    assert [lane.label for lane in timeline.lanes] == ["Charge"]
    bars = timeline.lanes[0].bars
    assert [(bar.attempt, bar.status, bar.state) for bar in bars] == [
        (1, "retried", "Charge"),
        (2, "retried", "Charge"),
        (3, "succeeded", "Charge"),
    ]
    assert all(bar.attempts == 3 and bar.run_key == "Charge" for bar in bars)
    # TaskScheduled at +2 s, TaskFailed at +4 s; the next scheduling 4 s later, and so on.
    assert [(bar.start_ms, bar.end_ms) for bar in bars] == [
        (2000.0, 4000.0),
        (8000.0, 10000.0),
        (18000.0, 20000.0),
    ]
    assert bars[1].start_ms - bars[0].end_ms == 4000.0
    assert bars[2].start_ms - bars[1].end_ms == 8000.0
    assert not any(bar.open for bar in bars)
    assert timeline.duration_ms == 22000.0 and not timeline.running


def test_a_map_of_three_iterations_has_a_lane_for_each(history: Any) -> None:
    _map(history, 3, fail=(1,))
    timeline = timeline_layout(project(history.events))
    labels = [(lane.label, lane.depth) for lane in timeline.lanes]
    assert labels == [("Lines", 0), ("iteration 0", 1), ("iteration 1", 1), ("iteration 2", 1)]
    map_bar = timeline.lanes[0].bars[0]
    assert (map_bar.state, map_bar.status, map_bar.attempts) == ("Lines", "succeeded", 1)
    assert [bar.state for bar in timeline.lanes[1].bars] == ["Prepare"]
    failed = timeline.lanes[2].bars
    assert [(bar.state, bar.status) for bar in failed] == [("Charge", "failed")]
    # Every bar of an iteration lies within the Map's own bar.
    for lane in timeline.lanes[1:]:
        for bar in lane.bars:
            assert map_bar.start_ms <= bar.start_ms <= bar.end_ms <= map_bar.end_ms


def test_five_thousand_iterations_collapse_into_groups_under_the_cap(history: Any) -> None:
    _map(history, 5000, fail=(42, 4321))
    projection = project(history.events)
    timeline = timeline_layout(projection)
    groups = [lane.group for lane in timeline.lanes if lane.group is not None]
    assert len(timeline.lanes) == 51  # the Map's lane and 50 groups of 100
    assert len(groups) == 50 and timeline.bar_count == 51
    first = groups[0]
    assert timeline.lanes[1].label == "iterations 0–99"
    assert (first.first, first.last, first.size, first.state) == (0, 99, 100, "Lines")
    assert first.status == "failed"
    assert dict(first.counts) == {"failed": 1, "succeeded": 99}
    assert dict(groups[1].counts) == {"succeeded": 100} and groups[1].status == "succeeded"
    assert first.start_ms < first.end_ms <= groups[1].start_ms
    assert first.id == "Lines@0-99" and not first.expanded

    # Opening a group shows its members, grouped again while still too many for one screen.
    opened = timeline_layout(projection, expanded=parse_expanded("Lines@0-99, nonsense,"))
    assert len(opened.lanes) == 51 + 10
    inner = [lane for lane in opened.lanes if lane.depth == 2]
    assert [lane.label for lane in inner][:2] == ["iterations 0–9", "iterations 10–19"]
    deeper = timeline_layout(projection, expanded={"Lines@0-99", "Lines@40-49"})
    iterations = [lane for lane in deeper.lanes if lane.depth == 3]
    assert [lane.label for lane in iterations] == [f"iteration {i}" for i in range(40, 50)]
    assert [bar.status for bar in iterations[2].bars] == ["failed"]


def test_the_caps_bound_lanes_and_bars_and_count_what_was_left_out(history: Any) -> None:
    _map(history, 40)
    projection = project(history.events)
    timeline = timeline_layout(projection, max_bars=10)
    assert timeline.bar_count == 10
    assert timeline.hidden_bars == 41 - 10 and timeline.hidden_lanes == 31
    assert len(timeline_layout(projection, max_lanes=5).lanes) == 5


def test_parallel_branches_have_lanes(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "FanOut", prev=1)
    started = history.add("ParallelStateStarted", entered)
    a = history.pass_state("Notify", started)
    b_in = history.enter("Task", "Reserve", started)
    b = history.task_attempt(b_in)
    b = history.exit("Task", "Reserve", b)
    done = history.add("ParallelStateSucceeded", b)
    exited = history.exit("Parallel", "FanOut", done)
    history.add("ExecutionSucceeded", exited, output="[]")
    assert a
    timeline = timeline_layout(project(history.events))
    assert [(lane.label, lane.depth) for lane in timeline.lanes] == [
        ("FanOut", 0),
        ("branch 0", 1),
        ("branch 1", 1),
    ]
    assert [bar.state for bar in timeline.lanes[1].bars] == ["Notify"]
    assert [(bar.state, bar.attempt) for bar in timeline.lanes[2].bars] == [("Reserve", 1)]


def test_a_running_execution_ends_its_open_bars_at_the_last_event(history: Any) -> None:
    history.start()
    first = history.pass_state("Prepare", 1)
    entered = history.enter("Task", "Charge", first)
    history.add("TaskScheduled", entered, parameters="{}", resource="invoke", resourceType="lambda")
    history.add("TaskStarted", resource="invoke", resourceType="lambda")
    projection = project(history.events)
    timeline = timeline_layout(projection)
    assert timeline.running
    charge = timeline.lanes[1].bars[0]
    assert charge.open and charge.status == "in-progress"
    # Scheduled 4 s after the start; with no last event given, the latest time the runs know.
    assert charge.start_ms == 4000.0 and charge.end_ms == 4000.0
    # TaskStarted, the last event, came at +6 s: 5 s after ExecutionStarted.
    later = timeline_layout(projection, last_event_at=START + timedelta(seconds=6))
    charge = later.lanes[1].bars[0]
    assert charge.open and charge.end_ms == 5000.0 and later.duration_ms == 5000.0
    assert not later.lanes[0].bars[0].open


def test_an_execution_without_times_has_an_empty_timeline() -> None:
    timeline = timeline_layout(project([]))
    assert timeline.lanes == () and timeline.duration_ms == 0.0
