"""From a definition's page, "New execution": the input editor says what is wrong as you type,
and a started run ends on the execution page, where the one simulation panel line would go."""

from __future__ import annotations

import json

import pytest

from apps.definitions.services import definition_import
from tests.apps.simulations.machines import WAITING
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_execution_form_checks_json_as_you_type_and_starts_a_run(
    page, live_server, django_user_model, steps_in_process
) -> None:
    member(django_user_model.objects.create_user(username="dev", password="browser-pass-123"))
    version = definition_import(workspace=team(), text=json.dumps(WAITING), name="waiting").version
    page.goto(f"{live_server.url}/definitions/{version.definition_id}/")
    page.fill("#id_username", "dev")
    page.fill("#id_password", "browser-pass-123")
    page.click("button[type=submit]")
    page.click("text=New execution")
    page.wait_for_selector("#id_input")
    page.fill("#id_input", '{\n  "order": 7,\n  "x": }')
    status = page.locator('[data-json-status-for="id_input"]')
    status.filter(has_text="line 3").wait_for()
    assert page.get_attribute("#id_input", "aria-invalid") == "true"
    page.fill("#id_input", '{"order": 7}')
    status.filter(has_text="Valid JSON").wait_for()
    page.fill("#id_name", "from-the-browser")
    page.click("text=Start execution")
    page.wait_for_url(f"{live_server.url}/executions/*/")
    assert "from-the-browser" in page.content()
