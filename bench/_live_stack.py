"""The server side of the live benchmarks: a throwaway PostgreSQL database, Django in this process
(to save and publish events through the product's own path), and a daphne process serving
/ws/executions/<id>/ with the Redis channel layer. `live_stack()` undoes all of it on the way out,
on an exception, Ctrl-C or SIGTERM too: daphne and the viewer process stopped, the database
dropped, the group's key deleted from Redis.

Isolation from whatever else uses the same Redis: the execution gets a random id above 2**40, so
its channel group (`execution.<id>`) and the floor's pub/sub channel are the benchmark's own.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q from 0 to 100) of `values`, which need not be sorted."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_note() -> str:
    """The cores and the current load: the figures mean little on a machine busy with other work."""
    return f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (1 min)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _terminate_on_sigterm() -> None:
    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)  # unwinds through the `finally` blocks that clean up

    signal.signal(signal.SIGTERM, stop)


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for this run; dropped (connections and all) afterwards."""
    import psycopg
    from psycopg import sql

    name = f"stepscope_bench_live_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base = admin_url.rsplit("/", 1)[0]
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def daphne_process(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """daphne on 127.0.0.1:port with this process's environment; stopped (by its pid) afterwards."""
    log = tempfile.NamedTemporaryFile(prefix="stepscope-bench-daphne-", suffix=".log", delete=False)
    command = [
        str(Path(sys.executable).parent / "daphne"),
        *("-b", "127.0.0.1", "-p", str(port)),
        "config.asgi:application",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    failed = False
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start:\n{Path(log.name).read_text()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield process
    except BaseException:
        failed = True
        print(f"daphne's log is kept: {log.name}", file=sys.stderr)
        raise
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        log.close()
        if not failed:
            Path(log.name).unlink(missing_ok=True)


@dataclass
class LiveStack:
    """What the benchmarks use: the server, a signed-in viewer's cookie, a RUNNING execution."""

    port: int
    daphne_pid: int
    cookie: str
    execution_id: int
    redis_url: str
    events: list[dict[str, Any]]  # the history to stream, ids 1, 2, 3, ...
    saved: int = 0  # how many of `events` are stored (and published)
    publish_seconds: list[float] = field(default_factory=list)  # time inside the publish call

    @property
    def viewer_spec(self) -> dict[str, Any]:
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "path": f"/ws/executions/{self.execution_id}/",
            "origin": f"http://127.0.0.1:{self.port}",
            "cookie": self.cookie,
        }

    def save_and_publish(
        self, count: int, warm_loop: asyncio.AbstractEventLoop | None = None
    ) -> tuple[int, float, float]:
        """Store the next `count` events in one transaction (as a step does), then publish them
        through `execution_events_publish` on commit. Returns the last event id, the time the save
        began and the time the publish call began (time.monotonic()).

        With `warm_loop`, the same message goes out with the channel layer's `group_send` on that
        long-lived loop instead (a diagnostic: what the relay costs without the publish path's
        per-call thread, event loop and Redis connection)."""
        from channels.layers import get_channel_layer
        from django.db import transaction

        from apps.executions.models import Execution
        from apps.executions.storage import store_events
        from apps.live.groups import execution_group
        from apps.live.publish import ExecutionEventsMessage, execution_events_publish

        batch = self.events[self.saved : self.saved + count]
        if len(batch) < count:
            raise RuntimeError("the benchmark ran out of events; generate a longer history")
        last = int(batch[-1]["id"])
        stamps: list[float] = []

        def publish() -> None:
            stamps.append(time.monotonic())
            if warm_loop is None:
                execution_events_publish(
                    execution_id=self.execution_id, events=batch, status="RUNNING", event_count=last
                )
                self.publish_seconds.append(time.monotonic() - stamps[0])
                return
            message: ExecutionEventsMessage = {
                "type": "execution.events",
                "execution_id": self.execution_id,
                "events": batch,
                "last_event_id": last,
                "status": "RUNNING",
                "event_count": last,
            }
            layer = get_channel_layer()
            assert layer is not None
            group = execution_group(self.execution_id)
            warm_loop.run_until_complete(layer.group_send(group, dict(message)))

        saving = time.monotonic()
        with transaction.atomic():
            execution = Execution.objects.select_for_update().get(pk=self.execution_id)
            store_events(execution, batch, {}, had_stored=False)
            Execution.objects.filter(pk=self.execution_id).update(event_count=last)
            transaction.on_commit(publish)
        self.saved += count
        return last, saving, stamps[0]


def _setup_django(database_url: str, redis_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_DEBUG="0",  # as served: no query log, no debug pages
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_SETTINGS_MODULE="config.settings",
        STEPSCOPE_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _signed_in_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("bench-viewer", password=secrets.token_hex(16))
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _running_execution(events: list[dict[str, Any]]) -> int:
    """A RUNNING execution with a random id (see the module's docstring) and its first event."""
    from apps.executions.models import Execution

    execution_id = 2**40 + secrets.randbelow(2**40)
    Execution.objects.create(
        workspace=_bench_workspace(),
        pk=execution_id,
        name="bench-live",
        fingerprint=f"bench-live-{execution_id}",
        status="RUNNING",
        source=Execution.Source.SIMULATION,
    )
    return execution_id


def _history(event_count: int) -> list[dict[str, Any]]:
    from stepscope.history.synthetic import generate_large_history

    events: list[dict[str, Any]] = generate_large_history(event_count + 10)["events"]
    return events[: event_count + 1]  # no ExecutionSucceeded: the execution stays RUNNING


def pace(count: int, interval: float) -> Iterator[int]:
    """0, 1, ... count - 1, the k-th yielded at start + k * interval (never early; late if the
    work between yields takes longer than the interval)."""
    start = time.monotonic()
    for index in range(count):
        delay = start + index * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield index


def latencies(
    receipts: Sequence[tuple[list[int], list[float]]], sent: dict[int, float]
) -> list[float]:
    """Seconds from each event's send stamp to its arrival, for every client that received it."""
    return [
        at - sent[event_id]
        for ids, times in receipts
        for event_id, at in zip(ids, times, strict=True)
        if event_id in sent
    ]


def _forget_group(redis_url: str, execution_id: int) -> None:
    import redis

    connection = redis.Redis.from_url(redis_url)
    try:
        connection.delete(f"asgi:group:execution.{execution_id}")
    finally:
        connection.close()


@contextmanager
def live_stack(event_count: int) -> Iterator[LiveStack]:
    """Everything set up for `event_count` events to stream; everything undone afterwards."""
    _terminate_on_sigterm()
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    admin_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES
    with ExitStack() as cleanup:
        database_url = cleanup.enter_context(throwaway_database(admin_url))
        _setup_django(database_url, redis_url)

        def close_connections() -> None:
            from django.db import connections

            connections.close_all()  # before the database is dropped

        cleanup.callback(close_connections)
        cookie = _signed_in_cookie()
        events = _history(event_count)
        execution_id = _running_execution(events)
        cleanup.callback(_forget_group, redis_url, execution_id)
        port = free_port()
        daphne = cleanup.enter_context(daphne_process(port))
        stack = LiveStack(port, daphne.pid, cookie, execution_id, redis_url, events)
        stack.save_and_publish(1)  # ExecutionStarted, before anyone watches
        yield stack


def _bench_workspace() -> Any:
    from apps.accounts.models import Workspace

    return Workspace.objects.get_or_create(name="bench")[0]
