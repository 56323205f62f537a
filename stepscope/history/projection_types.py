"""What the projection produces: frozen views of the execution and of every state run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from stepscope.history.status import ExecutionStatus, RunStatus

AttemptStatus = Literal["succeeded", "failed", "timed-out", "in-progress", "aborted"]


@dataclass(frozen=True)
class Attempt:
    number: int
    scheduled_event_id: int | None
    ended_event_id: int | None
    started_at: datetime | None
    ended_at: datetime | None
    status: AttemptStatus
    error: str | None
    cause: str | None
    backoff_seconds: float | None


@dataclass(frozen=True)
class StateRun:
    key: str
    name: str
    state_type: str
    parent_key: str | None
    iteration: int | None
    branch: int | None
    entered_event_id: int
    exited_event_id: int | None
    status: RunStatus
    input: str | None
    output: str | None
    parameters: str | None
    task_result: str | None
    resource: str | None
    error: str | None
    cause: str | None
    attempts: tuple[Attempt, ...]
    started_at: datetime | None
    ended_at: datetime | None
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class ExecutionSummary:
    status: ExecutionStatus
    started_at: datetime | None
    stopped_at: datetime | None
    duration_seconds: float | None
    input: str | None
    output: str | None
    error: str | None
    cause: str | None
    transitions: int
    event_count: int


@dataclass(frozen=True)
class Projection:
    execution: ExecutionSummary
    runs: tuple[StateRun, ...]
    failed_run_key: str | None
    node_statuses: Mapping[str, RunStatus]
    # The caught failures that led, through their Catch, to the failed run (oldest first).
    caught_before_failure: tuple[str, ...] = ()

    _by_key: Mapping[str, StateRun] = field(init=False, repr=False, compare=False)
    _by_name: Mapping[str, tuple[StateRun, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[StateRun]] = {}
        for candidate in self.runs:
            by_name.setdefault(candidate.name, []).append(candidate)
        object.__setattr__(self, "_by_key", {candidate.key: candidate for candidate in self.runs})
        object.__setattr__(self, "_by_name", {name: tuple(runs) for name, runs in by_name.items()})

    def run(self, key: str) -> StateRun | None:
        """The run with this key, or None."""
        return self._by_key.get(key)

    def runs_of(self, name: str) -> tuple[StateRun, ...]:
        """Every run of the state with this name, in order of entry."""
        return self._by_name.get(name, ())

    @property
    def failed_run(self) -> StateRun | None:
        """The run whose error ended the execution, if any."""
        return None if self.failed_run_key is None else self.run(self.failed_run_key)

    def children_of(self, key: str) -> tuple[StateRun, ...]:
        """The runs directly inside the Map or Parallel run with this key."""
        return tuple(candidate for candidate in self.runs if candidate.parent_key == key)
