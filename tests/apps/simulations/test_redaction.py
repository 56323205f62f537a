"""Redaction in simulations: a workspace that stores values masked stores a simulation's history
events masked too (its snapshot keeps the real values, which the engine needs to go on), and
the "New execution" form's defaults from the last run show its input and mock responses masked.
What the pages and the `waiting` endpoint show is swept in tests/apps/executions/test_redaction.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.accounts.models import Workspace
from apps.definitions.services import definition_import
from apps.simulations import selectors
from apps.simulations.services import simulation_send_task_success, simulation_start
from stepscope.history.redaction import MASK
from tests.apps.executions.cards import CARD, ORDER, leaked, with_rules
from tests.apps.simulations.machines import CALLBACK, fresh, stored_events
from tests.apps.simulations.test_views import MOCK_CONFIG, MOCKED

pytestmark = pytest.mark.django_db


def version(workspace: Workspace, definition: dict[str, Any], name: str) -> Any:
    text = json.dumps(definition, indent=2)
    return definition_import(workspace=workspace, text=text, name=name).version


def test_a_workspace_that_stores_values_masked_stores_simulated_events_masked(
    workspace, django_capture_on_commit_callbacks
):
    Workspace.objects.filter(pk=workspace.pk).update(redact_at_import=True)
    with_rules(workspace, "$..cardNumber")
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(
            definition_version=version(workspace, CALLBACK, "approvals"),
            execution_input={"order": ORDER},
        )
    simulation = fresh(simulation)
    task = selectors.simulation_parked_task(simulation=simulation)
    assert task is not None and MASK in task["parameters"]
    assert not leaked(json.dumps(stored_events(simulation)))
    assert leaked(json.dumps(simulation.snapshot))  # the engine runs on the real values
    with django_capture_on_commit_callbacks(execute=True):
        simulation_send_task_success(
            simulation_id=simulation.pk, token=task["taskToken"], output={"cardNumber": CARD}
        )
    simulation = fresh(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    events = stored_events(simulation)
    assert not leaked(json.dumps(events))
    assert MASK in events[-1]["executionSucceededEventDetails"]["output"]


def test_otherwise_simulated_events_are_stored_as_they_are(
    workspace, django_capture_on_commit_callbacks
):
    with_rules(workspace, "$..cardNumber")
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(
            definition_version=version(workspace, CALLBACK, "approvals"),
            execution_input={"order": ORDER},
        )
    assert leaked(json.dumps(stored_events(fresh(simulation))))


def test_the_new_execution_form_starts_from_the_last_runs_input_and_mocks_masked(
    workspace, django_capture_on_commit_callbacks
):
    with_rules(workspace, "cardNumber")
    mocks = json.loads(json.dumps(MOCK_CONFIG))
    mocks["MockedResponses"]["Hello"]["0"]["Return"]["Payload"]["cardNumber"] = CARD
    mocked = version(workspace, MOCKED, "mocked")
    with django_capture_on_commit_callbacks(execute=True):
        simulation_start(
            definition_version=mocked,
            execution_input={"order": ORDER},
            mock_config=mocks,
            test_case="Happy",
        )
    defaults = selectors.simulation_start_defaults(definition_id=mocked.definition_id)
    assert not leaked(defaults["input"]) and not leaked(defaults["mock_config"])
    assert MASK in defaults["input"] and MASK in defaults["mock_config"]
    assert json.loads(defaults["mock_config"])["StateMachines"] == MOCK_CONFIG["StateMachines"]
