"""The execution stream: /ws/executions/<id>/ replays an execution's saved events after the
client's last event id, then relays the live ones (message shapes in apps.live.messages).

Why a reconnect neither loses nor duplicates an event:
- the consumer joins the execution's group before it reads the database, and events are
  published only after they are committed, so every event is either in the replay or in a
  live message that arrives after it;
- Channels hands this consumer one message at a time, so live messages wait while a replay
  runs, and every event with an id at or below the last one sent is dropped;
- event ids count up from 1 without gaps, so a live message that starts past the next id
  (one was lost or overtaken in the channel layer) is replaced by a catch-up from the database;
- while the execution runs, the consumer also checks the database every few seconds
  (`STEPSCOPE_LIVE_POLL_SECONDS`), through its own channel so it still handles one message at a
  time. That catches a lost last message, and events saved by another process when there is no
  shared channel layer (the embedded mode: `manage.py simulate` beside `make run`).

Redaction: events are stored and published as they are; every `events` message is masked with
the execution's workspace's redaction rules in `_send_events`, the one place events leave. The
rules are read afresh at each subscribe, and again when those read are over REDACTION_MAX_AGE
seconds old, so a busy stream does not ask the database for every live message. Each time they
are read, the user's access is checked again too: someone taken out of the workspace while
watching gets no further events, and the connection is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from apps.accounts.redactors import workspace_redactor
from apps.live.groups import execution_group
from apps.live.messages import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_SIGNED_OUT,
    CaughtUpMessage,
    ErrorMessage,
    EventsMessage,
)
from apps.live.publish import ExecutionEventsMessage
from apps.live.selectors import (
    REPLAY_PAGE_SIZE,
    ExecutionProgress,
    events_after,
    execution_access,
    execution_progress,
)
from stepscope.history.redaction import Redactor

REFUSALS = {
    "signed_out": CLOSE_SIGNED_OUT,
    "forbidden": CLOSE_FORBIDDEN,
    "missing": CLOSE_NOT_FOUND,
}
MAX_CLIENT_MESSAGE = 4096  # characters; a subscribe message is a few dozen
MAX_EVENT_ID = 2**31 - 1  # the largest id a PositiveIntegerField holds everywhere
AFTER_RULE = "`after` must be a whole number from 0 (the last event id you have; 0 for none)"
REDACTION_MAX_AGE = 2.0  # seconds the redaction rules read for one message are reused


def _event_id(event: dict[str, Any]) -> int:
    return int(event.get("id") or 0)


def parse_after(value: object) -> int | None:
    """A valid `after` from a JSON message (a whole number), else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_EVENT_ID else None


def parse_after_text(text: str) -> int | None:
    """A valid `after` from the query string (its digits), else None."""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    return parse_after(int(text))


def _replay_page(execution_id: int, after: int) -> tuple[list[dict[str, Any]], ExecutionProgress]:
    events = events_after(execution_id=execution_id, after=after)
    progress = execution_progress(execution_id=execution_id)
    if progress is None:
        raise LookupError(execution_id)
    return events, progress


