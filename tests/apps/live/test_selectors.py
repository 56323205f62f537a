"""Reads for the live stream: who may watch an execution, and events after an id."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.executions.models import Execution, HistoryEvent
from apps.live.selectors import events_after, execution_access, execution_progress
from tests.workspaces import team

pytestmark = pytest.mark.django_db


def execution_with(count: int) -> Execution:
    execution = Execution.objects.create(
        workspace=team(), name="e", fingerprint="e", status="RUNNING", event_count=count
    )
    for event_id in reversed(range(1, count + 1)):  # stored out of order on purpose
        data = {"id": event_id, "previousEventId": event_id - 1, "type": "PassStateEntered"}
        HistoryEvent.objects.create(
            execution=execution, event_id=event_id, type=data["type"], data=data
        )
    return execution


def test_access_follows_the_pages_rule(user):
    execution = execution_with(1)
    workspace_id = execution.workspace_id
    assert execution_access(user=None, execution_id=execution.pk) == ("signed_out", None)
    assert execution_access(user=AnonymousUser(), execution_id=execution.pk)[0] == "signed_out"
    assert execution_access(user=user, execution_id=execution.pk) == ("allowed", workspace_id)
    assert execution_access(user=user, execution_id=execution.pk + 1) == ("missing", None)
    user.is_active = False
    assert execution_access(user=user, execution_id=execution.pk)[0] == "forbidden"


def test_events_after_are_the_stored_json_in_id_order_up_to_a_limit():
    execution = execution_with(6)
    events = events_after(execution_id=execution.pk, after=2, limit=3)
    assert events == [
        {"id": i, "previousEventId": i - 1, "type": "PassStateEntered"} for i in (3, 4, 5)
    ]
    assert events_after(execution_id=execution.pk, after=6) == []


def test_progress_is_the_status_and_count_or_none():
    execution = execution_with(2)
    progress = execution_progress(execution_id=execution.pk)
    assert progress is not None and (progress.status, progress.event_count) == ("RUNNING", 2)
    assert execution_progress(execution_id=execution.pk + 1) is None
