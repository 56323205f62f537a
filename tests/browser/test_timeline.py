"""The Timeline tab in a real browser: hover a bar for its times, zoom, click a bar to select its
run, open a group of iterations, and a bounded number of bars for the 25,000-event history."""

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

SAGA = "order-saga-payment-declined"


@pytest.fixture
def demo(django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())


def bar(page, state: str):
    return page.locator(f'.timeline-bars [data-timeline-state="{state}"]').first


def transform(page) -> str:
    return page.eval_on_selector(".timeline-bars", "g => g.style.transform")


def test_hover_zoom_pan_and_select_on_the_saga(page, live_server, demo):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(  # script errors and CSP refusals (a missing favicon is not one)
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    sign_in(page, live_server, "oncall", "browser-pass-123")
    saga = Execution.objects.get(name=SAGA)
    page.goto(f"{live_server.url}/executions/{saga.pk}/")
    page.click(".view-tabs a:text-is('Timeline')")
    page.wait_for_url("**view=timeline**")
    page.wait_for_selector(".timeline-axis.drawn")

    charge = bar(page, "ChargePayment")
    assert charge.get_attribute("data-status") == "caught"
    assert charge.is_visible()

    # Hover: the bar's start, end and duration.
    charge.hover()
    tip = page.locator(".timeline-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "ChargePayment" in text and "start +" in text and "end +" in text
    assert "duration" in text

    # Zoom in with the button, then with Ctrl + wheel: the bars widen, the axis follows.
    before = charge.bounding_box()["width"]
    ticks_before = page.locator(".timeline-axis .timeline-tick").all_inner_texts()
    page.click("[data-timeline-zoom=in]")
    assert "scale(1.5, 1)" in transform(page)
    box = page.locator(".timeline-viewport").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 10)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function(
        "() => !document.querySelector('.timeline-bars').style.transform.includes('scale(1.5,')"
    )
    assert charge.bounding_box()["width"] > before * 1.5
    assert page.locator(".timeline-axis .timeline-tick").all_inner_texts() != ticks_before

    # Pan by dragging on an empty part of the chart: the bars move, nothing is selected.
    zoomed = transform(page)
    page.mouse.move(box["x"] + box["width"] - 30, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 200, box["y"] + box["height"] - 4, steps=5)
    page.mouse.up()
    assert transform(page) != zoomed
    page.click("[data-timeline-zoom=fit]")
    assert transform(page) == "translate(0px, 0px) scale(1, 1)"

    # Clicking a bar selects its run: details beside it and the deep link in the URL.
    bar(page, "ReserveInventory").click()
    page.wait_for_selector('#step[data-run-key="ReserveInventory"]')
    assert "state=ReserveInventory" in page.url and "view=timeline" in page.url
    assert "selected" in (bar(page, "ReserveInventory").get_attribute("class") or "")
    assert "selected" not in (charge.get_attribute("class") or "")
    assert not errors, errors


def test_the_25000_event_history_opens_with_bounded_bars(page, live_server, django_user_model):
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    history = json.dumps(generate_large_history(event_count=25_000))
    execution = execution_import(
        workspace=team(), documents=[("large.json", history)], name="large"
    ).execution
    sign_in(page, live_server, "oncall", "browser-pass-123")

    page.goto(f"{live_server.url}/executions/{execution.pk}/?view=timeline")
    page.wait_for_selector(".timeline-axis.drawn")
    count = page.locator(".timeline-bar").count()
    assert 20 < count < 100
    assert page.locator("svg .timeline-bars *").count() < 400  # every element of the chart
    group = page.locator('[data-timeline-group="ChargeEach@0-99"]')
    assert group.get_attribute("data-timeline-state") == "ChargeEach"
    group.hover()
    assert "iterations 0–99 (100)" in page.locator(".timeline-tip").inner_text()

    # A group's label opens it, in the URL.
    page.click(".timeline-label-group a:has-text('iterations 0–99')")
    page.wait_for_url("**lanes=ChargeEach%400-99**")
    assert page.locator(".timeline-bar").count() == count + 10
    page.click(".timeline-label-group a:has-text('iterations 10–19')")
    page.wait_for_selector('.timeline-label:has-text("iteration 12")')
    bar(page, "Charge").click()
    page.wait_for_selector("#step[data-run-key]")
    assert "/i1" in page.locator("#step").get_attribute("data-run-key")
