"""The whole live path in a real browser: start a simulation from the form, watch its Wait turn
in-progress and then succeeded without a reload, answer its callback from the page's panel, and
see the execution succeed. Steps run in-process (the embedded mode's timers) and reach the page
through the channel layer and the websocket consumer served by daphne."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.definitions.services import definition_import
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFINITION = {
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Approve"},
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
            "Parameters": {"Message": {"order.$": "$.order", "token.$": "$$.Task.Token"}},
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}


def node(page: Any, state: str) -> Any:
    return page.locator(f'svg [data-state="{state}"]').first


def test_a_simulation_streams_live_and_its_callback_is_answered_from_the_page(
    daphne_url: str, page: Any, django_user_model: Any, steps_in_process: None
) -> None:
    member(django_user_model.objects.create_user(username="dev", password="browser-pass-123"))
    version = definition_import(
        workspace=team(), text=json.dumps(DEFINITION), name="approval-flow"
    ).version
    page.goto(f"{daphne_url}/simulations/new/{version.definition_id}/")
    page.fill("#id_username", "dev")
    page.fill("#id_password", "browser-pass-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#id_input")
    page.fill("#id_input", '{"order": 7}')
    page.check('input[name="pace_mode"][value="real"]')
    page.click("text=Start execution")
    page.wait_for_url(f"{daphne_url}/executions/*/")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    pause = node(page, "Pause")
    approve = node(page, "Approve")
    pause.and_(page.locator('[data-status="in-progress"]')).wait_for(timeout=15_000)
    pause.and_(page.locator('[data-status="succeeded"]')).wait_for(timeout=15_000)
    approve.and_(page.locator('[data-status="in-progress"]')).wait_for(timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True  # all of that without a reload

    panel = page.locator("#simulation")
    panel.get_by_text("“Approve” waits for a callback").wait_for(timeout=15_000)
    page.fill("#simulation-output", '{"approved": true}')
    panel.get_by_role("button", name="Send task success").click()
    node(page, "Done").and_(page.locator('[data-status="succeeded"]')).wait_for(timeout=15_000)
    page.locator(".summary").get_by_text("SUCCEEDED").first.wait_for(timeout=15_000)
