"""The step pane's run selector (every run reachable by paging and search, the run on display
always selected, "failed only") and a Map's failed iterations grouped by error."""

from __future__ import annotations

import json
import re

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.models import Execution
from apps.executions.run_choices import RUNS_PER_PAGE, RunFilter, run_choices, run_filter
from apps.executions.selectors import execution_projection
from apps.executions.services import demo_executions_load, execution_import
from stepscope.history.synthetic import generate_large_history

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


@pytest.fixture
def lines(workspace) -> Execution:
    demo_definitions_load(workspace=workspace)
    demo_executions_load(workspace=workspace)
    return Execution.objects.get(name="order-lines-2-failed")


@pytest.fixture
def large(workspace) -> Execution:
    history = json.dumps(generate_large_history(event_count=6_000))
    return execution_import(
        workspace=workspace, documents=[("large.json", history)], name="large"
    ).execution


def _options(html: str) -> list[tuple[str, bool, str]]:
    picker = html[html.index("data-run-picker") : html.index("</select>")]
    return [(key, bool(chosen), label) for key, chosen, label in OPTION.findall(picker)]


def test_map_pane_groups_failed_iterations_by_error(signed_in, lines):
    html = signed_in.get(f"/executions/{lines.pk}/?state=ProcessOrderLines").content.decode()
    group = re.search(r'<li class="failure-group" ([^>]*)>(.*?)</li>', html, re.S)
    assert group is not None
    assert group.group(1) == 'data-failure-group="UnknownSku" data-count="2"'
    links = re.findall(r'href="([^"]*)" data-select-run="([^"]*)"', group.group(2))
    assert links == [
        (
            f"/executions/{lines.pk}/?state=ProcessOrderLines/i6/CheckStock",
            "ProcessOrderLines/i6/CheckStock",
        ),
        (
            f"/executions/{lines.pk}/?state=ProcessOrderLines/i8/CheckStock",
            "ProcessOrderLines/i8/CheckStock",
        ),
    ]  # iteration 8's task failed, then its iteration was aborted: it counts
    fragment = signed_in.get(f"/executions/{lines.pk}/step/?state=ProcessOrderLines")
    assert 'data-failure-group="UnknownSku" data-count="2"' in fragment.content.decode()
    task = signed_in.get(f"/executions/{lines.pk}/?state=ProcessOrderLines/i6/CheckStock")
    assert "data-failure-group" not in task.content.decode()  # only Map and Parallel panes


def test_failed_only_lists_the_failed_runs_and_the_one_shown(signed_in, lines):
    url = f"/executions/{lines.pk}/?state=ProcessOrderLines/i8/CheckStock"
    everything = _options(signed_in.get(url).content.decode())
    assert len(everything) == 10
    assert "This state ran 10 times (2 failed)" in signed_in.get(url).content.decode()
    failed = _options(signed_in.get(url + "&failed=1").content.decode())
    assert [(key, chosen) for key, chosen, _ in failed] == [
        ("ProcessOrderLines/i6/CheckStock", False),
        ("ProcessOrderLines/i8/CheckStock", True),
    ]
    shown = f"/executions/{lines.pk}/step/?state=ProcessOrderLines/i3/CheckStock&failed=1"
    options = _options(signed_in.get(shown).content.decode())
    assert options[0][:2] == ("ProcessOrderLines/i3/CheckStock", True)  # the one on display
    assert "(shown)" in options[0][2]
    assert [key for key, _, _ in options[1:]] == [
        "ProcessOrderLines/i6/CheckStock",
        "ProcessOrderLines/i8/CheckStock",
    ]


def test_the_selector_shows_the_run_on_display_past_the_first_page(signed_in, large):
    runs = execution_projection(execution=large).runs_of("Prepare")
    assert len(runs) > 2 * RUNS_PER_PAGE  # more than a page: the old selector stopped at 500
    last = runs[-1]
    html = signed_in.get(f"/executions/{large.pk}/?state={last.key}").content.decode()
    options = _options(html)
    assert [key for key, chosen, _ in options if chosen] == [last.key]
    assert len(options) <= RUNS_PER_PAGE
    assert (
        f"Runs {(len(runs) - 1) // RUNS_PER_PAGE * RUNS_PER_PAGE + 1}–{len(runs)} of {len(runs)}"
        in html
    )
    assert 'name="runs_page" value="' in html  # "Earlier" leads back

    first_page = signed_in.get(f"/executions/{large.pk}/?state={last.key}&runs_page=1")
    options = _options(first_page.content.decode())
    assert options[0][:2] == (last.key, True) and "(shown)" in options[0][2]
    assert [key for key, _, _ in options[1:]] == [run.key for run in runs[:RUNS_PER_PAGE]]
    assert sum(chosen for _, chosen, _ in options) == 1


def test_search_finds_any_iteration(signed_in, large):
    runs = execution_projection(execution=large).runs_of("Prepare")
    wanted = runs[len(runs) - 3]
    url = f"/executions/{large.pk}/step/?state={runs[0].key}&runs_q={wanted.iteration}"
    options = _options(signed_in.get(url).content.decode())
    assert [(key, chosen) for key, chosen, _ in options] == [
        (runs[0].key, True),
        (wanted.key, False),
    ]
    text = signed_in.get(url.replace(f"runs_q={wanted.iteration}", "runs_q=Succeeded"))
    assert len(_options(text.content.decode())) == RUNS_PER_PAGE  # by status, case-blind


@pytest.mark.parametrize(
    "query",
    [
        "&runs_page=%C2%B9",
        "&runs_page=-1",
        "&runs_page=99999999999",
        "&runs_q=%00",
        "&runs_q=" + "x" * 5000,
        "&failed=yes",
        "&runs_q=<b>x</b>",
    ],
)
def test_junk_selector_parameters_are_ignored(signed_in, lines, query):
    response = signed_in.get(
        f"/executions/{lines.pk}/?state=ProcessOrderLines/i8/CheckStock{query}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>x</b>" not in html
    assert [key for key, chosen, _ in _options(html) if chosen] == [
        "ProcessOrderLines/i8/CheckStock"
    ]


def test_run_filter_and_choices_without_a_request(lines):
    assert run_filter({"runs_q": " 7 ", "failed": "1", "runs_page": "3"}) == RunFilter("7", True, 3)
    assert run_filter({"runs_page": "¹"}) == RunFilter()
    projection = execution_projection(execution=lines)
    run = projection.run("ProcessOrderLines/i6/CheckStock")
    assert run is not None
    choices = run_choices(projection, run, RunFilter(page=50))
    assert (choices["page"], choices["pages"], choices["matching"]) == (1, 1, 10)
    assert [option["key"] for option in choices["options"] if option["selected"]] == [run.key]
    nothing = run_choices(projection, run, RunFilter(query="no such run"))
    assert nothing["matching"] == 0 and [o["key"] for o in nothing["options"]] == [run.key]
