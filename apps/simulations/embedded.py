"""Delayed steps in the embedded mode (no REDIS_URL: Celery runs tasks eagerly, in-process).

An eager Celery task ignores `countdown`: it runs at once. So in the embedded mode a step due later
(a Wait, a retry's back-off, a callback's deadline at real or scaled pace) is run by a daemon timer
thread of this process when it is due. The simulation survives a restart only in its saved
snapshot: a timer lost with its process is not re-armed (with Redis, the broker keeps the
countdown).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    countdown: float
    args: tuple[Any, ...]
    timer: threading.Timer


_lock = threading.Lock()
_idle = threading.Condition(_lock)
_pending: dict[int, Pending] = {}


def call_later(countdown: float, function: Callable[..., Any], *args: Any) -> Pending:
    """Run function(*args) in a daemon thread after `countdown` seconds."""

    def run() -> None:
        try:
            function(*args)
        except Exception:  # a background thread has nobody to raise to
            logger.exception("delayed step %r failed", args)
        finally:
            connections.close_all()  # this thread's own connections
            with _idle:
                _pending.pop(id(timer), None)
                _idle.notify_all()

    timer = threading.Timer(countdown, run)
    timer.daemon = True
    pending = Pending(countdown, args, timer)
    with _lock:
        _pending[id(timer)] = pending
    timer.start()
    return pending


def pending_calls() -> list[Pending]:
    with _lock:
        return list(_pending.values())


def cancel_all() -> None:
    """Cancel every timer not yet fired (tests, shutdown)."""
    with _idle:
        for pending in _pending.values():
            pending.timer.cancel()
        _pending.clear()
        _idle.notify_all()


def wait_idle(timeout: float | None = None) -> bool:
    """Block until no timer is pending (True), or `timeout` seconds pass (False)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with _idle:
        while _pending:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            _idle.wait(remaining)
    return True


@dataclass(frozen=True)
class Repeating:
    interval: float
    thread: threading.Thread
    stopped: threading.Event

    def stop(self, timeout: float | None = None) -> None:
        """Stop repeating; wait up to `timeout` seconds for a run in progress to end."""
        self.stopped.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout)


def every(interval: float, function: Callable[[], Any], *, name: str) -> Repeating:
    """Run function() at once, then `interval` seconds after each run ends, on a daemon thread,
    until stopped (the embedded mode's stand-in for Celery beat). Not counted by wait_idle."""
    stopped = threading.Event()

    def run() -> None:
        while not stopped.is_set():
            try:
                function()
            except Exception:  # keep repeating: the next run may succeed
                logger.exception("repeating %s failed", name)
            finally:
                connections.close_all()
            stopped.wait(interval)

    thread = threading.Thread(target=run, name=name, daemon=True)
    repeating = Repeating(interval, thread, stopped)
    thread.start()
    return repeating
