"""The step pane in a real browser: a Map's failed iterations grouped by error, choosing a run
from the selector puts it in the URL, and on a 25,000-event history the selector shows the
iteration on display (it used to list only the first 500 runs and show "iteration 1")."""

from __future__ import annotations

import json

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.models import Execution
from apps.executions.services import demo_executions_load, execution_import
from stepscope.history.synthetic import generate_large_history
from tests.browser.test_execution_debugger import sign_in
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-pass-123"


@pytest.fixture
def oncall(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password=PASSWORD))


@pytest.fixture
def lines(oncall) -> Execution:
    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())
    return Execution.objects.get(name="order-lines-2-failed")


def test_map_pane_groups_failed_iterations_and_links_each(page, live_server, lines):
    sign_in(page, live_server, "oncall", PASSWORD)
    page.goto(f"{live_server.url}/executions/{lines.pk}/?state=ProcessOrderLines")
    group = page.locator("[data-failure-group]")
    assert group.count() == 1
    assert group.get_attribute("data-failure-group") == "UnknownSku"
    assert group.get_attribute("data-count") == "2"
    links = group.locator("a[data-select-run]")
    assert links.all_inner_texts() == ["iteration 6", "iteration 8"]

    links.nth(1).click()  # iteration 8: its task failed, then its iteration was aborted
    page.wait_for_selector('#step[data-run-key="ProcessOrderLines/i8/CheckStock"]')
    assert "state=ProcessOrderLines%2Fi8%2FCheckStock" in page.url
    assert page.locator("#step .step-error").inner_text().strip().startswith("✕ UnknownSku")


def test_choosing_a_run_puts_it_in_the_url(page, live_server, lines):
    sign_in(page, live_server, "oncall", PASSWORD)
    page.goto(f"{live_server.url}/executions/{lines.pk}/?state=ProcessOrderLines/i6/CheckStock")
    picker = page.locator("select[data-run-picker]")
    assert picker.input_value() == "ProcessOrderLines/i6/CheckStock"

    picker.select_option("ProcessOrderLines/i3/CheckStock")
    page.wait_for_selector('#step[data-run-key="ProcessOrderLines/i3/CheckStock"]')
    page.wait_for_url("**state=ProcessOrderLines%2Fi3%2FCheckStock**")
    assert page.locator("select[data-run-picker]").input_value() == (
        "ProcessOrderLines/i3/CheckStock"
    )
    page.reload()  # the URL is a deep link to the chosen run
    assert page.locator("#step").get_attribute("data-run-key") == "ProcessOrderLines/i3/CheckStock"

    # "Failed only": the selector lists the failed runs (and the one on display).
    page.check(".run-picker input[name=failed]")
    page.click(".run-picker button[name=runs_find]")
    page.wait_for_url("**failed=1**")
    values = page.locator("select[data-run-picker] option").evaluate_all(
        "(options) => options.map((o) => o.value)"
    )
    assert values == [
        "ProcessOrderLines/i3/CheckStock",
        "ProcessOrderLines/i6/CheckStock",
        "ProcessOrderLines/i8/CheckStock",
    ]
    page.locator("select[data-run-picker]").select_option("ProcessOrderLines/i8/CheckStock")
    page.wait_for_url("**state=ProcessOrderLines%2Fi8%2FCheckStock**")
    assert page.locator(".run-picker input[name=failed]").is_checked()  # the filter stays


def test_the_25000_event_history_selector_shows_the_displayed_iteration(page, live_server, oncall):
    history = json.dumps(generate_large_history(event_count=25_000))
    execution = execution_import(
        workspace=team(), documents=[("large.json", history)], name="large"
    ).execution
    sign_in(page, live_server, "oncall", PASSWORD)
    key = "ChargeEach/i2335/Prepare"
    page.goto(f"{live_server.url}/executions/{execution.pk}/?state={key}")
    assert page.locator("#step").get_attribute("data-run-key") == key
    picker = page.locator("select[data-run-picker]")
    assert picker.input_value() == key
    chosen = picker.locator("option:checked")
    assert chosen.inner_text().startswith("Prepare · iteration 2335 — succeeded")

    # Any other iteration is reached by search, then chosen: it goes into the URL.
    page.fill(".run-picker input[name=runs_q]", "17")
    page.click(".run-picker button[name=runs_find]")
    page.wait_for_url("**runs_q=17**")
    assert page.locator("select[data-run-picker]").input_value() == key
    page.locator("select[data-run-picker]").select_option("ChargeEach/i17/Prepare")
    page.wait_for_url("**state=ChargeEach%2Fi17%2FPrepare**")
    assert page.locator("#step").get_attribute("data-run-key") == "ChargeEach/i17/Prepare"

    # ...or by paging: another page keeps the run on display selected.
    page.goto(f"{live_server.url}/executions/{execution.pk}/?state=ChargeEach/i17/Prepare")
    page.click(".run-picker button[name=runs_page]:has-text('Later')")
    page.wait_for_url("**runs_page=2**")
    picker = page.locator("select[data-run-picker]")
    assert picker.input_value() == "ChargeEach/i17/Prepare"
    assert "Prepare · iteration 200 — succeeded" in picker.locator("option").all_inner_texts()
