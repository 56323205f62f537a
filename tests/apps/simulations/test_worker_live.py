"""A simulation run by a real Celery worker process streams to a websocket through the real
consumer (config.asgi, a signed-in session, the Redis channel layer): every event arrives live,
in order, once, ending in ExecutionSucceeded.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (skipped otherwise): the worker is a separate
process on the test's database (pytest-django's test_<name>), see tests/apps/simulations/workers.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start
from config.asgi import application
from tests.apps.simulations.machines import stored_events, version_of
from tests.apps.simulations.workers import Workers, requires_redis_and_postgres

pytestmark = [requires_redis_and_postgres, pytest.mark.django_db(transaction=True)]

RUN_TIMEOUT = 60.0  # seconds for the whole run to arrive (it takes about 2 once the worker is up)
PACE = "20"  # each 10 s Wait takes half a second
WAITS: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.prepared", "Next": "W1"},
        "W1": {"Type": "Wait", "Seconds": 10, "Next": "Between"},
        "Between": {"Type": "Pass", "Next": "W2"},
        "W2": {"Type": "Wait", "Seconds": 10, "Next": "W3"},
        "W3": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    with Workers(tmp_path) as started:
        yield started


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def receive_until_succeeded(ws: WebsocketCommunicator) -> list[dict[str, Any]]:
    """The messages after `caught_up`, up to the one holding ExecutionSucceeded."""
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(RUN_TIMEOUT):
        while True:
            message = await ws.receive_json_from(timeout=RUN_TIMEOUT)
            assert message["type"] == "events", message
            messages.append(message)
            if any(e["type"] == "ExecutionSucceeded" for e in message["events"]):
                return messages


def test_a_real_worker_streams_every_event_in_order_to_the_websocket(
    workers: Workers, user: Any
) -> None:
    simulation = simulation_start(
        definition_version=version_of(WAITS), execution_input={}, pace=PACE
    )  # committed: its first step waits in the broker, on this test's queue
    execution_id = simulation.execution_id
    headers = [(b"origin", b"http://localhost"), (b"cookie", session_cookie(user))]

    async def scenario() -> list[dict[str, Any]]:
        ws = WebsocketCommunicator(
            application, f"/ws/executions/{execution_id}/?after=0", headers=headers
        )
        try:
            connected, _ = await ws.connect(timeout=10)
            assert connected
            caught_up = await ws.receive_json_from(timeout=10)
            # No worker yet: nothing is saved, so every event must come live.
            assert caught_up["type"] == "caught_up" and caught_up["last_event_id"] == 0
            await sync_to_async(workers.start)()  # on the main thread (see workers.py)
            return await receive_until_succeeded(ws)
        finally:
            await ws.disconnect()
            close_pools = getattr(get_channel_layer(), "close_pools", None)
            if close_pools is not None:
                await close_pools()

    messages = async_to_sync(scenario)()

    events = [event for message in messages for event in message["events"]]
    ids = [event["id"] for event in events]
    assert ids == list(range(1, len(ids) + 1)), f"gaps, duplicates or disorder: {ids}"
    for message in messages:
        assert message["last_event_id"] == message["events"][-1]["id"]
    assert events[-1]["type"] == "ExecutionSucceeded" and messages[-1]["status"] == "SUCCEEDED"
    assert messages[-1]["event_count"] == len(events)
    # What arrived is exactly the saved history, and it was streamed in more than one message.
    saved = Simulation.objects.select_related("execution").get(pk=simulation.pk)
    assert stored_events(saved) == events
    assert saved.execution.status == "SUCCEEDED"
    assert len(messages) > 1
    assert [e["type"] for e in events].count("WaitStateExited") == 3
