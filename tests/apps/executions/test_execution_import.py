"""The import service: linking to a definition, skipping and reporting, and re-imports."""

from __future__ import annotations

import json

import pytest

from apps.definitions.services import definition_import
from apps.executions.models import Execution, HistoryEvent
from apps.executions.services import ExecutionImportError, execution_import
from tests.apps.executions.histories import (
    ORDERS_DEFINITION,
    describe,
    page,
    payment_failed_events,
    succeeded_events,
)
from tests.workspaces import team

pytestmark = pytest.mark.django_db


def test_import_stores_every_event_once_and_the_projected_summary():
    events = payment_failed_events()
    result = execution_import(workspace=team(), documents=[("order-1002.json", page(events))])
    execution = result.execution
    assert result.created and result.added == len(events)
    assert execution.name == "order-1002"
    assert execution.status == "FAILED"
    assert execution.event_count == len(events) == HistoryEvent.objects.count()
    assert execution.failed_state == "ProcessPayment"
    assert execution.error == "PaymentProcessorUnavailable"
    assert execution.state_machine_name == ""
    stored = HistoryEvent.objects.get(execution=execution, event_id=2)
    assert stored.type == "TaskStateEntered" and stored.state_name == "ValidateOrder"
    assert stored.data == events[1]


def test_reimport_adds_nothing():
    text = page(payment_failed_events())
    first = execution_import(workspace=team(), documents=[("h.json", text)])
    again = execution_import(workspace=team(), documents=[("h.json", text)])
    assert not again.created and again.added == 0
    assert again.execution.pk == first.execution.pk
    assert Execution.objects.count() == 1
    assert HistoryEvent.objects.count() == first.added


def test_reimport_of_a_longer_history_adds_only_the_new_events():
    events = payment_failed_events()
    first = execution_import(workspace=team(), documents=[("h.json", page(events[:6]))])
    assert first.execution.status == "RUNNING"
    second = execution_import(workspace=team(), documents=[("h.json", page(events))])
    assert second.execution.pk == first.execution.pk
    assert second.added == len(events) - 6
    assert Execution.objects.get().status == "FAILED"


def test_definition_found_by_state_machine_name():
    definition_import(workspace=team(), text=ORDERS_DEFINITION, name="orders")
    result = execution_import(
        workspace=team(),
        documents=[("h.json", page(payment_failed_events())), ("d.json", describe("order-1002"))],
    )
    assert result.execution.state_machine_name == "orders"
    assert result.execution.definition_version is not None
    assert result.execution.definition_version.definition.name == "orders"
    assert not result.execution.reconstructed
    assert "found by state machine name" in result.definition_note


def test_definition_given_by_name_or_id():
    version = definition_import(workspace=team(), text=ORDERS_DEFINITION, name="billing").version
    by_name = execution_import(
        workspace=team(),
        documents=[("h.json", page(payment_failed_events()))],
        definition="billing",
    )
    assert by_name.execution.definition_version == version
    by_id = execution_import(
        workspace=team(),
        documents=[("s.json", page(succeeded_events(state="ValidateOrder")))],
        definition=str(version.definition_id),
    )
    assert by_id.execution.definition_version == version


def test_unknown_definition_is_refused_and_nothing_is_stored():
    with pytest.raises(ExecutionImportError, match="no definition named or numbered 'nope'"):
        execution_import(
            workspace=team(),
            documents=[("h.json", page(payment_failed_events()))],
            definition="nope",
        )
    assert Execution.objects.count() == 0 and HistoryEvent.objects.count() == 0


def test_no_definition_means_a_reconstructed_graph():
    result = execution_import(
        workspace=team(), documents=[("h.json", page(payment_failed_events()))]
    )
    execution = result.execution
    assert execution.reconstructed and execution.definition_version is None
    states = execution.reconstructed_definition["States"]
    assert "ValidateOrder" in states and "ProcessPayment" in states


