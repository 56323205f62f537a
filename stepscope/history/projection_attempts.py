"""Task attempts: each scheduling starts one; success, failure or timeout ends it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stepscope.history.events import text_field
from stepscope.history.projection_state import AttemptState, RunState
from stepscope.history.projection_types import AttemptStatus
from stepscope.history.task_events import (
    ATTEMPT_FAILED,
    ATTEMPT_SCHEDULED,
    ATTEMPT_STARTED,
    ATTEMPT_SUCCEEDED,
    ATTEMPT_TIMED_OUT,
    scheduled_resource,
)


def apply_task_event(
    run: RunState, kind: str, details: dict[str, Any], eid: int | None, at: datetime | None
) -> None:
    """Record a Task, legacy Lambda or Activity event on the run it belongs to."""
    if kind in ATTEMPT_SCHEDULED:
        start_attempt(run, eid, at)
        run.parameters = text_field(details, "parameters") or text_field(details, "input")
        run.resource = scheduled_resource(details) or run.resource
    elif kind in ATTEMPT_STARTED:
        if run.current_attempt() is None:
            start_attempt(run, eid, at)
    elif kind in ATTEMPT_SUCCEEDED:
        run.task_result = text_field(details, "output")
        run.failing = False
        end_attempt(open_attempt(run, eid, at), "succeeded", eid, at, None, None)
    elif kind in ATTEMPT_FAILED or kind in ATTEMPT_TIMED_OUT:
        timed_out = kind in ATTEMPT_TIMED_OUT
        error = text_field(details, "error") or ("States.Timeout" if timed_out else None)
        cause = text_field(details, "cause")
        run.record_failure(eid, error, cause)
        status: AttemptStatus = "timed-out" if timed_out else "failed"
        end_attempt(open_attempt(run, eid, at), status, eid, at, error, cause)


def start_attempt(run: RunState, eid: int | None, at: datetime | None) -> AttemptState:
    previous = run.current_attempt()
    backoff: float | None = None
    if previous is not None and previous.ended_at is not None and at is not None:
        backoff = max(0.0, (at - previous.ended_at).total_seconds())
    attempt = AttemptState(len(run.attempts) + 1, eid, at, backoff)
    run.attempts.append(attempt)
    return attempt


def open_attempt(run: RunState, eid: int | None, at: datetime | None) -> AttemptState:
    """The attempt an outcome event ends; one is made when the history skipped its scheduling."""
    attempt = run.current_attempt()
    if attempt is None or attempt.status != "in-progress":
        attempt = start_attempt(run, eid, at)
    return attempt


def end_attempt(
    attempt: AttemptState | None,
    status: AttemptStatus,
    eid: int | None,
    at: datetime | None,
    error: str | None,
    cause: str | None,
) -> None:
    if attempt is None or attempt.status != "in-progress":
        return
    attempt.status = status
    attempt.ended_event_id, attempt.ended_at = eid, at
    attempt.error, attempt.cause = error, cause
