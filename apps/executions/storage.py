"""Storing a history's events: merge with what is stored, insert in bulk, note each event's run.

Every write and read is in chunks (BATCH_SIZE rows per insert or update, READ_CHUNK per fetch):
no statement carries a number of parameters that grows with the history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from apps.executions.models import Execution, HistoryEvent
from stepscope.history.events import event_id, event_time, event_type, previous_event_id
from stepscope.history.importing import SkippedEvent
from stepscope.history.projection import Projection

BATCH_SIZE = 1000
READ_CHUNK = 2000


def canonical(event: dict[str, Any]) -> str:
    """One text per event content, whatever the key order."""
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stored_events(execution: Execution) -> dict[int, dict[str, Any]]:
    """Every stored event of the execution by id, read from the cursor in chunks (no query ever
    lists the ids, so no size of history meets a database's limit on query parameters)."""
    rows = execution.events.order_by().values_list("event_id", "data")
    return dict(rows.iterator(chunk_size=READ_CHUNK))


def merge(
    stored: dict[int, dict[str, Any]], incoming: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[SkippedEvent]]:
    """The incoming events not yet stored; one that differs from its stored twin is skipped."""
    new: list[dict[str, Any]] = []
    conflicts: list[SkippedEvent] = []
    for event in incoming:
        number = event_id(event)
        if number is None:
            continue
        if number not in stored:
            new.append(event)
        elif canonical(stored[number]) != canonical(event):
            conflicts.append(
                SkippedEvent(
                    number,
                    f"event {number}",
                    f"differs from event {number} already stored; the stored one is kept",
                )
            )
    return new, conflicts


def run_of_event(projection: Projection) -> dict[int, tuple[str, str]]:
    owner: dict[int, tuple[str, str]] = {}
    for run in projection.runs:
        for number in run.event_ids:
            owner[number] = (run.name[:200], run.key[:1024])
    return owner


def _event_row(
    execution: Execution, event: dict[str, Any], owner: dict[int, tuple[str, str]]
) -> HistoryEvent:
    number = event_id(event) or 0
    state_name, run_key = owner.get(number, ("", ""))
    return HistoryEvent(
        execution=execution,
        event_id=number,
        previous_event_id=previous_event_id(event),
        type=event_type(event)[:64],
        timestamp=event_time(event),
        state_name=state_name,
        run_key=run_key,
        data=event,
    )


def store_events(
    execution: Execution,
    new: Sequence[dict[str, Any]],
    owner: dict[int, tuple[str, str]],
    *,
    had_stored: bool,
) -> None:
    """Insert the new events in bulk; re-point stored ones whose run changed with the merge."""
    rows = [_event_row(execution, event, owner) for event in new]
    HistoryEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    if not had_stored or not rows:
        return  # nothing stored before, or nothing new: no stored event can have moved
    new_ids = {row.event_id for row in rows}
    moved = []
    stored = HistoryEvent.objects.filter(execution=execution)
    for row in stored.only("id", "event_id", "state_name", "run_key").iterator(
        chunk_size=READ_CHUNK
    ):
        if row.event_id in new_ids:
            continue
        state_name, run_key = owner.get(row.event_id, ("", ""))
        if (row.state_name, row.run_key) != (state_name, run_key):
            row.state_name, row.run_key = state_name, run_key
            moved.append(row)
    HistoryEvent.objects.bulk_update(moved, ["state_name", "run_key"], batch_size=BATCH_SIZE)
