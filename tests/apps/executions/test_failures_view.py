"""The failures view (/failures/): failed executions grouped by state machine, root-cause state
and root-cause error, with counts, first and last seen, histograms, the link to the filtered
list, workspace scoping, escaping, and clear refusals of a bad ?since=."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from itertools import count
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Workspace
from apps.definitions.services import demo_definitions_load
from apps.executions.failures import Buckets, failure_groups, failure_list_query, since_parse
from apps.executions.models import Execution
from apps.executions.services import demo_executions_load
from tests.workspaces import member

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)
_serial = count()
GROUP = re.compile(r'<li class="failure-group"[^>]*>.*?</li>', re.S)


def failed(
    workspace,
    machine,
    state,
    error,
    *,
    ago=timedelta(hours=1),
    status="FAILED",
):
    n = next(_serial)
    return Execution.objects.create(
        workspace=workspace,
        name=f"{machine}-{n}",
        fingerprint=f"hand-made-{n}",
        state_machine_name=machine,
        status=status,
        started_at=NOW - ago,
        stopped_at=NOW - ago + timedelta(seconds=5),
        root_cause_state=state,
        root_cause_error=error,
        root_cause_text=f"{state} failed with {error}",
    )


@pytest.fixture
def demos(workspace):
    demo_definitions_load(workspace=workspace)
    assert demo_executions_load(workspace=workspace).failed == ()


@pytest.fixture
def fleet(workspace, demos):
    """Demo histories (four failures, one success) and hand-made failures of two machines."""
    for hours in (1, 2, 30):
        failed(workspace, "billing", "ChargeCard", "CardExpired", ago=timedelta(hours=hours))
    failed(workspace, "billing", "ChargeCard", "States.Timeout", status="TIMED_OUT")
    failed(workspace, "shipping", "BookCourier", "CourierDown", ago=timedelta(days=3))
    failed(workspace, "shipping", "BookCourier", "CourierDown", ago=timedelta(hours=3))
    failed(workspace, "shipping", "", "", status="ABORTED", ago=timedelta(days=40))
    Execution.objects.create(  # succeeded: never a failure
        workspace=workspace,
        name="billing-ok",
        fingerprint="ok",
        state_machine_name="billing",
        status="SUCCEEDED",
        started_at=NOW,
    )


def groups(html):
    found = []
    for element in GROUP.findall(html):
        attrs = dict(re.findall(r'data-(group-\w+|count)="([^"]*)"', element))
        found.append(
            (
                unescape(attrs["group-machine"]),
                unescape(attrs["group-state"]),
                unescape(attrs["group-error"]),
                int(attrs["count"]),
            )
        )
    return found


def test_groups_counts_and_order(signed_in, fleet):
    response = signed_in.get("/failures/")
    assert response.status_code == 200
    assert groups(response.content.decode()) == [
        ("billing", "ChargeCard", "CardExpired", 3),
        ("shipping", "BookCourier", "CourierDown", 2),
        ("billing", "ChargeCard", "States.Timeout", 1),  # then the most recently seen first
        ("shipping", "", "", 1),
        ("approval", "RequestApproval", "States.Timeout", 1),
        ("order-lines", "CheckStock", "UnknownSku", 1),
        ("order-saga", "ChargePayment", "PaymentDeclined", 1),
        ("orders", "ProcessPayment", "PaymentProcessorUnavailable", 1),
    ]
    html = response.content.decode()
    assert "11 failed executions in 8 groups" in html
    assert "billing-ok" not in html


def test_first_and_last_seen_are_start_times(workspace, user, fleet):
    report = failure_groups(user=user, now=NOW)
    by_key = {group.key: group for group in report.groups}
    expired = by_key[("billing", "ChargeCard", "CardExpired")]
    assert expired.first_seen == NOW - timedelta(hours=30)
    assert expired.last_seen == NOW - timedelta(hours=1)
    saga = by_key[("order-saga", "ChargePayment", "PaymentDeclined")]
    assert saga.first_seen == saga.last_seen == datetime(2024, 5, 2, 16, 5, 11, 240000, tzinfo=UTC)


def test_the_page_shows_first_and_last_seen(signed_in, fleet):
    html = signed_in.get("/failures/").content.decode()
    element = next(e for e in GROUP.findall(html) if 'data-group-error="CardExpired"' in e)
    first, last = (NOW - timedelta(hours=30)), (NOW - timedelta(hours=1))
    assert f'First seen <time datetime="{first.isoformat()}">' in element
    assert f'last seen <time datetime="{last.isoformat()}">' in element


def test_histogram_buckets_by_hour_over_the_last_day(workspace, user, fleet):
    report = failure_groups(user=user, since=since_parse("24h", now=NOW), now=NOW)
    assert report.buckets.unit == "hour"
    assert len(report.buckets.starts) == 25  # the partial hour 24 h ago, up to now's hour
    assert report.buckets.starts[-1] == NOW.replace(minute=0, second=0, microsecond=0)
    assert [group.key for group in report.groups] == [
        ("billing", "ChargeCard", "CardExpired"),
        ("billing", "ChargeCard", "States.Timeout"),
        ("shipping", "BookCourier", "CourierDown"),
    ]  # only what started in the last 24 h
    expired = report.groups[0]
    assert expired.count == 2 and sum(expired.counts) == 2
    hours = {start: n for start, n in zip(report.buckets.starts, expired.counts, strict=True) if n}
    floor = NOW.replace(minute=0, second=0, microsecond=0)
    assert hours == {floor - timedelta(hours=1): 1, floor - timedelta(hours=2): 1}
    assert [bar.count for bar in expired.bars] == [1, 1]


def test_histogram_units_follow_the_range(workspace, user, fleet):
    for since, unit, buckets in (("7d", "hour", 169), ("30d", "day", 31)):
        report = failure_groups(user=user, since=since_parse(since, now=NOW), now=NOW)
        assert (report.buckets.unit, len(report.buckets.starts)) == (unit, buckets)
    thirty = failure_groups(user=user, since=since_parse("30d", now=NOW), now=NOW)
    courier = next(g for g in thirty.groups if g.error == "CourierDown")
    assert sum(courier.counts) == 2 and courier.counts[-1] == 1  # 3 h ago: today (or yesterday)
    everything = failure_groups(user=user, now=NOW)  # all time: from the first failure (2024)
    assert everything.buckets.unit == "week"
    assert everything.buckets.start <= datetime(2024, 5, 1, 9, 21, tzinfo=UTC)
    assert everything.total == 11
    assert all(sum(group.counts) == group.count for group in everything.groups)


def test_histogram_is_drawn_in_svg_with_a_title_per_bar(signed_in, fleet):
    html = signed_in.get("/failures/?since=24h").content.decode()
    element = next(e for e in GROUP.findall(html) if 'data-group-error="CardExpired"' in e)
    assert 'aria-label="Failures of this group by hour"' in element
    assert element.count("<rect ") == 2 and element.count('data-bucket-count="1"') == 2
    assert "histograms by hour from" in html


def test_buckets_of_a_very_long_range_stay_bounded():
    start = datetime(1, 1, 1, tzinfo=UTC)
    buckets = Buckets.covering(start, NOW)
    assert buckets.unit == "year" and len(buckets.starts) <= 170


def test_two_queries_whatever_the_number_of_groups(signed_in, workspace, fleet):
    for n in range(30):
        failed(workspace, f"machine-{n}", "State", f"Error{n}")
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/failures/?since=30d")
    assert len(groups(response.content.decode())) == 33
    on_executions = [q for q in queries.captured_queries if "executions_execution" in q["sql"]]
    assert len(on_executions) == 2


def test_another_workspaces_failures_are_not_counted(signed_in, workspace, fleet):
    elsewhere = Workspace.objects.create(name="elsewhere")
    for _ in range(5):
        failed(elsewhere, "billing", "ChargeCard", "CardExpired")
    failed(elsewhere, "secret-machine", "Hidden", "HiddenError")
    html = signed_in.get("/failures/").content.decode()
    assert ("billing", "ChargeCard", "CardExpired", 3) in groups(html)
    assert "secret-machine" not in html and "Hidden" not in html
    assert signed_in.get("/failures/?workspace=elsewhere").status_code == 400  # not a choice


def test_workspace_filter(signed_in, user, workspace, fleet):
    other = Workspace.objects.create(name="payments")
    member(user, "viewer", other)
    failed(other, "billing", "ChargeCard", "CardExpired")
    failed(other, "ledger", "Post", "Conflict")
    assert ("billing", "ChargeCard", "CardExpired", 4) in groups(
        signed_in.get("/failures/").content.decode()
    )
    html = signed_in.get("/failures/?workspace=payments").content.decode()
    assert groups(html) == [
        ("billing", "ChargeCard", "CardExpired", 1),
        ("ledger", "Post", "Conflict", 1),
    ]
    assert 'href="?since=24h&amp;workspace=payments"' in html  # range links keep the workspace


def test_the_link_opens_the_filtered_list(signed_in, fleet):
    html = signed_in.get("/failures/").content.decode()
    element = next(e for e in GROUP.findall(html) if 'data-group-error="CardExpired"' in e)
    href = unescape(re.search(r'class="failure-list-link" href="([^"]*)"', element).group(1))
    url = urlsplit(href)
    assert url.path == "/executions/"
    assert url.query == (
        "q=state%3A%22ChargeCard%22+error%3A%22CardExpired%22&state_machine=billing&status=problem"
    )
    assert parse_qs(url.query) == {
        "q": ['state:"ChargeCard" error:"CardExpired"'],
        "state_machine": ["billing"],
        "status": ["problem"],
    }
    assert signed_in.get(href).status_code == 200  # the list answers it (q may be ignored)


def test_link_query_quotes_and_leaves_out_empty_terms():
    assert parse_qs(failure_list_query(("m & n", 'Say "hi"', "a\\b"))) == {
        "q": ['state:"Say \\"hi\\"" error:"a\\\\b"'],
        "state_machine": ["m & n"],
        "status": ["problem"],
    }
    assert failure_list_query(("shipping", "", "")) == "state_machine=shipping&status=problem"
    assert parse_qs(failure_list_query(("", "", "E")))["q"] == ['error:"E"']


HOSTILE_MACHINE = '<script>alert("m")</script>'
HOSTILE_STATE = '"><img src=x onerror=alert(1)>'
HOSTILE_ERROR = "</svg><script>alert('e')</script>"


def test_hostile_names_are_escaped(signed_in, workspace):
    failed(workspace, HOSTILE_MACHINE, HOSTILE_STATE, HOSTILE_ERROR)
    html = signed_in.get("/failures/?since=7d").content.decode()
    for hostile in (HOSTILE_MACHINE, HOSTILE_STATE, HOSTILE_ERROR):
        assert hostile not in html
    assert "&lt;script&gt;alert(&quot;m&quot;)&lt;/script&gt;" in html
    assert 'data-group-state="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
    assert groups(html) == [(HOSTILE_MACHINE, HOSTILE_STATE, HOSTILE_ERROR, 1)]


@pytest.mark.parametrize(
    "since, says",
    [
        ("soon", "since=&#x27;soon&#x27; is not a time range"),
        ("99999999w", "is not a time range"),
        ("999999w", "before the year 1"),
        ("2999-01-01", "is in the future"),
        ("24x", "is not a time range"),
    ],
)
def test_a_bad_since_is_refused_clearly(signed_in, fleet, since, says):
    response = signed_in.get("/failures/", {"since": since})
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and 'role="alert"' in html
    assert f'value="{since}"' in html  # what was entered is kept
    assert "failure-group" not in html
    assert 'href="?since=24h"' in html  # a way back to a valid range


@pytest.mark.parametrize("since", ["", "all", "ALL", "24h", "7d", "30d", "90m", "2w", "2024-05-01"])
def test_good_since_values(signed_in, fleet, since):
    assert signed_in.get("/failures/", {"since": since}).status_code == 200


def test_an_empty_range_says_so(signed_in, workspace):
    html = signed_in.get("/failures/?since=24h").content.decode()
    assert "data-no-failures" in html and "No failed, timed-out or aborted executions" in html


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get("/failures/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_and_nav_link_to_failures(signed_in, fleet):
    html = signed_in.get("/").content.decode()
    assert '<a class="failed-link" href="/failures/">' in html
    assert '<a href="/failures/">Failures</a>' in html
