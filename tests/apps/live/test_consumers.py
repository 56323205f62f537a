"""The execution stream at /ws/executions/<id>/, through the whole ASGI application (origin check,
session auth, routing) and the channel layer the settings configure: in memory, or Redis when
REDIS_URL is set."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from apps.executions.models import Execution, HistoryEvent
from apps.live.messages import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_SIGNED_OUT
from apps.live.publish import execution_events_publish
from apps.live.selectors import REPLAY_PAGE_SIZE
from config.asgi import application
from tests.workspaces import team

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5  # seconds a communicator waits for a message that must come


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on a fresh event loop; close the Redis layer's pools on that loop."""

    async def wrapped() -> None:
        try:
            await scenario()
        finally:
            close_pools = getattr(get_channel_layer(), "close_pools", None)
            if close_pools is not None:
                await close_pools()

    async_to_sync(wrapped)()


def event(event_id: int) -> dict[str, Any]:
    return {
        "timestamp": f"2026-11-01T09:00:{event_id % 60:02d}.000000+00:00",
        "type": "ExecutionStarted" if event_id == 1 else "PassStateEntered",
        "id": event_id,
        "previousEventId": event_id - 1,
    }


def append(execution: Execution, first: int, last: int) -> list[dict[str, Any]]:
    """Save events first..last (inclusive), as a step does before it publishes them."""
    events = [event(i) for i in range(first, last + 1)]
    HistoryEvent.objects.bulk_create(
        HistoryEvent(execution=execution, event_id=e["id"], type=e["type"], data=e) for e in events
    )
    Execution.objects.filter(pk=execution.pk).update(event_count=last)
    return events


def execution_with(count: int, *, status: str = "RUNNING") -> Execution:
    execution = Execution.objects.create(
        workspace=team(),
        name="live",
        fingerprint=f"live-{Execution.objects.count()}",
        status=status,
    )
    append(execution, 1, count)
    return execution


async def publish(execution: Execution, first: int, last: int, *, save: bool = True) -> None:
    """Save (unless already saved) and publish events first..last, the way a step does."""
    if save:
        events = await sync_to_async(append)(execution, first, last)
    else:
        events = [event(i) for i in range(first, last + 1)]
    sent = await sync_to_async(execution_events_publish)(
        execution_id=execution.pk, events=events, status="RUNNING", event_count=last
    )
    assert sent is not None


def cookie_for(user: Any, *, backend: str | None = None) -> bytes:
    client = Client()
    client.force_login(user, backend=backend)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


