"""A history at AWS's 25,000-event limit imports in bulk and opens page by page; a larger one
(200,000 events) is refused with a message naming the limit, before anything is written, on every
database (no statement's parameters grow with the history)."""

from __future__ import annotations

import json

import pytest

from apps.executions.models import Execution, HistoryEvent
from apps.executions.selectors import EVENTS_PER_PAGE
from apps.executions.services import ExecutionImportError, execution_import
from stepscope.history.importing import MAX_EVENTS
from stepscope.history.synthetic import generate_large_history, large_history_bundle
from tests.apps.executions.counted_histories import events_text
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

    # More events for the same execution (same first event) would take it past AWS's limit.
    first_event = json.loads(large_text)["events"][0]
    more = [first_event, {**first_event, "id": 25_001, "previousEventId": 1}]
    with pytest.raises(ExecutionImportError) as refused:
        execution_import(workspace=team(), documents=[("more.json", json.dumps(more))])
    assert "already has 25,000 events; with 1 new ones from more.json" in str(refused.value)
    assert "more than the 25,000 AWS keeps in one execution's history" in str(refused.value)
    assert HistoryEvent.objects.count() == MAX_EVENTS

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


def test_200000_events_are_refused_with_awss_limit_and_nothing_is_written():
    with pytest.raises(ExecutionImportError) as refused:
        execution_import(workspace=team(), documents=[("huge.json", events_text(200_000))])
    assert str(refused.value) == (
        "huge.json holds 200,000 events, more than the 25,000 AWS keeps in one execution's "
        "history, so this is not one execution's history (or the file is broken). Nothing was "
        "imported: import the pages of one execution at a time."
    )
    assert Execution.objects.count() == 0 and HistoryEvent.objects.count() == 0


def test_25001_events_over_several_files_are_refused_too():
    text = events_text(25_001)
    page = json.loads(text)
    first, second = {"events": page["events"][:12_000]}, {"events": page["events"][12_000:]}
    documents = [("page-1.json", json.dumps(first)), ("page-2.json", json.dumps(second))]
    with pytest.raises(ExecutionImportError, match="page-1.json, page-2.json hold 25,001 events"):
        execution_import(workspace=team(), documents=documents)
    assert Execution.objects.count() == 0
