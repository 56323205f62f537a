"""Saving what a step or a callback produced: the new events (as the execution's history events,
with its status and counts from the projection) and the snapshot, in the caller's transaction;
then, on commit, publishing the events and queueing the next step.

When the workspace stores values already masked (`Workspace.redact_at_import`), the events are
stored masked with its redaction rules, as an imported history would be. The snapshot keeps the
real values: the engine needs them to go on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.redactors import workspace_import_redactor
from apps.executions.models import Execution
from apps.executions.search import search_index
from apps.executions.selectors import projection_remember
from apps.executions.services import copy_projection
from apps.executions.storage import canonical, run_of_event, store_events
from apps.live.publish import execution_events_publish
from apps.simulations.models import Simulation
from apps.simulations.scheduling import step_queue
from stepscope.engine.stepper import Snapshot
from stepscope.history.events import event_id
from stepscope.history.projection import Projection, project


def _append_events(
    execution: Execution, events: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], Projection]:
    """Store the events not stored yet (masked when the workspace stores values masked); copy
    the projection of them all onto the execution."""
    stored = list(execution.events.order_by("event_id").values_list("data", flat=True))
    known = {event_id(event) for event in stored}
    new = [event for event in events if event_id(event) not in known]
    if new:
        new = workspace_import_redactor(workspace_id=execution.workspace_id).redact_events(new)
    projection = project([*stored, *new])
    cause = copy_projection(execution, projection)
    if not execution.first_event_digest and (stored or new):
        first = (stored or new)[0]
        execution.first_event_digest = hashlib.sha256(canonical(first).encode()).hexdigest()
    execution.save()
    search_index(execution=execution, projection=projection, cause=cause)
    store_events(execution, new, run_of_event(projection), had_stored=bool(stored))
    return new, projection


def simulation_record(
    *,
    simulation: Simulation,
    snapshot: Snapshot,
    events: Sequence[dict[str, Any]],
    wake_at: datetime | None,
    countdown: float | None,
    release_claim: bool,
) -> None:
    """Save one change of a simulation whose row the caller has locked, in its transaction.

    `countdown`: queue the next step that many seconds after commit (None: no step is due, the
    execution has ended or waits for a callback with no deadline). `release_claim`: this is the
    claiming worker's last save. The version goes up by one, so steps queued before are stale.
    """
    execution = simulation.execution
    new, projection = _append_events(execution, events)
    simulation.snapshot = snapshot
    simulation.version += 1
    simulation.wake_at = wake_at
    simulation.due_at = None if countdown is None else timezone.now() + timedelta(seconds=countdown)
    if release_claim:
        simulation.claim, simulation.claimed_until = "", None
    simulation.save()
    simulation_id, version = simulation.pk, simulation.version

    def after_commit() -> None:
        projection_remember(execution=execution, projection=projection)
        execution_events_publish(
            execution_id=execution.pk,
            events=new,
            status=execution.status,
            event_count=execution.event_count,
        )
        if countdown is not None:
            step_queue(simulation_id=simulation_id, version=version, countdown=countdown)

    transaction.on_commit(after_commit)
