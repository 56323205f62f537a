"""The failures view in a real browser: from the dashboard's failed count to the groups (each with
its data-group-state, data-group-error and data-count), then a group's link to the executions list
filtered by its root cause."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.services import demo_executions_load
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())


def test_failures_groups_and_their_link_to_the_list(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "oncall")
    page.fill("input[name=password]", "browser-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("a.failed-link")
    page.wait_for_url(f"{live_server.url}/failures/")
    groups = page.locator("[data-group-state][data-group-error][data-count]")
    assert groups.count() == 4
    seen = {
        (group.get_attribute("data-group-state"), group.get_attribute("data-group-error"))
        for group in groups.all()
    }
    assert seen == {
        ("ChargePayment", "PaymentDeclined"),
        ("CheckStock", "UnknownSku"),
        ("ProcessPayment", "PaymentProcessorUnavailable"),
        ("RequestApproval", "States.Timeout"),
    }
    assert {group.get_attribute("data-count") for group in groups.all()} == {"1"}
    saga = page.locator('[data-group-state="ChargePayment"][data-group-error="PaymentDeclined"]')
    assert saga.locator("svg.failure-histogram rect").count() == 1
    assert "order-saga" in saga.inner_text()

    page.click('.since-presets a:text-is("last 24h")')
    page.wait_for_url("**/failures/?since=24h")
    assert page.locator("[data-no-failures]").is_visible()  # the demos ran in 2024
    page.go_back()
    page.wait_for_url(f"{live_server.url}/failures/")

    saga.locator("a.failure-list-link").click()
    page.wait_for_url("**/executions/?**")
    url = urlsplit(page.url)
    assert url.path == "/executions/"
    assert parse_qs(url.query) == {
        "q": ['state:"ChargePayment" error:"PaymentDeclined"'],
        "state_machine": ["order-saga"],
        "status": ["problem"],
    }
    assert page.locator("h1").first.inner_text() == "Executions"
