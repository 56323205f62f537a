"""On-call triage in a real browser: from the dashboard to the failed state, its input and error,
with no click; deep links; and the event view paging through a 25,000-event history."""

from __future__ import annotations

import json

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.services import demo_executions_load, execution_import
from stepscope.history.synthetic import generate_large_history
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILED = "order-1002-payment-failed"


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # signed-out users are sent to sign in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def node(page, name: str):
    return page.locator(f'#graph [data-state="{name}"]')


def in_view(page, name: str) -> bool:
    """Whether the node's centre is drawn inside the graph's visible area and the window."""
    return page.evaluate(
        """(name) => {
            const node = document.querySelector(`#graph [data-state="${name}"]`)
                .getBoundingClientRect();
            const view = document.getElementById("graph").getBoundingClientRect();
            const x = node.left + node.width / 2, y = node.top + node.height / 2;
            return node.width > 0 && x >= view.left && x <= view.right && y >= view.top
                && y <= view.bottom && y >= 0 && y <= window.innerHeight;
        }""",
        name,
    )


@pytest.fixture
def demo(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())


def test_failed_state_input_and_error_without_a_click(page, live_server, demo):
    sign_in(page, live_server, "oncall", "browser-pass-123")
    page.click(f"a.execution-link:text-is('{FAILED}')")
    page.wait_for_selector("#graph svg")

    assert node(page, "ProcessPayment").get_attribute("data-status") == "failed"
    assert node(page, "ValidateOrder").get_attribute("data-status") == "succeeded"
    assert node(page, "CreateShipment").get_attribute("data-status") == "not-run"

    # Without any click: the banner names the error and shows the Lambda cause...
    banner = page.locator(".failure-banner")
    assert banner.is_visible()
    assert "PaymentProcessorUnavailable" in banner.inner_text()
    assert "Payment processor did not answer within 10 seconds" in banner.inner_text()
    assert "/var/task/handler.py" in banner.locator(".stack-trace").inner_text()
    # ...and the failed state is selected, on screen, with its input and error beside it.
    assert "selected" in (node(page, "ProcessPayment").get_attribute("class") or "")
    assert in_view(page, "ProcessPayment")
    step = page.locator("#step")
    assert step.get_attribute("data-run-key") == "ProcessPayment"
    input_panel = step.locator(".tab-panel[data-panel=input]")
    assert input_panel.is_visible()
    assert '"orderId": "o-1002"' in input_panel.locator("pre.json").first.inner_text()
    assert "PaymentProcessorUnavailable" in input_panel.inner_text()

    # Every attempt is in the Retries tab.
    step.locator("[role=tab][data-tab=retries]").click()
    assert step.locator(".attempts tbody tr.attempt-failed").count() == 4
    assert step.locator(".attempt-error").first.inner_text() == "PaymentProcessorUnavailable"

    # Clicking another node shows its run and keeps the URL a deep link to it.
    node(page, "ValidateOrder").click()
    page.wait_for_selector('#step[data-run-key="ValidateOrder"]')
    assert "state=ValidateOrder" in page.url
    assert "selected" in (node(page, "ValidateOrder").get_attribute("class") or "")


def test_deep_link_selects_a_state(page, live_server, demo):
    sign_in(page, live_server, "oncall", "browser-pass-123")
    page.click(f"a.execution-link:text-is('{FAILED}')")
    page.wait_for_selector("#graph svg")
    page.goto(page.url.split("?")[0] + "?state=ValidateOrder")
    page.wait_for_selector("#graph svg")
    assert page.locator("#step").get_attribute("data-run-key") == "ValidateOrder"
    assert page.locator("#step-name").inner_text() == "ValidateOrder"
    assert "selected" in (node(page, "ValidateOrder").get_attribute("class") or "")
    assert "selected" not in (node(page, "ProcessPayment").get_attribute("class") or "")


def test_event_view_pages_through_25000_events(page, live_server, django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    history = json.dumps(generate_large_history(event_count=25_000))
    execution = execution_import(
        workspace=team(), documents=[("large.json", history)], name="large"
    ).execution
    sign_in(page, live_server, "oncall", "browser-pass-123")

    page.goto(f"{live_server.url}/executions/{execution.pk}/?view=events")
    rows = page.locator(".event-table tbody tr")
    assert rows.count() == 100
    assert "Page 1 of 250" in page.locator(".page-of").inner_text()
    assert rows.first.get_attribute("data-event-id") == "1"

    page.click("a[rel=next]")
    page.wait_for_url("**page=2**")
    assert "Page 2 of 250" in page.locator(".page-of").inner_text()
    assert rows.first.get_attribute("data-event-id") == "101"

    page.click("text=Last »")
    page.wait_for_url("**page=250**")
    assert rows.last.get_attribute("data-event-id") == "25000"

    # Filter by type, then follow an event deep link to its page, highlighted.
    page.select_option("select[name=type]", "MapIterationSucceeded")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**type=MapIterationSucceeded**")
    types = page.locator(".event-table td code").all_inner_texts()
    assert types and set(types) == {"MapIterationSucceeded"}
    page.goto(f"{live_server.url}/executions/{execution.pk}/?event=24999")
    highlighted = page.locator(".event-table tr.highlight")
    assert highlighted.get_attribute("data-event-id") == "24999"
    assert highlighted.is_visible()
    assert "Page 250 of 250" in page.locator(".page-of").inner_text()
