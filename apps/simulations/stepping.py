"""One delivery of the step task: step the engine as far as is due now.

- instant pace: step after step on the virtual clock (each Wait's deadline is jumped to), saving
  once at the end; up to INSTANT_STEPS_PER_TASK steps, then the task queues itself again so one
  long run does not hold a worker.
- real or scaled pace: each step is saved and published as it happens; the task goes on while
  the next step is already due and stops at the first one due later (a Wait, a retry back-off,
  a callback's deadline), which it queues with a countdown.
A task waiting for a callback with no deadline queues nothing: the callback queues the next step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.simulations.models import Simulation
from apps.simulations.pace import pace_scale, real_time_of, seconds_until, virtual_now
from stepscope.engine import StepResult, step
from stepscope.engine.callbacks import waiting_tasks
from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.stepper import Snapshot

INSTANT_STEPS_PER_TASK = 1000
PACED_STEPS_PER_TASK = 200
# A step due this soon runs now, at its deadline (each event moves the virtual clock by 1 ms).
DUE_SLACK_SECONDS = 0.05

# save(simulation, result, events since the last save, countdown, final) -> still ours?
SaveStep = Callable[[Simulation, StepResult, list[dict[str, Any]], float | None, bool], bool]


@dataclass
class StepBatch:
    steps: int = 0
    saved_events: int = 0
    countdown: float | None = None  # the next step's, once the batch is over
    lost: bool = False  # the simulation changed meanwhile: nothing more was saved


def _start_time(snapshot: Snapshot) -> Any:
    return parse_iso(snapshot["execution"]["Execution"]["StartTime"])


def step_now(simulation: Simulation, snapshot: Snapshot, wake_at: str | None) -> str | None:
    """The virtual time to step at: the deadline at instant pace (None: the snapshot's time),
    else the real clock mapped to the virtual one (never before the snapshot's time, and at
    `wake_at` when that is due within DUE_SLACK_SECONDS)."""
    scale = pace_scale(simulation.pace)
    if scale is None:
        return wake_at
    mapped = virtual_now(
        origin_real=simulation.clock_origin, origin_virtual=_start_time(snapshot), scale=scale
    )
    moments = [mapped, parse_iso(snapshot["now"])]
    if wake_at is not None and _real_seconds_until(simulation, snapshot, wake_at) == 0:
        moments.append(parse_iso(wake_at))
    return format_iso(max(moments))


def _real_seconds_until(simulation: Simulation, snapshot: Snapshot, wake_at: str) -> float:
    """At a real or scaled pace: real seconds until `wake_at`, 0 when due within the slack."""
    scale = pace_scale(simulation.pace) or 1.0
    due = real_time_of(
        parse_iso(wake_at),
        origin_real=simulation.clock_origin,
        origin_virtual=_start_time(snapshot),
        scale=scale,
    )
    seconds = seconds_until(due)
    return 0.0 if seconds <= DUE_SLACK_SECONDS else seconds


def next_countdown(simulation: Simulation, snapshot: Snapshot, wake_at: str | None) -> float | None:
    """Real seconds until the next step is due; None when none is (ended, or parked for good)."""
    if snapshot.get("status") != "RUNNING" or wake_at is None:
        return None
    moment = parse_iso(wake_at)
    scale = pace_scale(simulation.pace)
    if scale is None:
        deadlines = [parse_iso(t["deadline"]) for t in waiting_tasks(snapshot) if t.get("deadline")]
        if not deadlines or moment < min(deadlines):
            # Nothing waits, or the step is due for other iterations or branches (a callback's
            # own deadline is not what is due): the virtual clock jumps to it.
            return 0.0
        # A callback's deadline counts in real seconds, so a person has time to answer.
        return max(0.0, (moment - parse_iso(snapshot["now"])).total_seconds())
    return _real_seconds_until(simulation, snapshot, wake_at)


def run_steps(simulation: Simulation, resolvers: dict[str, Any], *, save: SaveStep) -> StepBatch:
    scale = pace_scale(simulation.pace)
    limit = INSTANT_STEPS_PER_TASK if scale is None else PACED_STEPS_PER_TASK
    snapshot: Snapshot = simulation.snapshot
    wake_at = format_iso(simulation.wake_at) if simulation.wake_at is not None else None
    batch = StepBatch()
    unsaved: list[dict[str, Any]] = []
    while True:
        now = step_now(simulation, snapshot, wake_at)
        result = step(snapshot, resolvers=resolvers, now=now)
        batch.steps += 1
        snapshot, wake_at = result.snapshot, result.wake_at
        unsaved.extend(result.events)
        countdown = next_countdown(simulation, snapshot, wake_at)
        final = countdown != 0 or batch.steps >= limit
        if final or scale is not None:
            if not save(simulation, result, unsaved, countdown, final):
                batch.lost = True
                return batch
            batch.saved_events += len(unsaved)
            unsaved = []
        if final:
            batch.countdown = countdown
            return batch
