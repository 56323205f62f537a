"""Cross-site scripting, in a real browser: hostile text everywhere a user can put text, every
page visited, every clickable thing on the execution and definition pages clicked, and nothing
runs.

The payloads (xss_payloads.py) each call the sentinel `__xss(id)` if they ever run; the witness
(xss_detector.py) also catches page errors and markup that would run on a click. Two self-checks
first prove the detector and the corpus: an unescaped page does trip the sentinel, and each
payload does run (or is seen by the scan) when it is dropped unescaped into its own context.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.xss_detector import XssWitness, watched_context
from tests.browser.xss_payloads import PAYLOADS, Payload, unescaped_page
from tests.browser.xss_tour import (
    DOWNLOADS,
    EXECUTION_VIEWS,
    PASSWORD,
    USERNAME,
    Tour,
    in_a_thread,
    site_urls,
)
from tests.browser.xss_world import World, build_world
from tests.workspaces import member, team

pytestmark = [pytest.mark.browser]

# How long a payload dropped in unescaped gets to run before the self-check gives up on it.
FIRE_TIMEOUT_MS = 1500


@pytest.fixture
def witness() -> XssWitness:
    return XssWitness()


@pytest.fixture
def watched_page(browser: Any, witness: XssWitness) -> Iterator[Any]:
    context = watched_context(browser, witness)
    page = context.new_page()
    yield page
    context.close()


# ---- The self-checks: the detector sees an unescaped page, and every payload is live. --------


def test_the_detector_sees_an_unescaped_page(watched_page: Any, witness: XssWitness) -> None:
    watched_page.set_content('<p>hello</p><img src=x onerror="window.__xss(0)">')
    watched_page.wait_for_function("window.__xssHits.length > 0")
    watched_page.set_content("<script>alert(7)</script>")
    watched_page.set_content("<script>var broken = ;</script>")
    watched_page.set_content('<div>fine</div><a href="javascript:__xss(9)">needs a click</a>')
    assert witness.scan(watched_page, "self-check")
    watched_page.wait_for_timeout(50)  # let the binding's reports arrive
    assert witness.sentinel[:2] == ["0", "alert(7)"]
    assert any("Unexpected token" in error for error in witness.page_errors)
    assert any('href="javascript:__xss(9)"' in finding for finding in witness.markup)

    witness.clear()
    watched_page.set_content(
        "<p>&lt;img src=x onerror=__xss(1)&gt;</p>"
        '<input value="&quot;&gt;&lt;img src=x onerror=__xss(2)&gt;">'
        '<div data-state="&lt;svg onload=__xss(3)&gt;" title="javascript:__xss(4)">x</div>'
        '<script type="application/json">{"a": "\\u003cimg onerror=__xss(5)\\u003e"}</script>'
    )
    assert witness.scan(watched_page, "escaped") == []
    watched_page.wait_for_timeout(50)
    assert witness.problems() == []


CLICK_LINKS = """
() => document.querySelectorAll("a, button, [onclick]").forEach((el) =>
  el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true })))
"""


def _fired(page: Any, witness: XssWitness, payload: Payload) -> bool:
    wanted = {str(payload.id), f"alert({payload.id})"}
    for _ in range(FIRE_TIMEOUT_MS // 25):
        if wanted & set(witness.sentinel):
            return True
        page.wait_for_timeout(25)  # the binding's reports arrive while Playwright waits
    return False


HARNESS = "http://harness.invalid/"


def _serve_harness(page: Any, content: dict[str, str]) -> None:
    """Each payload's page is a fresh document at a real origin (autofocus works once per
    document); every other request it makes fails at once."""

    def answer(route: Any) -> None:
        if route.request.url == HARNESS:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=content["page"])
        else:
            route.abort()

    page.route("**/*", answer)


def test_every_payload_runs_when_left_unescaped(watched_page: Any, witness: XssWitness) -> None:
    """The corpus is live: dropped unescaped into its own context, each payload runs (or, for
    those that need a click, a hover or an old browser, the markup scan sees it)."""
    content: dict[str, str] = {}
    _serve_harness(watched_page, content)
    dead = []
    for payload in PAYLOADS:
        content["page"] = "<!doctype html><body>" + unescaped_page(payload)
        watched_page.goto(HARNESS)
        if payload.context == "url":
            watched_page.click("#xss-link")
        elif payload.context.startswith("dot"):
            watched_page.evaluate(CLICK_LINKS)
        ran = _fired(watched_page, witness, payload) if payload.context != "markup" else False
        if payload.context in ("markup", "dot", "dot_half"):
            ran = ran or bool(witness.scan(watched_page, f"payload {payload.id}"))
        if not ran:
            dead.append(f"{payload.id} ({payload.context}): {payload.text!r}")
    assert not dead, "these payloads did not run unescaped:\n" + "\n".join(dead)


# ---- The tour: every page of a hostile world, clicked, with payloads in its queries and forms.


@pytest.fixture
def world(django_user_model: Any, steps_in_process: None) -> World:
    def build() -> World:
        user = django_user_model.objects.create_user(username=USERNAME, password=PASSWORD)
        return build_world(workspace=team(), user=member(user))

    return in_a_thread(build)


@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_on_any_page(
    daphne_url: str, browser: Any, world: World, witness: XssWitness
) -> None:
    started = time.monotonic()
    context = watched_context(browser, witness)
    tour = Tour(context.new_page(), witness, daphne_url)
    lap = [time.monotonic()]

    def mark(what: str) -> None:
        now = time.monotonic()
        print(f"{what}: {now - lap[0]:.1f} s, {tour.requests} requests, {tour.clicks} clicks")
        lap[0] = now

    try:
        tour.sign_in()
        downloads = []
        for name, path in site_urls(world):
            if name in DOWNLOADS:
                downloads.append({"method": "GET", "url": path})
            else:
                tour.visit(path, name=name)
        tour.fetch_and_scan(downloads)
        for payload in PAYLOADS[:3]:  # pages that are not there, named by a payload
            tour.visit(f"/definitions/{quote(payload.text)}/", name="404")
        mark("site")
        for execution in world.executions[:5]:
            for view in EXECUTION_VIEWS:
                tour.visit(f"/executions/{execution}/?view={view}", click=True)
        for definition in world.definitions:
            tour.visit(f"/definitions/{definition}/v1/", click=True)
        mark("clicks")
        tour.follow_links()
        mark("links")
        tour.reflect_queries()
        mark("queries")
        tour.post_forms()
        mark("forms")
        tour.watch_live_stop(world.waiting_execution, world.waiting_simulation)
        mark("live")
    finally:
        context.close()
    elapsed = time.monotonic() - started
    print(
        f"\nXSS tour: {len(PAYLOADS)} payloads; {len(tour.visited)} pages opened, "
        f"{tour.clicks} clicks, {tour.requests} requests in all; {world.counts}; "
        f"{elapsed:.0f} s"
    )
    problems = (
        witness.problems()
        + [f"server error: {error}" for error in tour.server_errors]
        + [f"the tour broke on {error}" for error in tour.broken]
    )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
