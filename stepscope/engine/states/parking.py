"""Callbacks that wait inside concurrent iterations or branches.

When a task in one iteration (or branch) waits for a callback with no answer yet, the whole
top-level state stops and is replayed once the answer arrives (stepscope.engine.replay). Before it
stops, the other iterations still do what is already in the past at this step, i.e. everything
due before the step's time: a sibling that fails at 1 s then fails the Map at 1 s, even though
another iteration is waiting for a callback. And the state is taken up again (`wake`) when the
others would next go on, so a waiting callback never holds up what the clock says happens first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stepscope.engine.fibers import FiberPool, Finished
from stepscope.engine.runtime import ParkedInBranch, Run

__all__ = ["Parked"]

_JUST_BEFORE = timedelta(microseconds=1)


class Parked:
    """The first callback that waits in a pool, and how far its siblings may still go."""

    def __init__(self, run: Run, first: ParkedInBranch) -> None:
        self.first = first
        # Strictly before the step's time: an answer (which arrives at or after it) never ties.
        self._limit = None if run.step_now is None else run.step_now - _JUST_BEFORE

    def add(self, other: ParkedInBranch) -> None:
        """Another iteration waits too: it is taken up with the first one."""
        if other is not self.first and other.wake is not None:
            self._merge(other.wake)

    def next_finished(self, pool: FiberPool[Any]) -> Finished[Any] | None:
        """The next sibling to end before the step's time, or None."""
        return None if self._limit is None else pool.next_finished_by(self._limit)

    def stop(self, pool: FiberPool[Any]) -> ParkedInBranch:
        """What to raise: the first callback, woken when the remaining siblings next go on."""
        due = pool.next_due()
        if due is not None:
            self._merge(due)
        return self.first

    def _merge(self, moment: Any) -> None:
        wake = self.first.wake
        self.first.wake = moment if wake is None else min(wake, moment)
