"""The compare page (/executions/<a>/compare/<b>/) and the "Compare with the last success" link."""

from __future__ import annotations

import re

import pytest

from apps.accounts.models import Workspace
from apps.definitions.services import demo_definitions_load
from apps.executions import selectors
from apps.executions.models import Execution
from apps.executions.services import execution_import
from tests.apps.executions.saga_success import declined_documents, paid_documents
from tests.workspaces import member, team

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("pay")</script>'


@pytest.fixture
def saga(db) -> tuple[Execution, Execution]:
    demo_definitions_load(workspace=team())
    declined = execution_import(workspace=team(), documents=declined_documents()).execution
    paid = execution_import(workspace=team(), documents=paid_documents()).execution
    return declined, paid


def _url(a: Execution, b: Execution) -> str:
    return f"/executions/{a.pk}/compare/{b.pk}/"


def test_the_failed_saga_first_differs_from_a_paid_one_at_charge_payment(signed_in, saga):
    declined, paid = saga
    assert declined.state_machine_name == paid.state_machine_name == "order-saga"
    response = signed_in.get(_url(declined, paid))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-first-divergence="ChargePayment"' in text
    assert "caught in A, succeeded in B" in text
    # Both paths on A's graph: ValidateOrder ran in both, ReleaseReservation only in A, the
    # notifications only in B.
    assert re.search(r'data-state="ValidateOrder"[^>]*data-visited="both"', text)
    assert re.search(r'data-state="ReleaseReservation"[^>]*data-visited="a"', text)
    assert re.search(r'data-state="OrderCompleted"[^>]*data-visited="b"', text)
    assert re.search(r'data-state="ChargePayment"[^>]*data-badge="A ⤳ / B ✓"', text)
    # Durations, and the diff of ChargePayment's output (the payment id B got).
    assert "data-total-delta" in text
    assert "$.payment" in text and "pay-7731" in text


def test_identical_runs_say_so(signed_in, saga):
    _, paid = saga
    text = signed_in.get(_url(paid, paid)).content.decode()
    assert "data-no-divergence" in text and "data-first-divergence" not in text


def test_diff_values_are_escaped(signed_in, db):
    demo_definitions_load(workspace=team())
    declined = execution_import(workspace=team(), documents=declined_documents()).execution
    hostile = execution_import(
        workspace=team(), documents=paid_documents("hostile", payment_id=HOSTILE)
    ).execution
    text = signed_in.get(_url(declined, hostile)).content.decode()
    assert HOSTILE not in text
    assert "&lt;script&gt;alert(" in text


def test_a_failed_execution_links_to_the_last_success(signed_in, saga):
    declined, paid = saga
    older = execution_import(
        workspace=team(), documents=paid_documents("order-saga-older", start_shift=60)
    ).execution
    assert selectors.execution_last_success(execution=declined) == paid != older
    text = signed_in.get(f"/executions/{declined.pk}/").content.decode()
    assert "data-compare-last-success" in text
    assert f'href="/executions/{declined.pk}/compare/{paid.pk}/"' in text
    # A succeeded one is not offered the link.
    succeeded_page = signed_in.get(f"/executions/{paid.pk}/").content.decode()
    assert "data-compare-last-success" not in succeeded_page


def test_no_link_without_a_success_of_the_same_machine(signed_in, db):
    demo_definitions_load(workspace=team())
    declined = execution_import(workspace=team(), documents=declined_documents()).execution
    elsewhere = Workspace.objects.create(name="elsewhere")
    execution_import(workspace=elsewhere, documents=paid_documents())  # not in its workspace
    assert selectors.execution_last_success(execution=declined) is None
    text = signed_in.get(f"/executions/{declined.pk}/").content.decode()
    assert "data-compare-last-success" not in text


def test_b_in_a_workspace_the_user_cannot_see_is_404(signed_in, saga):
    declined, _ = saga
    elsewhere = Workspace.objects.create(name="elsewhere")
    hidden = execution_import(workspace=elsewhere, documents=paid_documents()).execution
    assert signed_in.get(_url(declined, hidden)).status_code == 404
    assert signed_in.get(_url(hidden, declined)).status_code == 404
    assert signed_in.get(f"/executions/{declined.pk}/compare/999999/").status_code == 404


def test_b_in_another_workspace_the_user_sees_is_allowed(signed_in, user, saga):
    declined, _ = saga
    elsewhere = Workspace.objects.create(name="elsewhere")
    member(user, "viewer", elsewhere)
    other = execution_import(workspace=elsewhere, documents=paid_documents()).execution
    response = signed_in.get(_url(declined, other))
    assert response.status_code == 200
    assert 'data-first-divergence="ChargePayment"' in response.content.decode()


def test_signed_out_is_sent_to_sign_in(client, saga):
    declined, paid = saga
    response = client.get(_url(declined, paid))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
