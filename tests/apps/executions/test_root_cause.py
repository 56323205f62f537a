"""The root cause stored with each execution, the failure banner that states it, the lists that
show it, and re-importing a stored history under another name (it keeps its name)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from apps.definitions.services import demo_definitions_load
from apps.executions.models import Execution
from apps.executions.services import demo_executions_load, execution_import
from tests.workspaces import team

pytestmark = pytest.mark.django_db

DEMOS = Path(__file__).resolve().parents[3] / "fixtures" / "histories"
SAGA = "order-saga-payment-declined"
LINES = "order-lines-2-failed"


@pytest.fixture
def demos(workspace):
    demo_definitions_load(workspace=workspace)
    assert demo_executions_load(workspace=workspace).failed == ()


def _stored(name: str) -> Execution:
    return Execution.objects.get(name=name)


def test_import_stores_the_root_cause(demos):
    saga = _stored(SAGA)
    assert saga.failed_state == "FailOrder"  # what ended it...
    assert (saga.root_cause_state, saga.root_cause_error, saga.root_cause_run_key) == (
        "ChargePayment",
        "PaymentDeclined",
        "ChargePayment",
    )  # ...and where it started
    assert saga.root_cause_text == (
        "ChargePayment failed with PaymentDeclined; caught, then compensated by "
        "ReleaseReservation, then FailOrder"
    )
    lines = _stored(LINES)
    assert (lines.root_cause_state, lines.root_cause_error, lines.root_cause_run_key) == (
        "CheckStock",
        "UnknownSku",
        "ProcessOrderLines/i6/CheckStock",
    )
    ok = _stored("order-1001-succeeded")
    assert (ok.root_cause_state, ok.root_cause_error, ok.root_cause_text) == ("", "", "")


def test_backfill_migration_recomputes_stored_executions(demos):
    Execution.objects.update(root_cause_state="", root_cause_error="", root_cause_text="")
    migration = importlib.import_module("apps.executions.migrations.0010_root_cause_backfill")
    migration.backfill(django_apps, None)
    saga = _stored(SAGA)
    assert (saga.root_cause_state, saga.root_cause_error) == ("ChargePayment", "PaymentDeclined")
    assert saga.root_cause_text.startswith("ChargePayment failed with PaymentDeclined")
    assert _stored("order-1001-succeeded").root_cause_text == ""


def test_banner_states_the_root_cause_and_links_to_its_step(signed_in, demos):
    saga = _stored(SAGA)
    html = signed_in.get(f"/executions/{saga.pk}/").content.decode()
    assert 'data-root-cause-state="ChargePayment"' in html
    assert 'data-root-cause-error="PaymentDeclined"' in html
    assert (
        'class="root-cause-link" href="?state=ChargePayment" data-select-run="ChargePayment"'
    ) in html
    assert "caught, then compensated by ReleaseReservation, then FailOrder" in html
    assert "insufficient funds" in html  # the root cause's own Lambda cause
    assert "The execution ended with <code>OrderFailed</code>" in html
    lines = _stored(LINES)
    html = signed_in.get(f"/executions/{lines.pk}/").content.decode()
    assert 'data-root-cause-state="CheckStock" data-root-cause-error="UnknownSku"' in html
    assert "?state=ProcessOrderLines/i6/CheckStock" in html


def test_no_banner_for_a_success(signed_in, demos):
    ok = _stored("order-1001-succeeded")
    html = signed_in.get(f"/executions/{ok.pk}/").content.decode()
    assert "data-root-cause-state" not in html


@pytest.mark.parametrize("url", ["/", "/executions/"])
def test_lists_show_the_root_cause_not_the_last_state(signed_in, demos, url):
    saga = _stored(SAGA)
    html = signed_in.get(url).content.decode()
    row = html[html.index(f">{SAGA}</a>") :]
    row = row[: row.index("</tr>")]
    assert 'data-root-cause-state="ChargePayment" data-root-cause-error="PaymentDeclined"' in row
    assert f'href="/executions/{saga.pk}/?state=ChargePayment"><code>ChargePayment</code>' in row
    assert "FailOrder" not in row.split("title=")[0]


def test_reimport_under_another_name_keeps_the_stored_name(workspace):
    text = (DEMOS / f"{SAGA}.json").read_text(encoding="utf-8")
    first = execution_import(workspace=workspace, documents=[("h.json", text)], name="saga one")
    again = execution_import(workspace=workspace, documents=[("h.json", text)], name="renamed")
    assert not again.created and again.execution.pk == first.execution.pk
    assert Execution.objects.get(pk=first.execution.pk).name == "saga one"
    assert any(
        "already stored as “saga one”" in note and "keeps that name" in note for note in again.notes
    )
    assert "keeps that name" in " ".join(
        Execution.objects.get(pk=first.execution.pk).import_log[-1]["notes"]
    )
    same = execution_import(workspace=workspace, documents=[("h.json", text)], name="saga one")
    assert not any("keeps that name" in note for note in same.notes)
    unnamed = execution_import(workspace=workspace, documents=[("h.json", text)])
    assert unnamed.execution.name == "saga one"
    assert Execution.objects.filter(workspace=team()).count() == 1
