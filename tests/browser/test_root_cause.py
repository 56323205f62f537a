"""On-call triage of a saga in a real browser: the banner blames where the failure started
(ChargePayment's PaymentDeclined), not the Fail state that ended it, and its link selects it."""

from __future__ import annotations

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.services import demo_executions_load
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAGA = "order-saga-payment-declined"


@pytest.fixture
def demo(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())


def test_saga_banner_names_the_root_cause_and_selects_it(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "oncall")
    page.fill("input[name=password]", "browser-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    row = page.locator("tr.execution-row", has=page.locator(f"a.execution-link:text-is('{SAGA}')"))
    cell = row.locator(".root-cause")
    assert cell.get_attribute("data-root-cause-state") == "ChargePayment"
    assert cell.get_attribute("data-root-cause-error") == "PaymentDeclined"

    page.click(f"a.execution-link:text-is('{SAGA}')")
    page.wait_for_selector("#graph svg")
    # One click from the dashboard opens the step where the failure started.
    page.wait_for_selector('#step[data-run-key="ChargePayment"]')
    banner = page.locator(".failure-banner")
    assert banner.is_visible()
    assert banner.get_attribute("data-root-cause-state") == "ChargePayment"
    assert banner.get_attribute("data-root-cause-error") == "PaymentDeclined"
    link = banner.locator("a.root-cause-link")
    assert link.inner_text() == (
        "ChargePayment failed with PaymentDeclined; caught, then compensated by "
        "ReleaseReservation, then FailOrder"
    )

    link.click()
    page.wait_for_url("**state=ChargePayment**")
    page.wait_for_selector('#step[data-run-key="ChargePayment"]')
    assert page.locator("#step-name").inner_text() == "ChargePayment"
    node = page.locator('#graph [data-state="ChargePayment"]')
    assert "selected" in (node.get_attribute("class") or "")