def test_states_the_definition_lacks_are_reported():
    definition_import(workspace=team(), text=ORDERS_DEFINITION, name="orders")
    result = execution_import(
        workspace=team(),
        documents=[("s.json", page(succeeded_events(state="Mystery"))), ("d.json", describe("s"))],
    )
    assert result.missing_states == ("Mystery",)
    assert result.execution.import_log[-1]["missing_states"] == ["Mystery"]


def test_definition_that_came_with_the_history_is_imported():
    machine = json.dumps({"definition": ORDERS_DEFINITION, "name": "orders"})
    result = execution_import(
        workspace=team(),
        documents=[
            ("h.json", page(payment_failed_events())),
            ("describe.json", describe("order-1002")),
            ("machine.json", machine),
        ],
    )
    execution = result.execution
    assert execution.definition_version is not None
    assert execution.definition_version.definition.name == "orders"
    assert execution.execution_arn.endswith(":execution:orders:order-1002")
    assert execution.name == "order-1002"


def test_not_json_is_refused_with_where():
    with pytest.raises(ExecutionImportError) as caught:
        execution_import(workspace=team(), documents=[("bad.json", "{not json")])
    assert "bad.json" in str(caught.value)
    assert "line 1" in str(caught.value)


def test_a_bad_file_among_good_ones_is_skipped_and_reported():
    events = payment_failed_events()
    result = execution_import(
        workspace=team(), documents=[("good.json", page(events)), ("junk.json", "this is not JSON")]
    )
    assert result.added == len(events)
    assert any("junk.json" in s.where or "junk.json" in s.reason for s in result.skipped)


def test_duplicates_and_oversized_payloads_are_skipped_with_reasons():
    events = payment_failed_events()
    conflicting = dict(events[3], type="TaskFailed")
    huge = dict(events[1])
    huge["stateEnteredEventDetails"] = {"name": "ValidateOrder", "input": json.dumps("x" * 300_000)}
    text = json.dumps({"events": [*events, conflicting]})
    result = execution_import(workspace=team(), documents=[("h.json", text)])
    assert result.added == len(events)
    assert any(s.event_id == 4 for s in result.skipped)
    big = execution_import(
        workspace=team(),
        documents=[("big.json", json.dumps({"events": [events[0], huge, *events[2:]]}))],
        name="big",
    )
    assert any("256 KiB" in s.reason for s in big.skipped)


def test_conflict_with_a_stored_event_keeps_the_stored_one():
    events = payment_failed_events()
    execution_import(workspace=team(), documents=[("h.json", page(events))])
    changed = [dict(e) for e in events]
    changed[1] = {**changed[1], "timestamp": "2030-01-01T00:00:00+00:00"}
    result = execution_import(workspace=team(), documents=[("h.json", page(changed))])
    assert result.added == 0
    assert [s.event_id for s in result.skipped] == [2]
    assert HistoryEvent.objects.get(event_id=2).data == events[1]


def test_history_imported_again_with_its_description_is_the_same_execution():
    text = page(payment_failed_events())
    first = execution_import(workspace=team(), documents=[("h.json", text)])
    assert first.execution.execution_arn == ""
    second = execution_import(
        workspace=team(), documents=[("h.json", text), ("d.json", describe("order-1002"))]
    )
    assert second.execution.pk == first.execution.pk and second.added == 0
    assert second.execution.execution_arn.endswith(":order-1002")
    third = execution_import(workspace=team(), documents=[("h.json", text)])
    assert third.execution.pk == first.execution.pk
    assert Execution.objects.count() == 1


def test_same_first_event_under_another_arn_is_another_execution():
    text = page(payment_failed_events())
    one = execution_import(
        workspace=team(), documents=[("h.json", text), ("d.json", describe("a"))]
    )
    two = execution_import(
        workspace=team(), documents=[("h.json", text), ("d.json", describe("b"))]
    )
    assert one.execution.pk != two.execution.pk
    assert Execution.objects.count() == 2
