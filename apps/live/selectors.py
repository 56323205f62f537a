"""Reads for the live stream: who may watch an execution, and its events after an event id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.accounts.scoping import Access, object_access
from apps.executions.models import Execution, HistoryEvent

REPLAY_PAGE_SIZE = 200


@dataclass(frozen=True)
class ExecutionProgress:
    status: str
    event_count: int


def execution_access(*, user: Any, execution_id: int) -> tuple[Access, int | None]:
    """May `user` watch the execution? The pages' own scoping rule: a member of its workspace
    (any role) or a superuser; another workspace's execution is "missing", like one that does
    not exist. With the execution's workspace id when allowed (its redaction rules apply)."""
    return object_access(user, Execution, path="workspace", needed="viewer", pk=execution_id)


def execution_progress(*, execution_id: int) -> ExecutionProgress | None:
    row = Execution.objects.filter(pk=execution_id).values("status", "event_count").first()
    if row is None:
        return None
    return ExecutionProgress(status=row["status"], event_count=row["event_count"])


def events_after(
    *, execution_id: int, after: int, limit: int = REPLAY_PAGE_SIZE
) -> list[dict[str, Any]]:
    """Up to `limit` stored events (AWS JSON) with an id above `after`, in id order, as stored
    (the consumer masks them with the workspace's redaction rules as it sends them)."""
    rows = (
        HistoryEvent.objects.filter(execution_id=execution_id, event_id__gt=after)
        .order_by("event_id")
        .values_list("data", flat=True)[:limit]
    )
    return list(rows)
