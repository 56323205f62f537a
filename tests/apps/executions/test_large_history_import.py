"""A history at AWS's 25,000-event limit imports in bulk and opens page by page."""

from __future__ import annotations

import json

import pytest

from apps.executions.models import Execution, HistoryEvent
from apps.executions.selectors import EVENTS_PER_PAGE
from apps.executions.services import execution_import
from stepscope.history.importing import MAX_EVENTS
from stepscope.history.synthetic import generate_large_history, large_history_bundle
from tests.workspaces import team

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def large_text():
    return json.dumps(generate_large_history(event_count=MAX_EVENTS))


def test_25000_events_import_once_and_page_server_side(signed_in, large_text):
    result = execution_import(workspace=team(), documents=[("large.json", large_text)])
    execution = result.execution
    assert result.added == MAX_EVENTS == HistoryEvent.objects.count()
    assert execution.event_count == MAX_EVENTS and execution.status == "SUCCEEDED"
    assert not result.skipped

    again = execution_import(workspace=team(), documents=[("large.json", large_text)])
    assert again.added == 0 and Execution.objects.count() == 1

    first = signed_in.get(f"/executions/{execution.pk}/?view=events")
    html = first.content.decode()
    assert html.count('<tr id="event-') == EVENTS_PER_PAGE  # never every event at once
    assert f"Page 1 of {MAX_EVENTS // EVENTS_PER_PAGE}" in html

    linked = signed_in.get(f"/executions/{execution.pk}/?event=24999").content.decode()
    assert f"Page 250 of {MAX_EVENTS // EVENTS_PER_PAGE}" in linked
    assert 'id="event-24999" data-event-id="24999" class="highlight"' in linked

    graph = signed_in.get(f"/executions/{execution.pk}/")
    assert graph.status_code == 200
    assert 'data-status="succeeded"' in graph.content.decode()


def test_bundle_brings_its_definition(large_text):
    del large_text
    result = execution_import(
        workspace=team(), documents=[("large.bundle.json", large_history_bundle())]
    )
    execution = result.execution
    assert execution.definition_version is not None and not execution.reconstructed
    assert result.missing_states == ()
    assert execution.name == "billing-run-25000-events"
