"""Where test_xss.py goes: every page from Django's URL resolver with the hostile world's ids,
and what it does there (click everything, reflect payloads through query parameters and forms).

Object pages get the ids of the model their access rule names (MODEL_VALUES), so a new page is
visited from the day it is added; a URL argument this module cannot fill fails the test with a
message saying what to add.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.xss_detector import (
    CLICK_JS,
    FETCH_SCAN_JS,
    PAGE_FACTS_JS,
    PROBE_JS,
    XssWitness,
)
from tests.browser.xss_payloads import PAYLOADS
from tests.browser.xss_world import World

# Pages that serve downloads (Content-Disposition: attachment): fetched and scanned, not opened.
DOWNLOADS = {"definitions:download", "executions:export"}
# Only forms whose action is one of these are posted full of payloads: the others sign out,
# stop the waiting run or change memberships, which would end the tour early.
POSTED_ACTIONS = {
    "definitions:import",
    "executions:import",
    "simulations:new",
    "simulations:new_version",
    "simulations:send_task_success",
    "simulations:send_task_failure",
    "simulations:send_task_heartbeat",
    "aws:new",
    "aws:edit",
    "accounts:redaction",
}
# Query parameters any page might read, besides the names of its own form fields.
QUERY_NAMES = (
    "state",
    "state_name",
    "name",
    "type",
    "page",
    "direction",
    "event",
    "field",
    "after",
    "next",
    "action",
    "follow",
    "imported",
    "q",
)
PER_PATTERN = 6  # at most this many id combinations per URL pattern


# The objects an object page's access rule names (apps/accounts/scoping.py), by model: a new
# page about one of these is visited with the hostile world's ids without a change here.
MODEL_VALUES: dict[str, Callable[[World], list[Any]]] = {
    "Definition": lambda world: world.definitions,
    "Execution": lambda world: world.executions[:6],
    "Simulation": lambda world: world.simulations,
    "AwsSource": lambda world: world.sources,
    "Workspace": lambda world: [world.workspace_name],
    "ImportJob": lambda world: world.import_jobs,
}
# URL arguments that are not the object of the access rule.
OTHER_VALUES: dict[str, list[Any]] = {"number": [1, 2], "fmt": ["json", "yaml", "svg", "png"]}
# URL arguments naming a second object (the compare page's <b>): that model's hostile ones.
SECOND_OBJECTS = {"b": "Execution"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern, for messages
    arguments: tuple[str, ...]
    view: Any


def routes() -> Iterator[Route]:
    """Every named URL pattern, with the names of its arguments (those of the includes too)."""

    def walk(patterns: list[Any], namespace: str, prefix: str, inherited: tuple[str, ...]) -> Any:
        for pattern in patterns:
            arguments = inherited + tuple(getattr(pattern.pattern, "converters", {}))
            regex = getattr(pattern.pattern, "regex", None)
            if regex is not None and not getattr(pattern.pattern, "converters", None):
                arguments += tuple(regex.groupindex)
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(
                    pattern.url_patterns, inner, prefix + str(pattern.pattern), arguments
                )
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
                yield Route(name, prefix + str(pattern.pattern), arguments, pattern.callback)

    yield from walk(get_resolver().url_patterns, "", "/", ())


def _values(route: Route, argument: str, world: World) -> list[Any]:
    rule = getattr(route.view, "access_rule", None)
    model = getattr(rule, "model", None)
    if model is not None and getattr(rule, "kwarg", "") == argument:
        source = MODEL_VALUES.get(model.__name__)
        if source is None:
            raise AssertionError(
                f"test_xss has no {model.__name__} for {route.name or route.route}: add hostile "
                "ones to xss_world.py and their ids to MODEL_VALUES in tests/browser/xss_tour.py"
            )
        return list(source(world))
    if argument in SECOND_OBJECTS:
        return list(MODEL_VALUES[SECOND_OBJECTS[argument]](world))
    if argument not in OTHER_VALUES:
        raise AssertionError(
            f"test_xss does not know what {argument!r} of {route.name or route.route} is: add "
            "it to OTHER_VALUES in tests/browser/xss_tour.py"
        )
    return OTHER_VALUES[argument]


def site_urls(world: World) -> list[tuple[str, str]]:
    """(URL name, path) for every pattern, with real ids, at most PER_PATTERN per pattern."""
    urls: list[tuple[str, str]] = []
    for route in routes():
        if not route.name:
            if route.arguments:
                raise AssertionError(f"{route.route} has arguments but no name to reverse")
            urls.append((route.route, route.route))
            continue
        choices = [_values(route, argument, world) for argument in route.arguments]
        combos = itertools.islice(itertools.product(*choices), PER_PATTERN)
        for combo in combos:
            path = reverse(route.name, kwargs=dict(zip(route.arguments, combo, strict=True)))
            urls.append((route.name, path))
    return urls


def rotation(names: list[str], rounds: int = 1, most: int = 1000) -> Iterator[dict[str, str]]:
    """Query or form values that give every payload to `rounds` of the names, in at most `most`
    requests: each request gives each name its own payloads (several, one a line, when there
    are more payloads than names times requests), moving them along the names each round."""
    texts = [payload.text for payload in PAYLOADS]
    count = max(1, len(names))
    per_round = max(1, most // rounds)
    per_value = -(-len(texts) // (count * per_round))  # payloads in one value
    per_request = count * per_value
    for shift in range(rounds):
        for start in range(0, len(texts), per_request):
            values = {}
            for index, name in enumerate(names):
                slot = (index + shift * 7) % count
                chunk = texts[start + slot * per_value : start + (slot + 1) * per_value]
                values[name] = "\n".join(chunk or texts[slot % len(texts) : slot % len(texts) + 1])
            yield values


PATH_SHAPE = re.compile(r"\d+")


def link_signature(href: str) -> str:
    """A link's shape: its path with numbers as N and the names of its query parameters."""
    path, _, query = href.partition("?")
    names = sorted({part.split("=")[0] for part in query.split("&") if part})
    return PATH_SHAPE.sub("N", path) + "?" + "&".join(names)


