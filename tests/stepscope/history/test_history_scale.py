"""A history at AWS's 25,000-event limit projects completely (correctness only, no timing)."""

from __future__ import annotations

from typing import Any

from stepscope.history.projection import Projector, project
from stepscope.history.reconstruct import reconstruct_definition

ITERATIONS = 3570  # 7 events per iteration (6 when it fails) and 6 around them


def _big_map_history(history: Any) -> Any:
    history.start()
    entered = history.enter("Map", "Lines", prev=0)
    started = history.add("MapStateStarted", entered, length=ITERATIONS)
    starts = [
        history.add("MapIterationStarted", started, after=0, index=index, name="Lines")
        for index in range(ITERATIONS)
    ]
    last = started
    for index, iteration in enumerate(starts):
        charge = history.enter("Task", "Charge", iteration)
        done = history.task_attempt(charge, error="Declined" if index % 500 == 0 else None)
        if index % 500 == 0:
            last = history.add("MapIterationFailed", done, index=index, name="Lines")
            continue
        exited = history.exit("Task", "Charge", done)
        last = history.add("MapIterationSucceeded", exited, index=index, name="Lines")
    succeeded = history.add("MapStateSucceeded", last)
    exited = history.exit("Map", "Lines", succeeded)
    history.add("ExecutionSucceeded", exited, output="[]")
    return history


def test_25000_event_history_projects_every_run(history: Any) -> None:
    events = _big_map_history(history).events
    assert 24_900 < len(events) <= 25_000
    projection = project(events)
    assert projection.execution.event_count == len(events)
    charges = projection.runs_of("Charge")
    assert len(charges) == ITERATIONS
    assert [run.iteration for run in charges if run.status == "failed"] == list(
        range(0, ITERATIONS, 500)
    )
    assert projection.run(f"Lines/i{ITERATIONS - 1}/Charge") is charges[-1]
    assert projection.node_statuses == {"Lines": "succeeded", "Charge": "failed"}
    owned = {event_id for run in projection.runs for event_id in run.event_ids}
    assert owned == set(range(2, len(events)))  # all but ExecutionStarted and ExecutionSucceeded
    projector = Projector()
    projector.feed_all(events)
    assert projector.projection() == projection
    definition = reconstruct_definition(projection)
    assert list(definition["States"]) == ["Lines"]  # type: ignore[call-overload]