def communicator(path: str, cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def until_caught_up(ws: WebsocketCommunicator) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every `events` message up to the `caught_up` one; returns their events and that message."""
    events: list[dict[str, Any]] = []
    while True:
        message = await ws.receive_json_from(timeout=TIMEOUT)
        if message["type"] == "caught_up":
            return events, message
        assert message["type"] == "events", message
        assert message["last_event_id"] == message["events"][-1]["id"]
        events.extend(message["events"])


def ids(events: list[dict[str, Any]]) -> list[int]:
    return [e["id"] for e in events]


@pytest.fixture
def cookie(user: Any) -> bytes:
    return cookie_for(user)


def test_a_signed_out_visitor_is_refused_before_the_handshake_completes():
    execution = execution_with(3)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", None)
        assert await ws.connect(timeout=TIMEOUT) == (False, CLOSE_SIGNED_OUT)

    run(scenario)


def test_an_inactive_user_is_refused(user, cookie):
    # The default backend drops an inactive user from the session, as it does for the HTTP pages.
    execution = execution_with(3)
    user.is_active = False
    user.save()

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert await ws.connect(timeout=TIMEOUT) == (False, CLOSE_SIGNED_OUT)

    run(scenario)


def test_an_inactive_user_a_backend_keeps_signed_in_is_refused_access(settings, user):
    # No workspaces yet: every active signed-in user may see every execution, so "no access"
    # is an inactive user whom a backend still lets through the session.
    backend = "django.contrib.auth.backends.AllowAllUsersModelBackend"
    settings.AUTHENTICATION_BACKENDS = [backend]
    user.is_active = False
    user.save()
    cookie = cookie_for(user, backend=backend)
    execution = execution_with(3)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert await ws.connect(timeout=TIMEOUT) == (False, CLOSE_FORBIDDEN)

    run(scenario)


def test_a_missing_execution_is_refused(cookie):
    async def scenario() -> None:
        ws = communicator("/ws/executions/987654/", cookie)
        assert await ws.connect(timeout=TIMEOUT) == (False, CLOSE_NOT_FOUND)

    run(scenario)


def test_a_signed_in_user_gets_exactly_the_events_after_the_id_in_the_address(cookie):
    execution = execution_with(10, status="SUCCEEDED")

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=4", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        events, caught_up = await until_caught_up(ws)
        assert ids(events) == [5, 6, 7, 8, 9, 10]
        assert events[0] == event(5)
        assert caught_up == {
            "type": "caught_up",
            "execution_id": execution.pk,
            "last_event_id": 10,
            "status": "SUCCEEDED",
            "event_count": 10,
        }
        await ws.disconnect()

    run(scenario)


def test_subscribe_message_replays_an_imported_history_from_an_event_id(cookie):
    from apps.executions.services import execution_import
    from tests.apps.executions.histories import page, payment_failed_events

    history = payment_failed_events()
    execution = execution_import(workspace=team(), documents=[("h.json", page(history))]).execution

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await ws.send_json_to({"type": "subscribe", "after": 3})
        first = await ws.receive_json_from(timeout=TIMEOUT)
        assert first["type"] == "events" and first["status"] == "FAILED"
        assert first["events"] == history[3:]
        assert first["event_count"] == len(history) == first["last_event_id"]
        caught_up = await ws.receive_json_from(timeout=TIMEOUT)
        assert caught_up["type"] == "caught_up" and caught_up["last_event_id"] == len(history)
        await ws.disconnect()

    run(scenario)


def test_a_long_replay_comes_in_pages_in_event_id_order(cookie):
    total = REPLAY_PAGE_SIZE * 2 + 7
    execution = execution_with(total)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        sizes, events = [], []
        while (message := await ws.receive_json_from(timeout=TIMEOUT))["type"] == "events":
            sizes.append(len(message["events"]))
            events.extend(message["events"])
        assert message["type"] == "caught_up"
        assert sizes == [REPLAY_PAGE_SIZE, REPLAY_PAGE_SIZE, 7]
        assert ids(events) == list(range(1, total + 1))
        await ws.disconnect()

    run(scenario)


def test_live_events_are_relayed_after_the_replay(cookie):
    execution = execution_with(4)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await ws.send_json_to({"type": "subscribe", "after": 4})
        events, caught_up = await until_caught_up(ws)
        assert events == [] and caught_up["last_event_id"] == 4
        await publish(execution, 5, 7)
        message = await ws.receive_json_from(timeout=TIMEOUT)
        assert message == {
            "type": "events",
            "execution_id": execution.pk,
            "events": [event(5), event(6), event(7)],
            "last_event_id": 7,
            "status": "RUNNING",
            "event_count": 7,
        }
        await ws.disconnect()

    run(scenario)


def test_events_already_replayed_are_not_sent_again(cookie):
    execution = execution_with(10)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=0", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        events, _ = await until_caught_up(ws)
        assert ids(events) == list(range(1, 11))
        await publish(execution, 1, 10, save=False)  # all already sent: nothing goes out
        await publish(execution, 8, 12, save=False)  # 8-10 sent; 11-12 new
        await sync_to_async(append)(execution, 11, 12)
        await publish(execution, 11, 13, save=False)  # 11-12 sent by now; 13 new
        await sync_to_async(append)(execution, 13, 13)
        first = await ws.receive_json_from(timeout=TIMEOUT)
        second = await ws.receive_json_from(timeout=TIMEOUT)
        assert ids(first["events"]) == [11, 12]
        assert ids(second["events"]) == [13]
        await ws.disconnect()

    run(scenario)


def test_a_live_message_overlapping_the_replay_sends_each_event_once(cookie):
    # Events 6-8 are saved, then subscribe and their live message race: whichever the consumer
    # handles first, the client gets 1..8 once each, in order.
    execution = execution_with(5)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await sync_to_async(append)(execution, 6, 8)
        await ws.send_json_to({"type": "subscribe", "after": 0})
        await publish(execution, 6, 8, save=False)
        events, caught_up = await until_caught_up(ws)
        await publish(execution, 9, 9)  # a marker: the next message must start right after 8
        marker = await ws.receive_json_from(timeout=TIMEOUT)
        assert ids(events) == list(range(1, 9)) and caught_up["last_event_id"] == 8
        assert ids(marker["events"]) == [9]
        await ws.disconnect()

    run(scenario)


def test_a_live_message_past_a_gap_is_replaced_by_a_catch_up_from_the_database(cookie):
    execution = execution_with(3)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=3", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await until_caught_up(ws)
        await sync_to_async(append)(execution, 4, 5)  # their message is lost
        await publish(execution, 6, 6)
        message = await ws.receive_json_from(timeout=TIMEOUT)
        assert ids(message["events"]) == [4, 5, 6]
        assert message["event_count"] == 6
        await ws.disconnect()

    run(scenario)


def test_live_messages_before_subscribe_are_left_to_the_replay(cookie):
    execution = execution_with(2)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await publish(execution, 3, 3)
        await ws.send_json_to({"type": "subscribe", "after": 1})
        events, caught_up = await until_caught_up(ws)
        assert ids(events) == [2, 3] and caught_up["last_event_id"] == 3
        await ws.disconnect()

    run(scenario)


MALFORMED = [
    ("not json", "not JSON"),
    ("[1, 2]", "JSON object"),
    ('{"after": 3}', "Unknown message type null"),
    ('{"type": "unsubscribe"}', 'Unknown message type "unsubscribe"'),
    ('{"type": "subscribe", "after": -1}', "`after`"),
    ('{"type": "subscribe", "after": "3"}', "`after`"),
    ('{"type": "subscribe", "after": true}', "`after`"),
    ('{"type": "subscribe", "after": 2.5}', "`after`"),
    ('{"type": "subscribe", "after": 99999999999999999999999}', "`after`"),
    ("[" * 100_000 + "]" * 100_000, "over 4096 characters"),
    ("[" * 2000 + "]" * 2000, "JSON object"),
]


def test_malformed_messages_get_errors_and_the_connection_stays_usable(cookie):
    execution = execution_with(2)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        for frame, says in MALFORMED:
            await ws.send_to(text_data=frame)
            error = await ws.receive_json_from(timeout=TIMEOUT)
            assert error["type"] == "error" and says in error["message"], (frame[:60], error)
        await ws.send_json_to({"type": "subscribe"})  # `after` left out: from the start
        events, _ = await until_caught_up(ws)
        assert ids(events) == [1, 2]
        await ws.disconnect()

    run(scenario)


def test_a_binary_frame_and_a_bad_after_in_the_address_get_errors(cookie):
    execution = execution_with(2)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=two", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        error = await ws.receive_json_from(timeout=TIMEOUT)
        assert error["type"] == "error" and "?after=" in error["message"]
        await ws.send_to(bytes_data=b'{"type": "subscribe"}')
        error = await ws.receive_json_from(timeout=TIMEOUT)
        assert error["type"] == "error" and "text frames" in error["message"]
        await ws.send_json_to({"type": "subscribe", "after": 1})
        events, _ = await until_caught_up(ws)
        assert ids(events) == [2]
        await ws.disconnect()

    run(scenario)


def test_events_saved_without_a_message_arrive_by_the_periodic_check(settings, cookie):
    """No shared channel layer (another process saved them) or a lost last message: the
    consumer finds them in the database while the execution runs."""
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0.2
    execution = execution_with(4)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=4", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await until_caught_up(ws)
        await sync_to_async(append)(execution, 5, 6)  # saved, never published
        message = await ws.receive_json_from(timeout=TIMEOUT)
        assert ids(message["events"]) == [5, 6]
        assert await ws.receive_nothing(timeout=0.6)  # and only once
        await ws.disconnect()

    run(scenario)


def test_an_ended_execution_is_not_checked_again(settings, cookie):
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0.2
    execution = execution_with(4, status="SUCCEEDED")

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after=4", cookie)
        assert (await ws.connect(timeout=TIMEOUT))[0]
        await until_caught_up(ws)
        await sync_to_async(append)(execution, 5, 5)
        assert await ws.receive_nothing(timeout=0.8)
        await ws.disconnect()

    run(scenario)
