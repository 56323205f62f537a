"""Watching a running execution in a real browser: events saved and published after the page
opened change the graph's node statuses in place, with no reload and no re-layout.

The page's websocket needs an ASGI server, so this test runs daphne (in a thread of this process,
sharing the test database) and a throwaway Redis as the channel layer that the test's publish and
the server's consumer both use."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from apps.definitions.services import definition_import
from apps.executions.services import execution_import
from apps.live.publish import execution_events_publish
from tests.apps.executions.histories import HOSTILE_NAME
from tests.apps.executions.histories import page as history_page
from tests.apps.executions.test_live_view import DEFINITION, running_events
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_running_execution_updates_live_without_reload(
    daphne_url: str, page: Any, django_user_model: Any
) -> None:
    member(django_user_model.objects.create_user(username="oncall", password="browser-pass-123"))
    definition_import(workspace=team(), text=DEFINITION, name="pausing")
    execution = execution_import(
        workspace=team(),
        documents=[("h.json", history_page(running_events()))],
        definition="pausing",
        name="run-1",
    ).execution

    browser_page = page
    browser_page.goto(f"{daphne_url}/accounts/login/?next=/executions/{execution.pk}/")
    browser_page.fill("input[name=username]", "oncall")
    browser_page.fill("input[name=password]", "browser-pass-123")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url(f"{daphne_url}/executions/{execution.pk}/")

    pause = browser_page.locator('#graph [data-state="Pause"]')
    assert pause.get_attribute("data-status") == "in-progress"  # a Wait that is waiting
    browser_page.wait_for_selector('#live[data-live="connected"]')
    browser_page.evaluate("window.__notReloaded = true")
    svg_before = browser_page.evaluate("document.querySelector('#graph svg') !== null")

    # The rest of the run is saved (as the import saves events), then published.
    finished = running_events(finish=True)
    result = execution_import(
        workspace=team(), documents=[("h.json", history_page(finished))], definition="pausing"
    )
    new = finished[len(running_events()) :]
    sent: list[Any] = []

    def publish() -> None:  # off this thread: Playwright's sync API runs an event loop here
        sent.append(
            execution_events_publish(
                execution_id=execution.pk,
                events=new,
                status=result.execution.status,
                event_count=result.execution.event_count,
            )
        )

    publisher = threading.Thread(target=publish)
    publisher.start()
    publisher.join(timeout=10)
    assert sent and sent[0] is not None

    # A selector, not wait_for_function: the page's CSP forbids the eval that one would need.
    browser_page.wait_for_selector(
        '#graph [data-state="Pause"][data-status="succeeded"]', state="attached", timeout=15_000
    )
    statuses = browser_page.evaluate(
        """() => Array.from(document.querySelectorAll('#graph [data-state]'))
            .map((n) => [n.getAttribute('data-state'), n.getAttribute('data-status')])"""
    )
    assert [HOSTILE_NAME, "succeeded"] in [list(pair) for pair in statuses]
    assert browser_page.evaluate("window.__notReloaded") is True and svg_before
    browser_page.wait_for_selector('#live[data-live="ended"]')
    assert "Succeeded" in browser_page.locator(".summary .facts").inner_text()
    assert browser_page.locator('[role="progressbar"]').get_attribute("aria-valuenow") == "4"
