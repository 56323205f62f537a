"""The projection: from AWS history events to what the debugger shows.

Everything on an execution page (statuses, the failed state, attempts, Map iterations, Parallel
branches) is derived here from the events alone, in one pass. ``Projector`` takes events one at a
time for live streaming; ``project`` takes them all at once; both give the same result.
"""

from __future__ import annotations

from collections.abc import Iterable

from stepscope.history.events import HistoryEvent
from stepscope.history.lambda_errors import LambdaError, parse_lambda_cause
from stepscope.history.projection_feed import HistoryBuilder
from stepscope.history.projection_finish import freeze
from stepscope.history.projection_types import (
    Attempt,
    AttemptStatus,
    ExecutionSummary,
    Projection,
    StateRun,
)

__all__ = [
    "Attempt",
    "AttemptStatus",
    "ExecutionSummary",
    "LambdaError",
    "Projection",
    "Projector",
    "StateRun",
    "parse_lambda_cause",
    "project",
]


class Projector:
    """An incremental projection: feed events in history order, read the projection at any time.

    Events that are not objects, repeat an id already fed, or make no sense where they are, are
    skipped; the projection is best effort and never raises.
    """

    def __init__(self) -> None:
        self._builder = HistoryBuilder()
        self._cached: Projection | None = None

    def feed(self, event: HistoryEvent) -> None:
        self._builder.feed(event)
        self._cached = None

    def feed_all(self, events: Iterable[HistoryEvent]) -> None:
        for event in events:
            self.feed(event)

    def projection(self) -> Projection:
        if self._cached is None:
            self._cached = freeze(self._builder)
        return self._cached

    @property
    def unplaced_events(self) -> int:
        """How many events could not be placed at all (kept for diagnostics; normally 0)."""
        return self._builder.unplaced_events


def project(events: Iterable[HistoryEvent]) -> Projection:
    """The projection of a whole history, events taken in the order given (ascending ids)."""
    projector = Projector()
    projector.feed_all(events)
    return projector.projection()
