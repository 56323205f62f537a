"""Run an execution to its end on the virtual clock (batch mode, the CLI, tests), or until it
parks for a callback (then `waiting` says what it waits for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepscope.engine.callbacks import waiting_task
from stepscope.engine.execution import ExecutionContext
from stepscope.engine.stepper import start, step

__all__ = ["Completed", "run_to_completion"]

MAX_STEPS = 1_000_000


@dataclass
class Completed:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    waiting: dict[str, Any] | None = None  # a parked task (status RUNNING): its token and state
    snapshot: dict[str, Any] = field(default_factory=dict)


def run_to_completion(
    definition: dict[str, Any],
    value: Any,
    *,
    context: ExecutionContext | None = None,
    resolvers: dict[str, Any] | None = None,
    seed: int = 0,
    machine_type: str = "STANDARD",
    max_steps: int = MAX_STEPS,
) -> Completed:
    """Step until the execution ends, jumping the virtual clock to each wake_at."""
    snapshot = start(definition, value, context=context, seed=seed, machine_type=machine_type)
    events: list[dict[str, Any]] = []
    wake_at: str | None = None
    for _ in range(max_steps):
        result = step(snapshot, resolvers=resolvers, now=wake_at)
        snapshot, wake_at = result.snapshot, result.wake_at
        events.extend(result.events)
        if wake_at is None:
            break
    return Completed(
        status=snapshot["status"],
        output=snapshot.get("output"),
        error=snapshot.get("error"),
        cause=snapshot.get("cause"),
        events=events,
        waiting=waiting_task(snapshot),
        snapshot=snapshot,
    )
