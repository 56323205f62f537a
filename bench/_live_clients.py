"""Viewers for the live benchmarks: many websocket (or bare Redis pub/sub) clients on one asyncio
loop in a child process, so that they never share a GIL with the publisher that stamps send times.

The parent drives the child through a pipe (`ClientProcess`); the child notes the time each event
arrives with `time.monotonic()`, which on Linux is CLOCK_MONOTONIC, one clock for every process
of the machine, so the parent can subtract its own send stamps from it.

The websocket client is a minimal RFC 6455 client (about 60 lines): the handshake with the session
cookie and an Origin the server allows, masked text frames out, unmasked frames in, pings answered.
It does what a browser does on the execution page and nothing more, so it costs as little CPU as a
Python client can, which matters when it shares two cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import multiprocessing
import os
import resource
import struct
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
HANDSHAKES_AT_ONCE = 50  # a page load's worth of concurrency, not a SYN flood

Receipts = list[tuple[list[int], list[float]]]  # per client: event ids, arrival times


def _frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """One masked client frame (RFC 6455 section 5.3: every client frame is masked)."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 2**16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    masked = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
    return header + mask + masked


@dataclass
class Client:
    """One viewer: the events it received, in arrival order, with their arrival times."""

    ids: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    last_id: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # caught up / subscribed
    closed: str = ""  # why the stream ended early, if it did
    task: asyncio.Task[None] | None = None
    writer: asyncio.StreamWriter | None = None

    def note(self, event_ids: list[int], at: float) -> None:
        self.ids.extend(event_ids)
        self.times.extend([at] * len(event_ids))
        if event_ids:
            self.last_id = max(self.last_id, event_ids[-1])


async def _handshake(spec: dict[str, Any]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {spec['path']} HTTP/1.1\r\nHost: {spec['host']}:{spec['port']}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: {key}\r\nOrigin: {spec['origin']}\r\nCookie: {spec['cookie']}\r\n\r\n"
    )
    writer.write(request.encode("latin-1"))
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = head.split("\r\n", 1)[0]
    if " 101 " not in status + " ":
        writer.close()
        raise ConnectionError(f"handshake refused: {status}")
    accept = base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()
    if accept not in head:
        writer.close()
        raise ConnectionError("handshake: wrong Sec-WebSocket-Accept")
    return reader, writer


async def _read_message(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes | None:
    """The next text message (fragments joined); None when the server closes."""
    parts: list[bytes] = []
    while True:
        first, second = await reader.readexactly(2)
        opcode, size = first & 0x0F, second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", await reader.readexactly(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", await reader.readexactly(8))
        payload = await reader.readexactly(size)  # servers never mask
        if opcode == 0x8:
            return None
        if opcode == 0x9:
            writer.write(_frame(payload, 0xA))
            continue
        if opcode in (0x1, 0x2, 0x0):
            parts.append(payload)
            if first & 0x80:
                return b"".join(parts)


async def _websocket_viewer(client: Client, spec: dict[str, Any], gate: asyncio.Semaphore) -> None:
    try:
        async with gate:
            reader, writer = await asyncio.wait_for(_handshake(spec), spec["timeout"])
        client.writer = writer
        subscribe = json.dumps({"type": "subscribe", "after": spec["after"]}).encode()
        writer.write(_frame(subscribe))
        while True:
            data = await _read_message(reader, writer)
            at = time.monotonic()
            if data is None:
                client.closed = "closed by the server"
                return
            message = json.loads(data)
            if message["type"] == "events":
                client.note([int(event["id"]) for event in message["events"]], at)
            elif message["type"] == "caught_up":
                client.ready.set()
            elif message["type"] == "error":
                client.closed = f"error message: {message['message']}"
                return
    except (OSError, EOFError, asyncio.IncompleteReadError, TimeoutError) as error:
        client.closed = f"{type(error).__name__}: {error}"[:120] or type(error).__name__
    finally:
        client.ready.set()  # a failed client is "ready" too, with `closed` saying why


async def _redis_subscriber(client: Client, spec: dict[str, Any]) -> None:
    import redis.asyncio as redis

    connection = redis.Redis.from_url(spec["redis_url"])
    pubsub = connection.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(spec["channel"])
        client.ready.set()
        while True:
            message = await pubsub.get_message(timeout=None)
            at = time.monotonic()
            if message is None:
                continue
            body = json.loads(message["data"])
            client.note([int(event["id"]) for event in body["events"]], at)
    except (OSError, redis.RedisError) as error:
        client.closed = f"{type(error).__name__}: {error}"[:120]
    finally:
        client.ready.set()
        await pubsub.aclose()
        await connection.aclose()


class _Worker:
    """The child's side: holds the clients of each kind ("ws", "floor") between commands."""

    def __init__(self) -> None:
        self.clients: dict[str, list[Client]] = {"ws": [], "floor": []}

    async def open(self, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        gate = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
        clients = [Client() for _ in range(spec["count"])]
        for client in clients:
            if kind == "ws":
                client.task = asyncio.create_task(_websocket_viewer(client, spec, gate))
            else:
                client.task = asyncio.create_task(_redis_subscriber(client, spec))
        await asyncio.wait_for(
            asyncio.gather(*(client.ready.wait() for client in clients)), spec["timeout"] + 30
        )
        self.clients[kind].extend(clients)
        failures = Counter(client.closed for client in clients if client.closed)
        return {
            "ok": sum(1 for client in clients if not client.closed),
            "failed": sum(failures.values()),
            "errors": failures.most_common(3),
            "seconds": time.monotonic() - started,
        }

    async def collect(self, kind: str, target: int, timeout: float) -> dict[str, Any]:
        """Wait until every live client has event `target` (or the timeout); hand over and forget
        what they received."""
        clients = self.clients[kind]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(client.closed or client.last_id >= target for client in clients):
                break
            await asyncio.sleep(0.01)
        receipts: Receipts = []
        for client in clients:
            receipts.append((client.ids, client.times))
            client.ids, client.times = [], []
        return {
            "receipts": receipts,
            "dropped": Counter(client.closed for client in clients if client.closed).most_common(3),
            "waited": timeout - max(0.0, deadline - time.monotonic()),
        }

    async def close(self, kind: str) -> None:
        for client in self.clients[kind]:
            if client.writer is not None and not client.writer.is_closing():
                client.writer.write(_frame(struct.pack("!H", 1000), 0x8))
                client.writer.close()
            if client.task is not None:
                client.task.cancel()
        await asyncio.gather(
            *(c.task for c in self.clients[kind] if c.task is not None), return_exceptions=True
        )
        self.clients[kind] = []


async def _serve(connection: Connection) -> None:
    worker = _Worker()
    loop = asyncio.get_running_loop()
    while True:
        command, kind, spec = await loop.run_in_executor(None, connection.recv)
        if command == "stop":
            for name in worker.clients:
                await worker.close(name)
            connection.send(None)
            return
        if command == "open":
            connection.send(await worker.open(kind, spec))
        elif command == "collect":
            connection.send(await worker.collect(kind, spec["target"], spec["timeout"]))
        elif command == "close":
            await worker.close(kind)
            connection.send(None)


def _child_main(connection: Connection) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_serve(connection))


class ClientProcess:
    """The parent's handle on the child process that holds the viewers."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_child_main, args=(child_end,), daemon=True)
        self.process.start()

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def call(self, command: str, kind: str = "", **spec: Any) -> Any:
        self.connection.send((command, kind, spec))
        return self.connection.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.connection.send(("stop", "", {}))
                if self.connection.poll(10):
                    self.connection.recv()
            except (OSError, EOFError):
                pass
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
