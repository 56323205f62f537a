"""Failed Map iterations and Parallel branches, grouped by error."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from stepscope.history.failure_groups import (
    FailedMember,
    FailureGroup,
    failure_groups,
    run_error,
    run_failed,
)
from stepscope.history.projection import project
from stepscope.history.projection_types import Attempt

DEMOS = Path(__file__).resolve().parents[3] / "fixtures" / "histories"


def _demo(name: str) -> Any:
    return project(json.loads((DEMOS / f"{name}.json").read_text(encoding="utf-8"))["events"])


def test_map_lists_both_failed_iterations_of_the_demo() -> None:
    groups = failure_groups(_demo("order-lines-2-failed"), "ProcessOrderLines")
    assert groups == (
        FailureGroup(
            "UnknownSku",
            (
                FailedMember("ProcessOrderLines/i6/CheckStock", "CheckStock", 6, None),
                FailedMember("ProcessOrderLines/i8/CheckStock", "CheckStock", 8, None),
            ),
        ),
    )
    assert groups[0].count == 2
    assert [member.label for member in groups[0].members] == ["iteration 6", "iteration 8"]


def test_no_groups_for_other_runs_or_unknown_keys() -> None:
    projection = _demo("order-lines-2-failed")
    assert failure_groups(projection, "ProcessOrderLines/i6/CheckStock") == ()
    assert failure_groups(projection, "nope") == ()
    assert failure_groups(_demo("order-1001-succeeded"), "ProcessOrderLines") == ()


def _map_with(history: Any, errors: list[str | None]) -> Any:
    """A Map whose iteration i runs one task, failing with errors[i] (None: it succeeds)."""
    history.start()
    entered = history.enter("Map", "Lines", prev=0)
    started = history.add("MapStateStarted", entered, length=len(errors))
    last = started
    for index, error in enumerate(errors):
        iteration = history.add("MapIterationStarted", started, index=index, name="Lines")
        task = history.enter("Task", "Check", iteration)
        last = history.task_attempt(task, error=error)
        if error is None:
            history.exit("Task", "Check", last)
    failed = history.add("MapStateFailed", last)
    history.add("ExecutionFailed", failed, error="States.Runtime", cause="x")
    return project(history.events)


def test_groups_by_error_largest_first(history: Any) -> None:
    projection = _map_with(history, ["B", None, "A", "B", "A", "B"])
    groups = failure_groups(projection, "Lines")
    assert [(group.error, group.count) for group in groups] == [("B", 3), ("A", 2)]
    assert [member.iteration for member in groups[0].members] == [0, 3, 5]
    assert [member.run_key for member in groups[1].members] == ["Lines/i2/Check", "Lines/i4/Check"]


def test_parallel_branches(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    a = history.enter("Task", "A", started)
    b = history.enter("Task", "B", started)
    failed_a = history.task_attempt(a, error="Boom")
    history.task_attempt(b, error="Bust")
    parallel_failed = history.add("ParallelStateFailed", failed_a)
    history.add("ExecutionFailed", parallel_failed, error="Boom", cause="x")
    groups = failure_groups(project(history.events), "Both")
    assert [(group.error, group.count) for group in groups] == [("Boom", 1), ("Bust", 1)]
    assert [group.members[0].label for group in groups] == ["branch 1", "branch 2"]
    assert groups[0].members[0].run_key == "Both/b0/A"


def test_aborted_after_its_task_failed_counts_as_failed() -> None:
    projection = _demo("order-lines-2-failed")
    run = projection.run("ProcessOrderLines/i8/CheckStock")
    assert run is not None and run_failed(run)
    aborted = replace(run, status="aborted", error=None)
    assert run_failed(aborted)  # its last attempt failed: a failure, not a bystander
    assert run_error(aborted) == "UnknownSku"
    bystander = replace(aborted, attempts=())
    assert not run_failed(bystander)
    timed_out = replace(
        aborted,
        attempts=(Attempt(1, 1, 2, None, None, "timed-out", None, None, None),),
    )
    assert run_failed(timed_out) and run_error(timed_out) == "States.Timeout"
    assert not run_failed(replace(run, status="caught"))
