"""Real Celery worker processes for the worker tests, on Redis and the test's PostgreSQL database.

Each test run gets its own queue (STEPSCOPE_CELERY_QUEUE), so neither another worker on the same
Redis (someone's `make run`) nor another test run takes these tasks, and these workers take no one
else's; and its own channel layer prefix (STEPSCOPE_CHANNEL_PREFIX), so no one else's events reach
its groups (execution.<id> with the same ids). A worker runs with embedded beat (-B), so the
sweeper runs in it, with a short claim lease, sweep interval and grace. Every worker is started in
its own session (process group), and killed with its whole group (pool children and beat too)
when the test ends.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0  # seconds for a worker to say it is ready (usually 2-3)
POLL = 0.02

# The settings the workers run with: a killed worker's claim runs out in 2 s, and the sweeper
# looks every second for steps overdue by more than a second.
WORKER_SETTINGS = {
    "STEPSCOPE_CLAIM_LEASE_SECONDS": "2",
    "STEPSCOPE_SWEEP_SECONDS": "1",
    "STEPSCOPE_SWEEP_GRACE_SECONDS": "1",
    "STEPSCOPE_LOG_LEVEL": "INFO",
}


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


requires_redis_and_postgres = pytest.mark.skipif(
    not (settings.REDIS_URL and _on_postgres()),
    reason=(
        "needs REDIS_URL and a PostgreSQL DATABASE_URL: a real Celery worker process shares the "
        "broker, the channel layer and the test database with the test"
    ),
)


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name> database)."""
    db = connection.settings_dict
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(str(db['NAME']), safe='')}"


def wait_for(what: str, check: Callable[[], Any], timeout: float) -> Any:
    """Poll check() until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(POLL)


def _die_with_this_process() -> None:
    """In the worker, before exec: SIGKILL it if the thread that started it dies (Linux), so a
    test run killed outright (no teardown) leaves no worker taking tasks or holding the test
    database: its pool child exits with it, though its embedded beat process can linger (it only
    sends sweeps to this run's queue). Start workers from the main thread."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (its pool children and beat die too)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: pgid == pid
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


class Workers:
    """Starts workers on one private queue; stop() kills them all and clears the queue."""

    def __init__(self, folder: Path, **extra_env: str) -> None:
        self.folder = folder
        self.queue = f"stepscope-test-{uuid.uuid4().hex[:12]}"
        self.extra_env = extra_env
        self.started: list[Worker] = []
        self._conf_before: tuple[bool, str] | None = None
        layer = settings.CHANNEL_LAYERS["default"]
        self.channel_layers = override_settings(
            CHANNEL_LAYERS={
                "default": {**layer, "CONFIG": {**layer["CONFIG"], "prefix": self.queue}}
            }
        )

    def __enter__(self) -> Workers:
        # This process queues the first step of each simulation: to the broker, on our queue.
        conf = celery_app.conf
        self._conf_before = (conf.task_always_eager, conf.task_default_queue)
        conf.task_always_eager = False
        conf.task_default_queue = self.queue
        self.channel_layers.enable()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> Worker:
        index = len(self.started)
        log = self.folder / f"worker-{index}.log"
        env = {
            **os.environ,
            **WORKER_SETTINGS,
            **self.extra_env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": str(settings.REDIS_URL),
            "STEPSCOPE_CELERY_QUEUE": self.queue,
            "STEPSCOPE_CHANNEL_PREFIX": self.queue,
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("-B", "--schedule", str(self.folder / f"beat-{index}")),
            *("-Q", self.queue, "-n", f"{self.queue}-{index}@%h"),
            *("--concurrency", "1", "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_this_process,
            )
        worker = Worker(process, log)
        self.started.append(worker)

        def ready() -> bool:
            if not worker.alive():
                raise AssertionError(f"the worker exited early:\n{worker.output()}")
            return " ready." in worker.output()

        wait_for("the Celery worker to be ready", ready, START_TIMEOUT)
        return worker

    def stop(self) -> None:
        for worker in self.started:
            worker.kill()
        if self._conf_before is not None:
            conf = celery_app.conf
            conf.task_always_eager, conf.task_default_queue = self._conf_before
            self._conf_before = None
            self.channel_layers.disable()
        self._clear_queue()

    def _clear_queue(self) -> None:
        """Drop this run's queue, and the messages a killed worker left unacknowledged (Redis
        would put them back on the queue after its visibility timeout)."""
        client = redis.Redis.from_url(str(settings.REDIS_URL))
        try:
            client.delete(
                self.queue,
                f"_kombu.binding.{self.queue}",
                f"_kombu.binding_permanent.{self.queue}",
            )
            for tag, raw in client.hscan_iter("unacked"):
                try:
                    routing_key = json.loads(raw)[2]
                except (ValueError, IndexError, TypeError):
                    continue
                if routing_key == self.queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
        finally:
            client.close()
