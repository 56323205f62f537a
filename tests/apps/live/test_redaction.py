"""Redaction on the execution stream: the replay from the database and the live relay of events
published through the real channel layer (apps.live.publish) are masked with the execution's
workspace's rules, through the whole ASGI application with a signed-in session."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from apps.accounts.models import RedactionRule, Workspace
from apps.executions.models import Execution, HistoryEvent
from apps.executions.services import execution_import
from apps.live import consumers
from apps.live.publish import execution_events_publish
from stepscope.history.redaction import MASK
from tests.apps.executions.cards import CVV, card_documents, card_events, leaked, with_rules
from tests.apps.live.test_consumers import TIMEOUT, communicator, cookie_for, run, until_caught_up
from tests.workspaces import member

pytestmark = pytest.mark.django_db(transaction=True)

STORED = 3  # a running execution has stored this many of the card events; the rest are live


@pytest.fixture
def cookie(user: Any) -> bytes:
    return cookie_for(user)


def imported(workspace: Workspace) -> Execution:
    return execution_import(workspace=workspace, documents=card_documents()).execution


def running(workspace: Workspace) -> Execution:
    execution = Execution.objects.create(
        workspace=workspace, name="live", fingerprint="live", status="RUNNING"
    )
    save(execution, card_events()[:STORED])
    return execution


def save(execution: Execution, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    HistoryEvent.objects.bulk_create(
        HistoryEvent(execution=execution, event_id=e["id"], type=e["type"], data=e) for e in events
    )
    Execution.objects.filter(pk=execution.pk).update(event_count=events[-1]["id"])
    return events


def replayed(execution: Execution, cookie: bytes) -> list[dict[str, Any]]:
    """The events a fresh connection replays from event 0."""
    got: list[dict[str, Any]] = []

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        events, _ = await until_caught_up(ws)
        got.extend(events)
        await ws.disconnect()

    run(scenario)
    return got


def relayed(execution: Execution, cookie: bytes, *, add_rule: str = "") -> list[dict[str, Any]]:
    """Subscribe after the stored events; then save and publish the rest, as a step does, and
    return what the live relay sends. With `add_rule`, that rule is added after subscribing."""
    got: list[dict[str, Any]] = []

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await until_caught_up(ws)
        if add_rule:
            await sync_to_async(RedactionRule.objects.create)(
                workspace_id=execution.workspace_id, pattern=add_rule
            )
        events = await sync_to_async(save)(execution, card_events()[STORED:])
        sent = await sync_to_async(execution_events_publish)(
            execution_id=execution.pk, events=events, status="RUNNING", event_count=len(events)
        )
        assert sent is not None and leaked(json.dumps(sent))  # published as stored
        message = await ws.receive_json_from(timeout=TIMEOUT)
        assert message["type"] == "events", message
        got.extend(message["events"])
        await ws.disconnect()

    run(scenario)
    return got


def test_the_replay_masks_every_payload(workspace, cookie):
    with_rules(workspace, "$..cardNumber", "cvv")
    events = replayed(imported(workspace), cookie)
    assert [event["id"] for event in events] == list(range(1, len(card_events()) + 1))
    text = json.dumps(events)
    assert not leaked(text, (*leaked(json.dumps(card_events())), CVV)) and MASK in text


def test_without_rules_the_replay_shows_the_card_number_and_another_workspaces_rules_do_not_apply(
    workspace, cookie
):
    with_rules(Workspace.objects.create(name="other"), "$..cardNumber")
    assert leaked(json.dumps(replayed(imported(workspace), cookie)))


def test_events_relayed_live_through_the_channel_layer_are_masked(settings, workspace, cookie):
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0  # only the relay can send them
    with_rules(workspace, "$..cardNumber")
    events = relayed(running(workspace), cookie)
    assert [event["id"] for event in events] == list(range(STORED + 1, len(card_events()) + 1))
    assert not leaked(json.dumps(events)) and MASK in json.dumps(events)


def test_without_rules_the_relay_shows_the_card_number(settings, workspace, cookie):
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0
    assert leaked(json.dumps(relayed(running(workspace), cookie)))


def test_a_rule_added_while_watching_holds_for_the_next_live_events(
    settings, monkeypatch, workspace, cookie
):
    """The consumer reuses the rules it read for REDACTION_MAX_AGE seconds; past that (here at
    once) it reads them again before it sends."""
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0
    monkeypatch.setattr(consumers, "REDACTION_MAX_AGE", 0.0)
    events = relayed(running(workspace), cookie, add_rule="$..cardNumber")
    assert not leaked(json.dumps(events)) and MASK in json.dumps(events)


def test_a_rule_added_holds_for_the_next_subscribe(workspace, cookie):
    execution = imported(workspace)
    assert leaked(json.dumps(replayed(execution, cookie)))
    with_rules(workspace, "$..cardNumber")
    assert not leaked(json.dumps(replayed(execution, cookie)))


def test_a_viewer_of_another_workspace_is_refused_so_sees_nothing(workspace, django_user_model):
    outsider = django_user_model.objects.create_user(username="outsider", password="x-1-y-2-z")
    member(outsider, "admin", Workspace.objects.create(name="outside"))
    execution, cookie = imported(workspace), cookie_for(outsider)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        connected, _ = await ws.connect(timeout=TIMEOUT)
        assert not connected

    run(scenario)
