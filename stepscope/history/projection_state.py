"""The projection's mutable working state: frames (where a run lives), runs and attempts.

A frame is the root of the execution, one Parallel branch or one Map iteration. Every state run
lives in one frame; a Map or Parallel run owns the frames of its iterations or branches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stepscope.history.projection_types import AttemptStatus


@dataclass(slots=True, eq=False)
class Frame:
    container: RunState | None  # the Map or Parallel run owning this frame; None for the root
    prefix: str  # key prefix of the runs inside, e.g. "Lines/i3/"
    iteration: int | None = None
    branch: int | None = None
    closed: bool = False  # the iteration ended, or the container stopped its branches
    runs: list[RunState] = field(default_factory=list)  # the runs entered directly in it

    def is_closed(self) -> bool:
        """True when this frame or any enclosing frame has ended."""
        frame: Frame | None = self
        while frame is not None:
            if frame.closed:
                return True
            frame = frame.container.frame if frame.container is not None else None
        return False


@dataclass(slots=True, eq=False)
class AttemptState:
    number: int
    scheduled_event_id: int | None
    started_at: datetime | None
    backoff_seconds: float | None
    status: AttemptStatus = "in-progress"
    ended_event_id: int | None = None
    ended_at: datetime | None = None
    error: str | None = None
    cause: str | None = None


@dataclass(slots=True, eq=False)
class RunState:
    key: str
    name: str
    state_type: str
    frame: Frame
    entered_event_id: int
    order: int
    input: str | None = None
    output: str | None = None
    parameters: str | None = None
    task_result: str | None = None
    resource: str | None = None
    error: str | None = None
    cause: str | None = None
    started_at: datetime | None = None
    last_event_at: datetime | None = None
    exited_event_id: int | None = None
    exited: bool = False  # an Exited event, or the next state entered after it in its frame
    failing: bool = False  # the latest outcome was a failure (cleared by a later success)
    failure_event_id: int | None = None
    aborted: bool = False
    stopped: bool = False  # still open when the execution ended (a redrive does not reopen it)
    container_started: bool = False  # Map/Parallel: between its Started and its end
    attempts: list[AttemptState] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    branches: list[Frame] = field(default_factory=list)
    iterations: dict[int, Frame] = field(default_factory=dict)

    def is_descendant_of(self, ancestor: RunState) -> bool:
        """True when this run lives (at any depth) inside one of ancestor's frames."""
        container = self.frame.container
        while container is not None:
            if container is ancestor:
                return True
            container = container.frame.container
        return False

    def record_failure(self, event_id: int | None, error: str | None, cause: str | None) -> None:
        self.failing = True
        self.failure_event_id = event_id
        self.error = error
        self.cause = cause

    def current_attempt(self) -> AttemptState | None:
        return self.attempts[-1] if self.attempts else None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the events chained after one event continue: a frame and the run last active in it."""

    frame: Frame
    run: RunState | None
    opens_branches: bool = False  # the event was a ParallelStateStarted
