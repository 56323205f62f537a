"""U+0000 is valid JSON that PostgreSQL's jsonb refuses: NulSafeJSONField stores it anyway, and
every entry point that saves user JSON takes it without a 500 and gives it back unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.executions.models import HistoryEvent
from apps.json_fields import MARK, nul_decode, nul_encode
from apps.simulations.models import Simulation
from tests.apps.executions.histories import page, payment_failed_events
from tests.apps.simulations.machines import WAITING, version_of

TRICKY = st.text(alphabet=st.sampled_from(["\x00", MARK, "0", "a", "\\", "u"]), max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_encoding_round_trips_and_leaves_no_nul(value: Any) -> None:
    encoded = nul_encode(value)
    assert "\x00" not in json.dumps(encoded, ensure_ascii=False)
    assert nul_decode(encoded) == value


def test_plain_values_are_stored_as_they_are() -> None:
    value = {"name": "Check stock", "items": [1, "two", None]}
    assert nul_encode(value) == value


@pytest.mark.django_db
def test_a_definition_whose_state_name_holds_nul_is_imported_and_shown(signed_in: Any) -> None:
    text = json.dumps({"StartAt": "A\x00", "States": {"A\x00": {"Type": "Pass", "End": True}}})
    response = signed_in.post("/definitions/import/", {"name": "nul", "text": text})
    assert response.status_code == 302
    assert signed_in.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_history_whose_input_holds_nul_keeps_it(signed_in: Any) -> None:
    events = payment_failed_events()
    value = {"a": "\x00" + MARK + "0"}
    started = events[0]["executionStartedEventDetails"]
    started["input"] = json.dumps(value, ensure_ascii=False)
    response = signed_in.post("/executions/import/", {"text": page(events)})
    assert response.status_code == 302
    stored = HistoryEvent.objects.order_by("pk").first()
    assert stored is not None
    assert json.loads(stored.data["executionStartedEventDetails"]["input"]) == value
    assert signed_in.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_simulation_whose_input_holds_nul_runs_and_keeps_it(
    signed_in: Any, django_capture_on_commit_callbacks: Any, steps_in_process: None
) -> None:
    version = version_of(WAITING)
    url = reverse("simulations:new_version", args=[version.definition_id, version.number])
    form = {"input": '{"a": "\\u0000"}', "name": "", "pace_mode": "instant", "scale": "60"}
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url, form)
    assert response.status_code == 302
    simulation = Simulation.objects.select_related("execution").get()
    assert simulation.execution.status == "SUCCEEDED"
    assert simulation.snapshot["output"]["a"] == "\x00"
    assert signed_in.get(simulation.execution.get_absolute_url()).status_code == 200
