"""A stream open when its user loses access (taken out of the workspace) stops: the next events
are not sent, and the connection is closed as a refused one would be."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from apps.accounts.models import Membership
from apps.executions.models import Execution
from apps.live import consumers
from apps.live.messages import CLOSE_NOT_FOUND
from apps.live.publish import execution_events_publish
from tests.apps.executions.cards import card_events, leaked
from tests.apps.live.test_consumers import TIMEOUT, communicator, cookie_for, run, until_caught_up
from tests.apps.live.test_redaction import STORED, running, save

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_taken_out_while_watching_gets_no_more_events(
    settings: Any, monkeypatch: Any, workspace: Any, user: Any
) -> None:
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0
    monkeypatch.setattr(consumers, "REDACTION_MAX_AGE", 0.0)  # what was read is re-read at once
    execution: Execution = running(workspace)
    cookie = cookie_for(user)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await until_caught_up(ws)
        await sync_to_async(Membership.objects.filter(user=user).delete)()
        events = await sync_to_async(save)(execution, card_events()[STORED:])
        await sync_to_async(execution_events_publish)(
            execution_id=execution.pk, events=events, status="RUNNING", event_count=len(events)
        )
        output = await ws.receive_output(timeout=TIMEOUT)
        assert output["type"] == "websocket.close", output
        assert output.get("code") == CLOSE_NOT_FOUND
        assert not leaked(json.dumps(output))
        await ws.disconnect()

    run(scenario)


def test_access_lost_before_a_subscribe_replays_nothing(
    monkeypatch: Any, workspace: Any, user: Any
) -> None:
    monkeypatch.setattr(consumers, "REPLAY_PAGE_SIZE", 1)  # a replay of several pages
    execution: Execution = running(workspace)
    cookie = cookie_for(user)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await sync_to_async(Membership.objects.filter(user=user).delete)()
        await ws.send_json_to({"type": "subscribe", "after": 0})
        output = await ws.receive_output(timeout=TIMEOUT)
        assert output["type"] == "websocket.close", output
        assert await ws.receive_nothing(timeout=0.2)
        await ws.disconnect()

    run(scenario)
