"""Reads for the live stream: who may watch an execution, and its events after an event id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.http import Http404

from apps.executions.models import Execution, HistoryEvent
from apps.executions.selectors import execution_get

REPLAY_PAGE_SIZE = 200

Access = Literal["allowed", "signed_out", "forbidden", "missing"]


@dataclass(frozen=True)
class ExecutionProgress:
    status: str
    event_count: int


def execution_access(*, user: Any, execution_id: int) -> Access:
    """May `user` watch the execution? The HTTP pages' rule: any signed-in, active user sees
    every execution (LoginRequiredMiddleware, then execution_get's 404); there are no
    workspaces yet."""
    if user is None or not user.is_authenticated:
        return "signed_out"
    if not user.is_active:
        return "forbidden"
    try:
        execution_get(pk=execution_id)
    except Http404:
        return "missing"
    return "allowed"


def execution_progress(*, execution_id: int) -> ExecutionProgress | None:
    row = Execution.objects.filter(pk=execution_id).values("status", "event_count").first()
    if row is None:
        return None
    return ExecutionProgress(status=row["status"], event_count=row["event_count"])


def events_after(
    *, execution_id: int, after: int, limit: int = REPLAY_PAGE_SIZE
) -> list[dict[str, Any]]:
    """Up to `limit` stored events (AWS JSON) with an id above `after`, in id order."""
    rows = (
        HistoryEvent.objects.filter(execution_id=execution_id, event_id__gt=after)
        .order_by("event_id")
        .values_list("data", flat=True)[:limit]
    )
    return list(rows)
