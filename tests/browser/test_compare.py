"""Comparing a failed execution with the last success, in a real browser: the link on the
failed execution's page, the first divergence, and the badges the page's script draws."""

from __future__ import annotations

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.services import execution_import
from tests.apps.executions.saga_success import declined_documents, paid_documents
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def saga(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    demo_definitions_load(workspace=team())
    declined = execution_import(workspace=team(), documents=declined_documents()).execution
    paid = execution_import(workspace=team(), documents=paid_documents()).execution
    return declined, paid


def test_compare_with_the_last_success_shows_where_the_runs_part(page, live_server, saga):
    declined, paid = saga
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "oncall")
    page.fill("input[name=password]", "browser-pass-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/executions/{declined.pk}/")

    page.click("[data-compare-last-success]")
    page.wait_for_url(f"**/executions/{declined.pk}/compare/{paid.pk}/")
    marker = page.locator("[data-first-divergence]")
    assert marker.get_attribute("data-first-divergence") == "ChargePayment"
    assert "caught in A, succeeded in B" in marker.inner_text()
    # The script drew a badge under each node that ran: both runs' statuses on one graph.
    page.wait_for_selector("#compare-graph .compare-badge")
    badge = page.locator('#compare-graph [data-state="ChargePayment"] .compare-badge')
    assert badge.text_content() == "A ⤳ / B ✓"
    assert page.locator('#compare-graph [data-state="ChargePayment"].diverges').count() == 1
    assert not errors
