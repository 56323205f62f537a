"""The execution page's Timeline tab: a bar for every run of the demo histories, escaped names,
groups of iterations that open by a link, and a bounded page for the 25,000-event history."""

from __future__ import annotations

import json
import re

import pytest

from apps.executions.models import Execution
from apps.executions.services import demo_executions_load, execution_import
from stepscope.history.synthetic import generate_large_history
from tests.apps.executions.histories import (
    HOSTILE_NAME,
    page,
    payment_failed_events,
    succeeded_events,
)
from tests.workspaces import team

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<a [^>]*class="timeline-bar[^"]*"[^>]*>')


def _bars(html: str) -> list[str]:
    return BAR.findall(html)


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def _timeline(client, execution: Execution, query: str = "") -> str:
    response = client.get(f"/executions/{execution.pk}/?view=timeline{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def demos(db) -> dict[str, Execution]:
    demo_executions_load(workspace=team())
    return {execution.name: execution for execution in Execution.objects.all()}


def test_the_tab_is_offered_and_marked_current(signed_in, demos):
    execution = demos["order-1001-succeeded"]
    html = _timeline(signed_in, execution)
    assert '<a href="?view=timeline"' in html
    assert 'aria-current="page">Timeline</a>' in html
    assert "js/timeline.js" in html and "css/timeline.css" in html
    section = html.split('class="timeline-pane"')[1].split("</section>")[0]
    assert "<script" not in section and not re.search(r"\son[a-z]+=", section)  # CSP


@pytest.mark.parametrize(
    "name",
    [
        "order-1001-succeeded",
        "order-1002-payment-failed",
        "order-saga-payment-declined",
        "order-lines-2-failed",
        "approval-timed-out",
    ],
)
def test_every_demo_history_has_a_bar_for_each_run(signed_in, demos, name):
    html = _timeline(signed_in, demos[name])
    bars = _bars(html)
    assert bars, name
    states = {_attr(bar, "data-timeline-state") for bar in bars}
    assert None not in states and "" not in states
    for bar in bars:
        assert _attr(bar, "data-status") in {
            "succeeded",
            "failed",
            "caught",
            "retried",
            "in-progress",
            "aborted",
        }
        start, end = float(_attr(bar, "data-start-ms")), float(_attr(bar, "data-end-ms"))
        assert 0 <= start <= end


def test_a_retried_task_is_a_bar_per_attempt(signed_in, demos):
    bars = _bars(_timeline(signed_in, demos["order-1002-payment-failed"]))
    payment = [bar for bar in bars if _attr(bar, "data-timeline-state") == "ProcessPayment"]
    assert [_attr(bar, "data-status") for bar in payment] == ["retried"] * 3 + ["failed"]
    spans = [(float(_attr(b, "data-start-ms")), float(_attr(b, "data-end-ms"))) for b in payment]
    gaps = [later[0] - earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)]
    assert [round(gap / 1000) for gap in gaps] == [2, 4, 8]  # the back-offs


def test_the_saga_and_the_map_show_their_states_and_iterations(signed_in, demos):
    saga = _timeline(signed_in, demos["order-saga-payment-declined"])
    states = [_attr(bar, "data-timeline-state") for bar in _bars(saga)]
    for name in ("ReserveInventory", "ChargePayment", "ReleaseReservation", "FailOrder"):
        assert name in states
    charge = next(b for b in _bars(saga) if _attr(b, "data-timeline-state") == "ChargePayment")
    assert _attr(charge, "data-status") == "caught"
    assert _attr(charge, "data-select-run") == "ChargePayment"
    assert "state=ChargePayment" in (_attr(charge, "href") or "")

    lines = _timeline(signed_in, demos["order-lines-2-failed"])
    for index in range(10):
        assert f'<span title="iteration {index}">iteration {index}</span>' in lines
    failed = [
        _attr(bar, "data-timeline-state")
        for bar in _bars(lines)
        if _attr(bar, "data-status") == "failed"
    ]
    assert "CheckStock" in failed


def test_the_selected_run_is_marked(signed_in, demos):
    html = _timeline(signed_in, demos["order-saga-payment-declined"], "&state=ChargePayment")
    selected = [bar for bar in _bars(html) if "selected" in (_attr(bar, "class") or "")]
    assert [_attr(bar, "data-select-run") for bar in selected] == ["ChargePayment"]


def test_hostile_state_names_are_escaped(signed_in):
    events = succeeded_events(state=HOSTILE_NAME)
    execution = execution_import(
        workspace=team(), documents=[("h.json", page(events))], name=HOSTILE_NAME
    ).execution
    html = _timeline(signed_in, execution)
    assert "<script>alert" not in html
    assert 'data-timeline-state="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ' in html
    assert "<title>&lt;script&gt;alert" in html


def test_junk_lanes_and_a_failed_history_never_break_the_page(signed_in):
    execution = execution_import(
        workspace=team(), documents=[("h.json", page(payment_failed_events()))]
    ).execution
    for query in ("&lanes=" + "x," * 500, "&lanes=%00", "&lanes=<b>", "&state=nope"):
        assert _bars(_timeline(signed_in, execution, query))


def test_the_25000_event_history_draws_a_bounded_number_of_bars(signed_in):
    history = json.dumps(generate_large_history(event_count=25_000))
    execution = execution_import(
        workspace=team(), documents=[("large.json", history)], name="large"
    ).execution
    html = _timeline(signed_in, execution)
    bars = _bars(html)
    groups = [bar for bar in bars if "data-timeline-group" in bar]
    assert len(bars) < 100
    assert len(groups) >= 20
    assert all(_attr(group, "data-timeline-state") == "ChargeEach" for group in groups)
    assert sum(int(_attr(g, "data-count") or 0) for g in groups) > 2000
    first = _attr(groups[0], "data-timeline-group")
    assert first == "ChargeEach@0-99"

    # Its link opens the group: ten groups of ten, then one of those shows its iterations.
    opened = _bars(_timeline(signed_in, execution, f"&lanes={first}"))
    assert len(opened) == len(bars) + 10
    deeper = _timeline(signed_in, execution, f"&lanes={first},ChargeEach@10-19")
    assert '<span title="iteration 12">iteration 12</span>' in deeper
    assert len(_bars(deeper)) < 200
