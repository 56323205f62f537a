"""Feeding events into the projection's working state, one at a time, in linear time.

Each event is placed by its ``previousEventId``: the event it follows tells which frame (root,
Parallel branch, Map iteration) and which run it continues. Events whose predecessor is unknown
(id 0 on a non-first event, an id never seen, junk) continue from the last event placed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any
from urllib.parse import quote

from stepscope.history.events import (
    HistoryEvent,
    details_of,
    event_id,
    event_time,
    event_type,
    previous_event_id,
    text_field,
)
from stepscope.history.projection_attempts import (
    apply_task_event,
    end_attempt,
    start_attempt,
)
from stepscope.history.projection_lookup import abort_candidate, enclosing_run, run_named
from stepscope.history.projection_state import Cursor, Frame, RunState
from stepscope.history.status import ExecutionStatus

_ENTERED = "StateEntered"
_EXITED = "StateExited"
_ABORTED = "StateAborted"
_EXECUTION_END: dict[str, ExecutionStatus] = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}


@dataclass(slots=True)
class ExecutionFacts:
    status: ExecutionStatus = "RUNNING"
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    end_event_id: int | None = None
    ended: bool = False


class HistoryBuilder:
    """Mutable projection state; see Projector for the public, incremental interface."""

    def __init__(self) -> None:
        self.root = Frame(container=None, prefix="")
        self.execution = ExecutionFacts()
        self.runs: list[RunState] = []
        self.owner: dict[int, RunState] = {}
        self.previous: dict[int, int] = {}
        self.event_count = 0
        self.transitions = 0
        self.unplaced_events = 0  # events that raised while placed (should stay 0)
        self._cursors: dict[int, Cursor] = {}
        self._last = Cursor(self.root, None)
        self._open: dict[int, RunState] = {}
        self._stopped: list[RunState] = []
        self._key_counts: dict[str, int] = {}
        self._seen: set[int] = set()

    def feed(self, event: HistoryEvent) -> None:
        if not isinstance(event, dict):
            return
        eid = event_id(event)
        if eid is not None:
            if eid in self._seen:
                return
            self._seen.add(eid)
        self.event_count += 1
        prev = previous_event_id(event)
        if eid is not None and prev is not None:
            self.previous[eid] = prev
        try:
            cursor = self._place(event, eid, prev)
        except Exception:  # best effort: a malformed event must never stop the projection
            self.unplaced_events += 1
            return
        self._last = cursor
        if eid is not None:
            self._cursors[eid] = cursor

    # -- placing -------------------------------------------------------------------------------

    def _place(self, event: HistoryEvent, eid: int | None, prev: int | None) -> Cursor:
        kind = event_type(event)
        details = details_of(event)
        at = event_time(event)
        chained = self._cursors.get(prev) if prev else None
        cursor = chained if chained is not None else self._last
        if kind.startswith("Execution"):
            return self._execution_event(kind, details, eid, at, cursor)
        if kind.endswith(_ENTERED):
            if prev == 0 and not self.runs:
                cursor = Cursor(self.root, None)
            return self._enter(kind[: -len(_ENTERED)] or "Unknown", details, eid, at, cursor)
        if kind.endswith(_EXITED):
            return self._exit(details, eid, at, cursor)
        if kind.endswith(_ABORTED):
            return self._abort(kind[: -len(_ABORTED)], eid, at, cursor)
        if kind.startswith(("Map", "Parallel")):
            return self._container_event(kind, details, eid, at, cursor)
        if kind == "EvaluationFailed":
            return self._evaluation_failed(details, eid, at, cursor)
        return self._task_event(kind, details, eid, at, cursor)

    def _attach(self, run: RunState, eid: int | None, at: datetime | None) -> None:
        if eid is not None:
            run.event_ids.append(eid)
            self.owner[eid] = run
        if at is not None:
            run.last_event_at = at

    # -- execution ------------------------------------------------------------------------------

    def _execution_event(
        self,
        kind: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        facts = self.execution
        if kind == "ExecutionStarted":
            facts.started_at = at
            facts.input = text_field(details, "input")
            return Cursor(self.root, None)
        if kind == "ExecutionRedriven":
            facts.status, facts.ended, facts.stopped_at = "RUNNING", False, None
            return cursor
        status = _EXECUTION_END.get(kind)
        if status is None:
            return cursor
        facts.status, facts.ended, facts.stopped_at, facts.end_event_id = status, True, at, eid
        if status == "SUCCEEDED":
            facts.output = text_field(details, "output")
        else:
            facts.error = text_field(details, "error")
            facts.cause = text_field(details, "cause")
        last = cursor.run
        if status == "FAILED" and last is not None and not last.exited and not last.failing:
            # The state's own error (e.g. States.Runtime) is only stated on ExecutionFailed.
            last.record_failure(eid, facts.error, facts.cause)
        for run in self._open.values():
            run.stopped = True
        # Abort events may still follow for these runs; nothing else will.
        self._stopped = list(self._open.values())
        self._open.clear()
        return Cursor(self.root, None)

    # -- entering and leaving states -------------------------------------------------------------

    def _enter(
        self,
        state_type: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        name = text_field(details, "name") or ""
        frame = self._frame_for_entry(cursor)
        run = RunState(
            key=self._unique_key(frame.prefix + (quote(name, safe="") or "-")),
            name=name,
            state_type=state_type,
            frame=frame,
            entered_event_id=eid if eid is not None else 0,
            order=len(self.runs),
            input=text_field(details, "input"),
            started_at=at,
        )
        if state_type == "Fail":
            run.record_failure(eid, None, None)
        self.runs.append(run)
        frame.runs.append(run)
        self._open[run.order] = run
        self.transitions += 1
        self._attach(run, eid, at)
        return Cursor(frame, run)

    def _frame_for_entry(self, cursor: Cursor) -> Frame:
        previous = cursor.run
        if previous is None:
            return cursor.frame
        starting_branch = previous.state_type == "Parallel" and previous.container_started
        if cursor.opens_branches or (starting_branch and previous.frame is cursor.frame):
            branch = Frame(
                container=previous,
                prefix=f"{previous.key}/b{len(previous.branches)}/",
                branch=len(previous.branches),
            )
            previous.branches.append(branch)
            return branch
        if previous.frame is cursor.frame and not previous.exited and not previous.aborted:
            if not previous.container_started:
                # The next state was entered without an Exited event: a Catch moved on.
                previous.exited = True
                self._open.pop(previous.order, None)
        return cursor.frame

    def _unique_key(self, base: str) -> str:
        count = self._key_counts.get(base, 0) + 1
        self._key_counts[base] = count
        return base if count == 1 else f"{base}#{count}"

    def _exit(
        self, details: dict[str, Any], eid: int | None, at: datetime | None, cursor: Cursor
    ) -> Cursor:
        name = text_field(details, "name")
        run = run_named(name, cursor, self._open)
        if run is None:
            return cursor
        run.exited = True
        run.exited_event_id = eid
        run.output = text_field(details, "output")
        run.container_started = False
        self._open.pop(run.order, None)
        self._attach(run, eid, at)
        return Cursor(run.frame, run)

    def _abort(
        self, state_type: str, eid: int | None, at: datetime | None, cursor: Cursor
    ) -> Cursor:
        run = abort_candidate(state_type, cursor, chain(self._open.values(), self._stopped))
        if run is None:
            if cursor.frame.container is not None:  # keep the event with the Map or Parallel
                self._attach(cursor.frame.container, eid, at)
            return cursor
        run.aborted = True
        run.container_started = False
        self._open.pop(run.order, None)
        attempt = run.current_attempt()
        if attempt is not None and attempt.status == "in-progress":
            attempt.status, attempt.ended_event_id, attempt.ended_at = "aborted", eid, at
        self._close_children(run)
        self._attach(run, eid, at)
        return cursor

    def _close_children(self, run: RunState) -> None:
        for frame in run.branches:
            self._close(frame)
        for frame in run.iterations.values():
            self._close(frame)

    def _close(self, frame: Frame) -> None:
        """End a branch or iteration; its failed runs will take no more events."""
        if frame.closed:
            return
        frame.closed = True
        for run in frame.runs:
            if run.failing and not run.exited:
                self._open.pop(run.order, None)

    # -- Map and Parallel ---------------------------------------------------------------------

    def _container_event(
        self,
        kind: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        if kind.startswith("MapIteration"):
            return self._iteration_event(kind, details, eid, at, cursor)
        if kind.startswith("MapRun"):
            return self._map_run_event(kind, details, eid, at, cursor)
        state_type = "Map" if kind.startswith("Map") else "Parallel"
        outcome = kind[len(state_type) + len("State") :]
        if outcome == "Started":
            return self._container_started(state_type, eid, at, cursor)
        run = self._container_for(state_type, cursor)
        if run is None:  # e.g. MapStateFailed after its ItemsPath failed, before it started
            run = enclosing_run(cursor, self._open, state_type, None, started_only=False)
        if run is None:
            return cursor
        self._attach(run, eid, at)
        if outcome in ("Succeeded", "Failed"):
            run.container_started = False
            self._close_children(run)
            attempt = run.current_attempt()
            if outcome == "Succeeded":
                run.failing = False
                end_attempt(attempt, "succeeded", eid, at, None, None)
            else:
                run.record_failure(eid, None, None)
                end_attempt(attempt, "failed", eid, at, None, None)
        return Cursor(run.frame, run)

    def _container_started(
        self, state_type: str, eid: int | None, at: datetime | None, cursor: Cursor
    ) -> Cursor:
        run = cursor.run
        if run is None or run.state_type != state_type:
            run = enclosing_run(cursor, self._open, state_type, None, started_only=False)
        if run is None:
            return cursor
        run.container_started = True
        run.branches = []
        run.iterations = {}
        start_attempt(run, eid, at)
        self._attach(run, eid, at)
        return Cursor(run.frame, run, opens_branches=state_type == "Parallel")

    def _container_for(self, state_type: str, cursor: Cursor) -> RunState | None:
        """The Map or Parallel run a state-level event (Succeeded, Failed) belongs to."""
        return enclosing_run(cursor, self._open, state_type, None, started_only=True)

    def _map_named(self, name: str | None, cursor: Cursor) -> RunState | None:
        return enclosing_run(cursor, self._open, "Map", name, started_only=False)

    def _iteration_event(
        self,
        kind: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        map_run = self._map_named(text_field(details, "name"), cursor)
        index = details.get("index")
        if map_run is None or isinstance(index, bool) or not isinstance(index, int):
            return cursor
        self._attach(map_run, eid, at)
        if kind == "MapIterationStarted":
            frame = Frame(container=map_run, prefix=f"{map_run.key}/i{index}/", iteration=index)
            map_run.iterations[index] = frame
            return Cursor(frame, None)
        ended = map_run.iterations.get(index)
        if ended is not None:
            self._close(ended)
        return Cursor(map_run.frame, map_run)

    def _map_run_event(
        self,
        kind: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        run = self._map_named(None, cursor)
        if run is None:
            return cursor
        self._attach(run, eid, at)
        if kind == "MapRunStarted":
            run.resource = text_field(details, "mapRunArn") or run.resource
        elif kind == "MapRunFailed":
            run.record_failure(eid, text_field(details, "error"), text_field(details, "cause"))
        elif kind == "MapRunSucceeded":
            run.failing = False
        return Cursor(run.frame, run)

    # -- tasks and evaluation errors ----------------------------------------------------------

    def _evaluation_failed(
        self, details: dict[str, Any], eid: int | None, at: datetime | None, cursor: Cursor
    ) -> Cursor:
        run = run_named(text_field(details, "state"), cursor, self._open)
        if run is None:
            return cursor
        run.record_failure(eid, text_field(details, "error"), text_field(details, "cause"))
        self._attach(run, eid, at)
        return Cursor(run.frame, run)

    def _task_event(
        self,
        kind: str,
        details: dict[str, Any],
        eid: int | None,
        at: datetime | None,
        cursor: Cursor,
    ) -> Cursor:
        run = cursor.run
        if run is None:
            return cursor
        self._attach(run, eid, at)
        apply_task_event(run, kind, details, eid, at)
        return Cursor(run.frame, run)