# ---- The tour ----

USERNAME, PASSWORD = "oncall", "browser-pass-123"
CLICKS_PER_PAGE = 120
MAX_LINKS = 60  # links found on pages, one per shape (path with numbers as N, query names)
ROUNDS = 2  # each payload reaches this many query parameters (or form fields) of each page...
PAGE_REQUESTS = 12  # ...in at most this many requests per page or form
EXECUTION_VIEWS = ("graph", "table", "events")


class Tour:
    """Drives one signed-in page through the site and keeps count."""

    def __init__(self, page: Any, witness: XssWitness, base: str) -> None:
        self.page, self.witness, self.base = page, witness, base
        self.visited: dict[str, dict[str, Any]] = {}  # path -> the page's links, names, forms
        self.names: dict[str, str] = {}  # path -> URL name
        self.server_errors: list[str] = []
        self.broken: list[str] = []  # pages the tour could not finish
        self.clicks = 0
        self.requests = 0

    def sign_in(self) -> None:
        """Through the sign-in form, with a javascript: URL as where to go next."""
        hostile_next = next(p.text for p in PAYLOADS if p.context == "url")
        self.page.goto(f"{self.base}/accounts/login/?next={quote(hostile_next)}")
        self.witness.scan(self.page, "/accounts/login/")
        self.page.fill("input[name=username]", USERNAME)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert self.page.locator("input[name=password]").count() == 0, "could not sign in"
        self.witness.scan(self.page, self.page.url)

    def _settle(self) -> None:
        self.page.wait_for_function("window.__xssPending === 0", timeout=10_000)

    def _opens(self, path: str) -> bool:
        """Whether the browser would show the path as a page (HTML, not a download, not an empty
        error): asked with a fetch from the page the tour is on."""
        answer = self.page.evaluate(PROBE_JS, path)
        shown = "html" in answer["type"] and "(empty)" not in answer["type"]
        return answer["status"] < 500 and shown and not answer["download"]

    def visit(self, path: str, *, name: str = "", click: bool = False) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            self._visit(path, name, click)
        except PlaywrightError as error:  # a page that runs hostile text may well break
            self.broken.append(f"{path}: {str(error).splitlines()[0]}")

    def _visit(self, path: str, name: str, click: bool) -> None:
        if not self._opens(path):
            self.fetch_and_scan([{"method": "GET", "url": path}])
            return
        response = self.page.goto(self.base + path, wait_until="load")
        self.requests += 1
        if response is not None and response.status >= 500:
            self.server_errors.append(f"GET {path}: {response.status}")
        self._settle()
        facts = self.page.evaluate(PAGE_FACTS_JS)
        self.visited[path] = facts
        self.names[path] = name or _url_name(path)
        if click:
            self.clicks += self.page.evaluate(CLICK_JS, CLICKS_PER_PAGE)
            self._settle()
        self.witness.scan(self.page, path)

    def fetch_and_scan(self, requests: list[dict[str, Any]]) -> None:
        if not requests:
            return
        result = self.page.evaluate(FETCH_SCAN_JS, requests)
        self.requests += len(requests)
        self.witness.markup.extend(f"(parsed) {finding}" for finding in result["findings"])
        self.server_errors.extend(result["failures"])

    def follow_links(self) -> None:
        """The links the visited pages hold, one of each shape, not yet visited."""
        seen = {link_signature(path) for path in self.visited}
        links = []
        for facts in list(self.visited.values()):
            for href in facts["links"]:
                path = href[len(self.base) :].split("#")[0]
                shape = link_signature(path)
                if shape not in seen and "/logout" not in path:
                    seen.add(shape)
                    links.append(path)
        for path in links[:MAX_LINKS]:
            self.visit(path)

    def reflect_queries(self) -> None:
        """Every visited page again, with payloads in every query parameter it might read."""
        requests = []
        pages: dict[str, str] = {}
        for path, name in self.names.items():
            pages.setdefault(name, path.split("?")[0])
        for name, path in pages.items():
            names = sorted(set(QUERY_NAMES) | set(self.visited.get(path, {}).get("names", ())))
            bases = (
                [{"view": view} for view in EXECUTION_VIEWS]
                if name == "executions:detail"
                else [{}]
            )
            for base in bases:
                fields = [field for field in names if field not in base] + (
                    [] if base else ["view"]
                )
                for values in rotation(fields, ROUNDS, PAGE_REQUESTS):
                    query = urlencode({**base, **values})
                    requests.append({"method": "GET", "url": f"{path}?{query}"})
        self.fetch_and_scan(requests)

    def post_forms(self) -> None:
        """Every form worth posting, with payloads in every field (files named and filled with
        payloads), through as many posts as it takes for each payload to fill `ROUNDS` fields."""
        requests = []
        done: set[str] = set()
        for facts in self.visited.values():
            for form in facts["posts"]:
                action = form["action"][len(self.base) :]
                if action in done or _url_name(action) not in POSTED_ACTIONS:
                    continue
                done.add(action)
                texts = [f["name"] for f in form["fields"] if not f["file"]]
                files = [f["name"] for f in form["fields"] if f["file"]]
                for values in rotation(sorted(set(texts)), ROUNDS, PAGE_REQUESTS):
                    payload = next(iter(values.values()), PAYLOADS[-1].text)
                    requests.append(
                        {
                            "method": "POST",
                            "url": action,
                            "fields": list(values.items()),
                            "files": [[name, payload[:100], payload] for name in files],
                        }
                    )
        self.fetch_and_scan(requests)

    def watch_live_stop(self, execution_id: int, simulation_id: int) -> None:
        """The waiting run, open with a step selected, is stopped with a payload error and cause:
        the page applies the live state (fragments set as HTML) without a reload."""
        from apps.simulations.services import simulation_stop

        self.visit(f"/executions/{execution_id}/?view=table", click=True)
        self.page.evaluate("window.__sameDocument = true")
        in_a_thread(
            lambda: simulation_stop(
                simulation_id=simulation_id, error=PAYLOADS[4].text, cause=PAYLOADS[5].text
            )
        )
        self.page.locator(".execution-head").get_by_text("ABORTED").first.wait_for(timeout=20_000)
        self._settle()
        assert self.page.evaluate("window.__sameDocument") is True, "the page reloaded"
        self.witness.scan(self.page, f"/executions/{execution_id}/ (live)")


def _url_name(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return path
    return match.view_name


def in_a_thread(work: Any) -> Any:
    """Run `work` in a thread of its own: Playwright's sync API keeps an event loop in this one,
    beside which the services' async_to_sync (publishing to the channel layer) refuses to run."""
    from django.db import connection

    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
