"""Redaction wherever payloads leave over HTTP: a history carrying a card number in every kind of
payload (tests/apps/executions/cards.py) is imported, a simulation parks on a callback with it,
and every URL of the executions and simulations namespaces is requested, with every view, run,
field and event: the card number is in no response. The set of URL names swept must equal the
resolver's, so a new URL fails here until it is swept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse

from apps.accounts.models import RedactionRule, Workspace
from apps.definitions.services import definition_import
from apps.executions import selectors
from apps.executions.models import Execution, HistoryEvent
from apps.executions.services import execution_import
from apps.simulations import selectors as simulation_selectors
from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start
from stepscope.history.redaction import MASK
from tests.apps.executions.cards import (
    CARD,
    CVV,
    ORDER,
    STATE_NAMES,
    card_documents,
    card_events,
    leaked,
    with_rules,
)
from tests.workspaces import member

pytestmark = pytest.mark.django_db

RUN_FIELDS = ("input", "output", "parameters", "task_result", "cause")
EXECUTION_FIELDS = ("execution_input", "execution_output")
VIEWS = ("graph", "table", "timeline", "events")
CALLBACK: dict[str, Any] = {
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
            },
            "End": True,
        }
    },
}

Request = tuple[str, str, dict[str, Any]]  # method, path, JSON body for a POST
# URL names not swept, and why: each shows no payload of a stored execution.
NOT_SWEPT = {
    "import_job": "a background import's progress: file names, counts, and why it failed",
}


def url_names(namespace: str) -> set[str]:
    _, resolver = get_resolver().namespace_dict[namespace]
    return {pattern.name for pattern in resolver.url_patterns}


def all_url_names() -> set[str]:
    return url_names("executions") | url_names("simulations")


def imported(workspace: Workspace) -> Execution:
    return execution_import(workspace=workspace, documents=card_documents()).execution


def parked(workspace: Workspace, capture: Any) -> Simulation:
    """A simulation whose task waits for a callback, sent the card number with its token
    (`capture`: pytest-django's django_capture_on_commit_callbacks, to run the first step)."""
    version = definition_import(
        workspace=workspace, text=json.dumps(CALLBACK, indent=2), name="approvals"
    ).version
    with capture(execute=True):
        simulation = simulation_start(definition_version=version, execution_input={"order": ORDER})
    simulation = Simulation.objects.select_related("execution").get(pk=simulation.pk)
    assert simulation_selectors.simulation_parked_task(simulation=simulation) is not None
    return simulation


def _events(execution: Execution) -> list[int]:
    return list(execution.events.order_by("event_id").values_list("event_id", flat=True))


def _run_keys(execution: Execution) -> list[str]:
    return [run.key for run in selectors.execution_projection(execution=execution).runs]


def execution_requests(execution: Execution) -> dict[str, list[Request]]:
    """Every request of the executions namespace about this execution, by URL name."""

    def url(name: str) -> str:
        return reverse(f"executions:{name}", args=[execution.pk])

    keys, events = _run_keys(execution), _events(execution)
    detail = [f"?view={view}&state={key}" for view in VIEWS for key in keys]
    detail += [f"?event={event}" for event in events] + ["", "?view=table", "?view=events"]
    live = [f"?after=0&view={view}&state={key}" for view in VIEWS for key in keys]
    live += [f"?after=0&view=events&name={name}" for name in STATE_NAMES]
    step = [f"?state={key}" for key in keys] + [f"?name={name}" for name in STATE_NAMES]
    payload = [f"?field={field}" for field in EXECUTION_FIELDS]
    payload += [f"?field={field}&state={key}" for field in RUN_FIELDS for key in keys]
    return {
        "detail": [("get", url("detail") + query, {}) for query in detail],
        "live": [("get", url("live") + query, {}) for query in live],
        "step": [("get", url("step") + query, {}) for query in step],
        "payload": [("get", url("payload") + query, {}) for query in payload],
        "export": [("get", url("export"), {})],
        "compare": [("get", reverse("executions:compare", args=[execution.pk] * 2), {})],
    }


def listing_requests() -> dict[str, list[Request]]:
    return {
        "list": [("get", reverse("executions:list"), {}), ("get", reverse("home"), {})],
        "import": [("get", reverse("executions:import"), {})],
        "status_css": [("get", reverse("executions:status_css"), {})],
    }


def simulation_requests(simulation: Simulation) -> dict[str, list[Request]]:
    """Every request of the simulations namespace; the actions with a token no task has (refused,
    nothing changes), then `stop` last."""
    version = simulation.execution.definition_version
    assert version is not None
    wrong = {"taskToken": "not-a-token", "output": "{}"}

    def url(name: str) -> str:
        return reverse(f"simulations:{name}", args=[simulation.pk])

    return {
        "new": [("get", reverse("simulations:new", args=[version.definition_id]), {})],
        "new_version": [
            ("get", reverse("simulations:new_version", args=[version.definition_id, 1]), {})
        ],
        "waiting": [("get", url("waiting"), {})],
        "send_task_success": [("post", url("send_task_success"), wrong)],
        "send_task_failure": [("post", url("send_task_failure"), {"taskToken": "nope"})],
        "send_task_heartbeat": [("post", url("send_task_heartbeat"), {"taskToken": "nope"})],
        "stop": [("post", url("stop"), {"error": "Enough"})],
    }


def sweep(
    client: Client, execution: Execution, simulation: Simulation
) -> Iterator[tuple[str, str, HttpResponse]]:
    """(URL name, path, response) for every request about the two executions."""
    plan: dict[str, list[Request]] = dict(listing_requests())
    for each in (execution, simulation.execution):
        for name, requests in execution_requests(each).items():
            plan.setdefault(name, []).extend(requests)
    pair = (execution.pk, simulation.execution.pk)  # two executions whose payloads differ
    plan["compare"] += [
        ("get", reverse("executions:compare", args=ids), {}) for ids in (pair, pair[::-1])
    ]
    actions = simulation_requests(simulation)
    assert set(plan) | set(actions) == all_url_names() - set(NOT_SWEPT)
    for name, requests in [*plan.items(), *actions.items()]:  # the actions (stop) last
        for method, path, body in requests:
            if method == "get":
                response = client.get(path, HTTP_ACCEPT="application/json, text/html")
            else:
                response = client.post(path, body, content_type="application/json")
            assert response.status_code < 500, (path, response.status_code)
            yield name, path, response
    # After the stop, the pages of the now ended simulation once more.
    for method, path, _ in execution_requests(simulation.execution)["detail"][:3]:
        yield "detail", path, getattr(client, method)(path)


def text_of(response: HttpResponse) -> str:
    return response.content.decode("utf-8")


@pytest.fixture
def signed_in_to(client: Client, user: Any) -> Callable[[Workspace], Client]:
    def sign_in(workspace: Workspace) -> Client:
        member(user, "admin", workspace)
        client.force_login(user)
        return client

    return sign_in


def test_the_card_number_is_in_no_response_of_any_execution_or_simulation_url(
    workspace, signed_in_to, steps_in_process, django_capture_on_commit_callbacks
):
    with_rules(workspace, "$..cardNumber", "cvv")
    execution, simulation = (
        imported(workspace),
        parked(workspace, django_capture_on_commit_callbacks),
    )
    client = signed_in_to(workspace)
    names = set()
    for name, path, response in sweep(client, execution, simulation):
        names.add(name)
        assert not leaked(text_of(response), (CARD, CARD.replace(" ", ""), CVV)), (name, path)
    assert names == all_url_names() - set(NOT_SWEPT)


def test_without_rules_the_same_sweep_shows_the_card_number_so_the_test_above_can_fail(
    workspace, signed_in_to, steps_in_process, django_capture_on_commit_callbacks
):
    other = with_rules(Workspace.objects.create(name="other"), "$..cardNumber", "cvv")
    execution, simulation = (
        imported(workspace),
        parked(workspace, django_capture_on_commit_callbacks),
    )  # `other`'s rules: not here
    client = signed_in_to(workspace)
    showing = {
        name
        for name, _, response in sweep(client, execution, simulation)
        if leaked(text_of(response))
    }
    assert showing >= {"detail", "live", "step", "payload", "export", "waiting", "new", "compare"}
    assert other.redaction_rules.count() == 2


def test_a_bare_key_masks_that_key_at_any_depth_and_nothing_else(workspace, signed_in):
    with_rules(workspace, "cvv")
    execution = imported(workspace)
    step = signed_in.get(reverse("executions:step", args=[execution.pk]) + "?state=Charge")
    export = signed_in.get(reverse("executions:export", args=[execution.pk]))
    for response in (step, export):
        assert CVV not in text_of(response) and MASK in text_of(response)
        assert CARD in text_of(response)  # no rule names it


def test_the_pages_follow_the_rules_as_they_change(workspace, signed_in):
    """The projection kept in memory is keyed by the rules too: a rule added or removed holds
    on the very next request."""
    execution = imported(workspace)
    payload = reverse("executions:payload", args=[execution.pk]) + "?field=execution_input"

    def customer_card() -> str:
        return json.loads(text_of(signed_in.get(payload)))["customer"]["cardNumber"]

    assert customer_card() == CARD
    rule = RedactionRule.objects.create(workspace=workspace, pattern="$.customer.cardNumber")
    assert customer_card() == MASK
    rule.delete()
    assert customer_card() == CARD


def test_stored_redacted_at_import_keeps_no_card_number_in_the_database(workspace, signed_in):
    Workspace.objects.filter(pk=workspace.pk).update(redact_at_import=True)
    workspace.refresh_from_db()
    with_rules(workspace, "$..cardNumber")
    execution = imported(workspace)
    execution.refresh_from_db()
    rows = list(HistoryEvent.objects.filter(execution=execution).values_list("data", flat=True))
    assert len(rows) == len(card_events()) == 23
    stored = json.dumps([rows, execution.description, execution.import_log, execution.error])
    assert not leaked(stored) and MASK in stored
    assert not leaked(json.dumps(execution.description)) and execution.description["input"]
    # Importing the same history again adds nothing and finds no conflict: masking is stable.
    again = execution_import(workspace=workspace, documents=card_documents())
    assert (again.execution.pk, again.added, again.skipped) == (execution.pk, 0, ())
    # With the rules gone, nothing comes back: the values were never stored.
    RedactionRule.objects.filter(workspace=workspace).delete()
    export = signed_in.get(reverse("executions:export", args=[execution.pk]))
    assert not leaked(text_of(export))


def test_without_redact_at_import_the_database_keeps_the_values(workspace):
    with_rules(workspace, "$..cardNumber")
    execution = imported(workspace)
    rows = list(HistoryEvent.objects.filter(execution=execution).values_list("data", flat=True))
    assert leaked(json.dumps(rows)) and leaked(json.dumps(execution.description))


def test_the_export_still_imports_after_masking(workspace, signed_in):
    """The bundle is masked but whole: it imports, with the masked values, into another
    workspace."""
    with_rules(workspace, "$..cardNumber")
    execution = imported(workspace)
    bundle = text_of(signed_in.get(reverse("executions:export", args=[execution.pk])))
    elsewhere = Workspace.objects.create(name="elsewhere")
    copy = execution_import(workspace=elsewhere, documents=[("bundle.json", bundle)]).execution
    assert copy.event_count == execution.event_count and copy.status == "FAILED"
    assert not leaked(json.dumps(list(copy.events.values_list("data", flat=True))))
