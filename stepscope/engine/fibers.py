"""Concurrent work on the virtual clock: inline Map iterations, Parallel branches and a Map Run's
child executions each run in their own fiber.

A fiber is a greenlet (a coroutine with its own stack, not a thread): it runs until it has to
wait for a moment on the clock (a task's dispatch or duration, a Wait, a retry's back-off, a
callback's answer) and then hands control back to its pool, which always resumes the fiber that
is due first (ties in the order they started waiting). So iterations interleave in the history
as they do on AWS, deterministically, and nothing sleeps.

Outside any pool, `pause_until` just moves the clock on: a state list runs straight through.
A pool that itself runs inside a fiber (a Map in a Map iteration) waits for its next due fiber
through its own fiber, so nested pools share one timeline.

Once a callback waits inside a fiber, the clock's `horizon` bounds what else may run in the step
(stepscope.engine.states.common, _waits); work due later stops the state (`horizon_reached`).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import greenlet

from stepscope.engine.clock import ExecutionDeadline, VirtualClock

__all__ = [
    "Finished",
    "FiberPool",
    "fiber_chain",
    "forget_waits",
    "horizon_reached",
    "pause_until",
    "yield_turn",
]

Key = TypeVar("Key")


class _Fiber(greenlet.greenlet):  # type: ignore[misc]  # greenlet ships no precise stubs
    """A greenlet that belongs to a pool (so `pause_until` knows to switch out of it)."""

    serial = 0  # unique in the process: which fibers a waiting callback is inside


_SERIALS = itertools.count(1)


def fiber_chain() -> frozenset[int]:
    """The serials of the fiber running now and of every fiber it runs inside."""
    serials = set()
    current = greenlet.getcurrent()
    while current is not None:
        if isinstance(current, _Fiber):
            serials.add(current.serial)
        current = current.parent
    return frozenset(serials)


def forget_waits(clock: VirtualClock, serials: set[int]) -> None:
    """The fibers with these serials were aborted: the callbacks that waited inside them wait no
    more. If none is left, nothing bounds what the step may do."""
    kept = [entry for entry in clock.all_waiting if not entry[1] & serials]
    if len(kept) == len(clock.all_waiting):
        return
    clock.all_waiting = kept
    first = clock.waiting
    if not kept:
        clock.waiting, clock.horizon = None, None
    elif all(parked is not first for parked, _ in kept):
        successor = kept[0][0]
        if first is not None and first.wake is not None:
            _merge_wake(successor, first.wake)
        clock.waiting = successor


def _merge_wake(waiting: Any, moment: datetime) -> None:
    waiting.wake = moment if waiting.wake is None else min(waiting.wake, moment)


@dataclass
class _Done:
    value: Any


@dataclass
class Finished(Generic[Key]):
    """A fiber that ended: its key, and its return value or the exception it raised."""

    key: Key
    value: Any = None
    error: Exception | None = None


def pause_until(clock: VirtualClock, moment: datetime) -> None:
    """Wait until `moment`: inside a fiber, let every fiber due earlier (or as early) go first;
    elsewhere, just move the clock on. Past the execution's deadline, ExecutionDeadline (with
    the clock at the deadline) ends the wait and whatever was running."""
    if isinstance(greenlet.getcurrent(), _Fiber):
        _switch_out(moment)
    elif clock.horizon is not None and moment > clock.horizon:
        raise horizon_reached(clock, moment)
    elif clock.deadline is not None and moment > clock.deadline:
        clock.advance_to(clock.deadline)
        raise ExecutionDeadline
    clock.advance_to(moment)


def horizon_reached(clock: VirtualClock, moment: datetime) -> Any:
    """A callback waits in a branch, and this work is due after what the step may still do:
    the state stops with that callback, to be taken up again (`wake`) at `moment` at the
    latest. What to raise (the first callback that waits, a ParkedInBranch)."""
    waiting = clock.waiting
    _merge_wake(waiting, moment)
    return waiting


def _switch_out(moment: datetime) -> None:
    """Hand `moment` to the pool. No local holds the fiber while it is switched out, so a fiber
    that is never resumed can be collected."""
    greenlet.getcurrent().parent.switch(moment)


def yield_turn(clock: VirtualClock) -> None:
    """Let the other fibers due now run before this one goes on (e.g. while a task is
    dispatched). Nothing happens outside a fiber."""
    pause_until(clock, clock.now)


class FiberPool(Generic[Key]):
    """Fibers keyed by the caller; `next_finished` runs them, in clock order, until one ends.

    `direct` is for work that never waits (no task, no Wait): it then runs straight through in
    the caller's own stack, one piece after another in the order spawned, which is the order
    fibers would give it, without the cost of switching stacks."""

    def __init__(self, clock: VirtualClock, *, direct: bool = False) -> None:
        self._clock = clock
        self._queue: list[tuple[datetime, int, Key, _Fiber]] = []
        self._order = 0
        self._direct: deque[tuple[Key, Callable[[], Any]]] | None = deque() if direct else None
        self._serials: dict[Key, int] = {}

    def serials(self, keys: Iterable[Key]) -> set[int]:
        """The serials of these keys' fibers (none for direct work, which never waits)."""
        return {self._serials[key] for key in keys if key in self._serials}

    def spawn(self, key: Key, work: Callable[[], Any]) -> None:
        """A new fiber, due now (after every fiber already due now)."""
        if self._direct is not None:
            self._direct.append((key, work))
            return
        fiber = _Fiber(lambda: _Done(work()))
        fiber.serial = next(_SERIALS)
        self._serials[key] = fiber.serial
        self._push(self._clock.now, key, fiber)

    def __bool__(self) -> bool:
        return bool(self._queue or self._direct)

    def keys(self) -> list[Key]:
        """The keys of the fibers that have not ended, in the order they were last queued."""
        if self._direct is not None:
            return [key for key, _ in self._direct]
        return [key for _, _, key, _ in sorted(self._queue)]

    def next_finished(self) -> Finished[Key]:
        """Run the due fibers until one of them ends. Its exception, if it raised one, is
        returned rather than raised; the other fibers stay where they are."""
        if self._direct is not None:
            key, work = self._direct.popleft()
            try:
                return Finished(key, value=work())
            except Exception as error:  # the work's own failure, handed to the caller
                return Finished(key, error=error)
        while True:
            finished = self._run_next()
            if finished is not None:
                return finished

    def next_finished_by(self, moment: datetime) -> Finished[Key] | None:
        """Like next_finished, but only running fibers due by `moment`: None once every fiber
        left waits for later."""
        if self._direct:  # all due now
            return self.next_finished()
        while self._queue and self._queue[0][0] <= moment:
            finished = self._run_next()
            if finished is not None:
                return finished
        return None

    def _run_next(self) -> Finished[Key] | None:
        """Resume the fiber due first until it waits again (None) or ends."""
        # Wait for it (inside an enclosing fiber: let everything due as early elsewhere go first,
        # so nested pools share one time order). The fiber stays queued meanwhile: if the wait
        # is cut short (an enclosing fiber is abandoned), abandon() still finds and unwinds it.
        due = self._queue[0][0]
        if self._clock.horizon is not None and due > self._clock.horizon:
            raise horizon_reached(self._clock, due)
        pause_until(self._clock, due)
        _, _, key, fiber = heapq.heappop(self._queue)
        try:
            outcome = fiber.switch()
        except Exception as error:  # the fiber's own failure, handed to the caller
            return Finished(key, error=error)
        if isinstance(outcome, _Done):
            return Finished(key, value=outcome.value)
        self._push(outcome, key, fiber)
        return None

    def _push(self, moment: datetime, key: Key, fiber: _Fiber) -> None:
        self._order += 1
        heapq.heappush(self._queue, (moment, self._order, key, fiber))

    def abandon(self) -> None:
        """Drop the fibers that have not ended (their iterations were aborted). Their stacks
        are unwound now, so nothing of theirs runs later."""
        queue, self._queue = self._queue, []
        if self._direct is not None:
            self._direct.clear()
        for _, _, _, fiber in queue:
            if fiber:  # started and not dead
                fiber.throw(greenlet.GreenletExit)
