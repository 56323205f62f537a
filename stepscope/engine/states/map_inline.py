"""An inline Map's iterations, run concurrently as AWS runs them, at most MaxConcurrency at once.

The Map starts as many iterations as it may (MapIterationStarted for each, in index order), and
each then runs in its own fiber (stepscope.engine.fibers) on its own history thread. A fiber
gives way whenever it waits on the clock (a task being dispatched or running, a Wait, a retry's
back-off), so iterations interleave as on AWS; with nothing to wait for, an iteration runs
straight to its end. When one ends, the next item's iteration starts from its last event.

An iteration that fails beyond the tolerated count fails the Map at once, as AWS records it:
MapIterationFailed, then every iteration still running is aborted (MapIterationAborted and its
current state's ...StateAborted), all pointing back to the event that failed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from stepscope.engine.errors import StatesError
from stepscope.engine.fibers import FiberPool, forget_waits, pause_until
from stepscope.engine.runtime import Branch, Frame, ParkedInBranch, StateFailure
from stepscope.engine.states.common import StateRun
from stepscope.engine.states.map_run import EXCEEDED, THRESHOLD_CAUSE

__all__ = ["run_inline"]

# AWS runs at most 40 iterations of an inline Map at once, whatever MaxConcurrency says.
INLINE_LIMIT = 40
# How long the Map takes to act on an iteration's failure (about one event's gap on AWS).
FAILURE_NOTICE = timedelta(milliseconds=15)


def run_inline(
    current: StateRun,
    processor: Branch,
    items: list[Any],
    select_value: Callable[[int, Any], Any],
    tolerated: int | None,
    max_concurrency: int,
) -> list[Any]:
    from stepscope.engine.branches import may_wait

    limit = min(max_concurrency or INLINE_LIMIT, INLINE_LIMIT)
    outputs: list[Any] = [None] * len(items)
    frames: dict[int, Frame] = {}
    # Iterations that never wait run one after another in the order fibers would run them.
    pool: FiberPool[int] = FiberPool(current.run.clock, direct=not may_wait(processor.states))

    def start(index: int) -> None:
        value = select_value(index, items[index])
        frame = current.frame.branch()
        details = _details(current, index)
        current.run.event(frame, "MapIterationStarted", "mapIterationStartedEventDetails", details)
        frames[index] = frame
        pool.spawn(index, lambda: _iterate(current, processor, frame, value, index))

    following = iter(range(len(items)))
    try:  # however the Map ends, no fiber of it is left behind
        for index in following:
            start(index)
            if len(frames) == limit:
                break
        failures = 0
        waits = False
        while pool:
            # Once a callback waits, this raises it when only work due later is left.
            finished = pool.next_finished()
            frame = frames.pop(finished.key)
            current.frame.thread.source = frame.thread.source
            current.frame.thread.last = frame.thread.last
            if finished.error is None:
                outputs[finished.key] = finished.value
            elif isinstance(finished.error, StateFailure):
                failures += 1
                if failures > (tolerated or 0):
                    _notice(current, pool, frames, outputs)
                    # The callbacks that waited in the iterations it aborts wait no more.
                    forget_waits(current.run.clock, pool.serials([finished.key, *frames]))
                    _abort(current, finished.key, finished.error, frame, frames)
                    if tolerated is not None:
                        raise StatesError(EXCEEDED, THRESHOLD_CAUSE) from None
                    raise finished.error.error from None
            elif isinstance(finished.error, ParkedInBranch):
                frames[finished.key] = frame  # it is still running: it waits for its answer
                waits = True
                continue
            else:
                raise finished.error
            waiting = next(following, None)
            if waiting is not None:
                start(waiting)
        if waits:  # the whole state stops until the answer comes (or its wake)
            raise current.run.clock.waiting
    finally:
        pool.abandon()
    return outputs


def _iterate(current: StateRun, processor: Branch, frame: Frame, value: Any, index: int) -> Any:
    from stepscope.engine.branches import run_branch

    output = run_branch(current.run, frame, processor, value)
    current.run.event(
        frame,
        "MapIterationSucceeded",
        "mapIterationSucceededEventDetails",
        _details(current, index),
        becomes_source=False,
    )
    return output


def _notice(
    current: StateRun, pool: FiberPool[int], running: dict[int, Frame], outputs: list[Any]
) -> None:
    """The Map takes a moment to act on a failure: iterations due meanwhile still record what
    they do (AWS's histories show other iterations' TaskTimedOut and TaskFailed events between
    the failure and MapIterationFailed). One that succeeds is done; one that fails is still
    aborted, as AWS records it."""
    clock = current.run.clock
    noticed = clock.now + FAILURE_NOTICE
    while (finished := pool.next_finished_by(noticed)) is not None:
        if finished.error is None:
            running.pop(finished.key)
            outputs[finished.key] = finished.value
        elif not isinstance(finished.error, (StateFailure, ParkedInBranch)):
            raise finished.error  # a failed or waiting iteration is aborted with the rest
    pause_until(clock, noticed)


def _abort(
    current: StateRun, index: int, failure: StateFailure, failed: Frame, running: dict[int, Frame]
) -> None:
    """MapIterationFailed for the failed iteration, then MapIterationAborted for each one still
    running, each with its current state's ...StateAborted; all point to the failed event."""
    run = current.run
    details = _details(current, index)
    run.event(
        failed,
        "MapIterationFailed",
        "mapIterationFailedEventDetails",
        details,
        becomes_source=False,
    )
    if failure.state_type == "Task":  # a task that failed is also aborted (not a Pass or Fail)
        run.event(failed, "TaskStateAborted", becomes_source=False)
    for other in sorted(running):
        details = _details(current, other)
        run.event(
            failed,
            "MapIterationAborted",
            "mapIterationAbortedEventDetails",
            details,
            becomes_source=False,
        )
        state_type = running[other].state_type
        if state_type is not None:
            run.event(failed, f"{state_type}StateAborted", becomes_source=False)
    current.frame.thread.source = failed.thread.source
    current.frame.thread.last = failed.thread.last


def _details(current: StateRun, index: int) -> dict[str, Any]:
    return {"index": index, "name": current.name}
