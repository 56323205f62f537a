"""The one publish path: an execution's new events go to its channel group, after they are saved.

Call it from `transaction.on_commit`, so a viewer never hears of an event the database does not
hold yet. The websocket consumer replays from the database, so a message lost here (the channel
layer down) is caught up on the next reconnect: publishing logs the problem and never raises.

Events are published as stored; the consumer masks them with the workspace's redaction rules
before they leave the server (apps.live.consumers).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.live.groups import execution_group

logger = logging.getLogger(__name__)


class ExecutionEventsMessage(TypedDict):
    """New history events of one execution, in event id order (AWS field names)."""

    type: Literal["execution.events"]  # the consumer's handler: execution_events
    execution_id: int
    events: list[dict[str, Any]]
    last_event_id: int
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED, from the projection
    event_count: int


def execution_events_publish(
    *, execution_id: int, events: Sequence[dict[str, Any]], status: str, event_count: int
) -> ExecutionEventsMessage | None:
    """Send the events to the execution's group; returns the message sent (None if none was)."""
    if not events:
        return None
    ordered = sorted(events, key=lambda event: int(event.get("id") or 0))
    message: ExecutionEventsMessage = {
        "type": "execution.events",
        "execution_id": execution_id,
        "events": list(ordered),
        "last_event_id": int(ordered[-1].get("id") or 0),
        "status": status,
        "event_count": event_count,
    }
    layer = get_channel_layer()
    if layer is None:
        return None
    try:
        async_to_sync(layer.group_send)(execution_group(execution_id), dict(message))
    except Exception:  # the events are saved; viewers catch up from the database
        logger.exception("could not publish events of execution %s", execution_id)
        return None
    return message
