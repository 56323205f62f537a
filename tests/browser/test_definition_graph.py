"""Sign in, import a definition that has an error, and see the graph with that node marked."""

from __future__ import annotations

import pytest

from tests.apps.definitions.helpers import BROKEN, BROKEN_NEXT_LINE
from tests.workspaces import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/definitions/")
    assert "/accounts/login/" in page.url  # signed-out users are sent to sign in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/definitions/")


def in_view(page, selector: str) -> bool:
    """Whether the element's centre is drawn inside the graph's visible area."""
    return page.evaluate(
        """(selector) => {
            const node = document.querySelector(selector).getBoundingClientRect();
            const view = document.getElementById("graph").getBoundingClientRect();
            const x = node.left + node.width / 2, y = node.top + node.height / 2;
            return node.width > 0 && x >= view.left && x <= view.right
                && y >= view.top && y <= view.bottom;
        }""",
        selector,
    )


def test_import_broken_definition_and_see_the_node_marked(page, live_server, django_user_model):
    member(django_user_model.objects.create_user(username="dev", password="browser-pass-123"))
    sign_in(page, live_server, "dev", "browser-pass-123")

    page.click("text=Import a definition")
    page.fill("input[name=name]", "broken-payments")
    page.fill("textarea[name=text]", BROKEN)
    page.click("button:has-text('Import')")
    page.wait_for_selector("#graph svg")

    charge = page.locator('#graph [data-state="Charge"]')
    assert charge.get_attribute("data-diagnostic") == "error"
    assert "diag-error" in (charge.get_attribute("class") or "")
    assert charge.locator(".diag-badge.error").count() == 1
    begin = page.locator('#graph [data-state="Begin"]')
    assert begin.get_attribute("data-diagnostic") is None
    done = page.locator('#graph [data-state="Done"]')
    assert done.get_attribute("data-diagnostic") == "error"  # unreachable

    # The diagnostics list names the problem and where it is.
    first = page.locator(".tab-panel[data-panel=diagnostics] .diagnostic").first
    assert "MISSING_TRANSITION_TARGET" in first.inner_text()
    assert f"line {BROKEN_NEXT_LINE}" in first.inner_text()

    # Clicking the diagnostic selects its node, keeps it in view, and shows that state's ASL.
    first.click()
    assert "selected" in (charge.get_attribute("class") or "")
    assert in_view(page, '#graph [data-state="Charge"]')
    assert page.locator("#state-name").inner_text() == "Charge"
    assert '"Next": "Nowhere"' in page.locator("#state-asl").inner_text()

    # Clicking another node shows its details, and its own diagnostics.
    done.click()
    assert page.locator("#state-name").inner_text() == "Done"
    assert "not reachable" in page.locator("#state-diagnostics").inner_text()

    # A state far off-screen is brought into view when its diagnostic is chosen.
    for _ in range(8):
        page.click("button[data-zoom=in]")
    page.click("[role=tab][data-tab=diagnostics]")
    page.locator(".tab-panel[data-panel=diagnostics] .diagnostic").nth(1).click()
    assert page.locator("#state-name").inner_text() == "Done"
    assert in_view(page, '#graph [data-state="Done"]')
    page.click("button[data-zoom=fit]")

    # Zoom changes only the viewBox: the layout (node positions) is untouched.
    svg = page.locator("#graph svg")
    before = svg.get_attribute("viewBox")
    transform_before = charge.locator("polygon, ellipse, path").first.get_attribute("points")
    page.click("button[data-zoom=in]")
    assert svg.get_attribute("viewBox") != before
    assert (
        charge.locator("polygon, ellipse, path").first.get_attribute("points") == transform_before
    )
