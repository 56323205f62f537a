"""Every message on the execution websocket (/ws/executions/<id>/), client and server, and its
close codes. The server's live relay forwards apps.live.publish.ExecutionEventsMessage as an
`events` message.

Conversation:
    client -> {"type": "subscribe", "after": 12}         (or connect with ?after=12)
    server -> {"type": "events", ...}  zero or more pages of events with id > 12, in id order
    server -> {"type": "caught_up", ...}                 the replay from the database is done
    server -> {"type": "events", ...}  live, as they are saved; never an id already sent
    server -> {"type": "error", "message": "..."}        for a message it cannot use; stays open
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# Refusals: the connection is closed before it is accepted, with one of these codes.
CLOSE_SIGNED_OUT = 4401  # no signed-in user
CLOSE_FORBIDDEN = 4403  # the user may not see this execution
CLOSE_NOT_FOUND = 4404  # no such execution


class SubscribeMessage(TypedDict):
    """Client: send the events after `after` (the last event id the client has; 0 for none),
    then the live ones. Sent again, it starts over from the new `after`."""

    type: Literal["subscribe"]
    after: NotRequired[int]  # 0 when left out


class EventsMessage(TypedDict):
    """Server: history events with ids above every id sent before, in id order (AWS fields),
    their payloads masked with the workspace's redaction rules."""

    type: Literal["events"]
    execution_id: int
    events: list[dict[str, Any]]
    last_event_id: int  # the id of the last event in `events`
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
    event_count: int  # how many events the execution has in all


class CaughtUpMessage(TypedDict):
    """Server: the replay is done; from now on only live events follow."""

    type: Literal["caught_up"]
    execution_id: int
    last_event_id: int  # the last event id sent (the `after` asked for when none were)
    status: str
    event_count: int


class ErrorMessage(TypedDict):
    """Server: the client's message could not be used. The connection stays open."""

    type: Literal["error"]
    message: str


ClientMessage = SubscribeMessage
ServerMessage = EventsMessage | CaughtUpMessage | ErrorMessage