class ExecutionConsumer(AsyncJsonWebsocketConsumer):
    execution_id: int
    workspace_id: int | None = None
    group: str
    joined = False
    redactor: Redactor | None = None  # None: read the rules before the next message
    redactor_read_at = 0.0  # on the event loop's clock
    last_sent: int | None = None  # the last event id sent; None until the client subscribes
    poller: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.execution_id = int(self.scope["url_route"]["kwargs"]["execution_id"])
        self.group = execution_group(self.execution_id)
        access, self.workspace_id = await database_sync_to_async(execution_access)(
            user=self.scope.get("user"), execution_id=self.execution_id
        )
        if access != "allowed":
            await self.close(code=REFUSALS[access])  # before accept: the handshake is refused
            return
        await self.channel_layer.group_add(self.group, self.channel_name)  # before any read
        self.joined = True
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if "after" in query:
            after = parse_after_text(query["after"][-1])
            if after is None:
                await self._error(f"Bad ?after= in the address: {AFTER_RULE}.")
            else:
                await self._subscribe(after)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels closes stale database connections before every handler, on one shared
        thread; with many viewers that queue delays every live event. These two handlers reach
        the database only through database_sync_to_async, which does that itself."""
        if message.get("type") == "execution.events":
            await self.execution_events(message)  # type: ignore[arg-type]
        elif message.get("type") == "live.poll":
            await self.live_poll(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        if self.poller is not None:
            self.poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.poller
            self.poller = None
        if self.joined:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.joined = False

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None:
            await self._error("Send text frames holding JSON, not binary ones.")
            return
        if len(text_data) > MAX_CLIENT_MESSAGE:
            await self._error(f"The message is over {MAX_CLIENT_MESSAGE} characters long.")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self._error("The message is not JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self._error('A message is a JSON object with a "type".')
            return
        kind = content.get("type")
        if kind != "subscribe":
            await self._error(f'Unknown message type {json.dumps(kind)}; send "subscribe".')
            return
        after = parse_after(content.get("after", 0))
        if after is None:
            await self._error(f"Bad subscribe message: {AFTER_RULE}.")
            return
        await self._subscribe(after)

    async def execution_events(self, message: ExecutionEventsMessage) -> None:
        """A live message from the group (apps.live.publish): relay what the client lacks."""
        if self.last_sent is None:
            return  # not subscribed yet: the subscribe's replay reads these from the database
        last = self.last_sent
        fresh = sorted({_event_id(e): e for e in message["events"] if _event_id(e) > last}.items())
        if not fresh:
            return
        if [event_id for event_id, _ in fresh] != list(range(last + 1, last + 1 + len(fresh))):
            await self._catch_up()  # a gap: fetch what was missed (and these) from the database
            return
        await self._send_events(
            [event for _, event in fresh],
            ExecutionProgress(status=message["status"], event_count=message["event_count"]),
        )

    async def live_poll(self, message: dict[str, Any]) -> None:
        """The periodic check (see the module's docstring): send what the database has beyond
        the last event sent; stop checking once the execution has ended."""
        if self.last_sent is None:
            return
        progress = await self._catch_up()
        if (progress is None or progress.status != "RUNNING") and self.poller is not None:
            self.poller.cancel()
            self.poller = None

    async def _poll(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await self.channel_layer.send(self.channel_name, {"type": "live.poll"})

    async def _subscribe(self, after: int) -> None:
        self.last_sent = after
        self.redactor = None  # a replay is masked with the rules as they are now
        progress = await self._catch_up()
        if progress is None:
            return
        seconds = float(getattr(settings, "STEPSCOPE_LIVE_POLL_SECONDS", 2.0))
        if progress.status == "RUNNING" and self.poller is None and seconds > 0:
            self.poller = asyncio.ensure_future(self._poll(seconds))
        caught_up: CaughtUpMessage = {
            "type": "caught_up",
            "execution_id": self.execution_id,
            "last_event_id": self.last_sent,
            "status": progress.status,
            "event_count": progress.event_count,
        }
        await self.send_json(caught_up)

    async def _catch_up(self) -> ExecutionProgress | None:
        """Send every saved event after the last one sent, page by page; None when the execution
        is gone (the connection is then closed)."""
        assert self.last_sent is not None
        while True:
            try:
                events, progress = await database_sync_to_async(_replay_page)(
                    self.execution_id, self.last_sent
                )
            except LookupError:
                await self.close(code=CLOSE_NOT_FOUND)
                return None
            if events:
                await self._send_events(events, progress)
                if self.last_sent is None:  # access lost: the connection was closed
                    return None
            if len(events) < REPLAY_PAGE_SIZE:
                return progress

    async def _redactor(self) -> Redactor | None:
        """The workspace's redaction rules (see the module's docstring). Whenever they are read,
        the user's access is checked again: None (and the connection closed, as a refused one
        would be) when they may no longer watch, e.g. taken out of the workspace."""
        now = asyncio.get_running_loop().time()
        if self.redactor is None or now - self.redactor_read_at > REDACTION_MAX_AGE:
            access, _ = await database_sync_to_async(execution_access)(
                user=self.scope.get("user"), execution_id=self.execution_id
            )
            if access != "allowed":
                await self.close(code=REFUSALS[access])
                self.last_sent = None  # nothing more is relayed or polled
                return None
            self.redactor = await database_sync_to_async(workspace_redactor)(
                workspace_id=self.workspace_id
            )
            self.redactor_read_at = now
        return self.redactor

    async def _send_events(self, events: list[dict[str, Any]], progress: ExecutionProgress) -> None:
        """The one place events leave: masked with the workspace's redaction rules."""
        redactor = await self._redactor()
        if redactor is None:
            return
        message: EventsMessage = {
            "type": "events",
            "execution_id": self.execution_id,
            "events": redactor.redact_events(events) if redactor else events,
            "last_event_id": _event_id(events[-1]),
            "status": progress.status,
            "event_count": progress.event_count,
        }
        await self.send_json(message)
        self.last_sent = message["last_event_id"]

    async def _error(self, text: str) -> None:
        error: ErrorMessage = {"type": "error", "message": text}
        await self.send_json(error)
