"""How long tasks take on the virtual clock: simulated task durations.

A local handler or a mocked response answers at once, so by default a task ends the moment it
starts. A durations table gives tasks the time they take on AWS, so a simulation shows what
timing changes: Map iterations that overlap and finish out of order, a task that runs past its
TimeoutSeconds (TaskTimedOut, States.Timeout), a Wait racing a slow branch.

The table maps state names to seconds, either one number for every invocation of the state or
an object keyed by invocation numbers and ranges, the way a mock configuration numbers a
state's invocations: `{"CheckStock": 0.4, "PickLine": {"0": 0.5, "1-3": 1.2}}`. An invocation
past the last key takes the last key's time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stepscope.engine.fibers import pause_until
from stepscope.engine.resolvers.mock_config import MockConfigError, invocation_range

__all__ = ["DurationsError", "TaskDurations", "check_states", "elapse"]

# The invocation counters are shared with mocked responses: durations count under their own key,
# marked with U+0001, a control character no state name may hold (and, unlike U+0000, one that
# PostgreSQL's jsonb stores, so a snapshot with it can be saved).
_COUNTER = "\x01duration\x01"
# No task outlasts an execution: a Standard execution runs for a year at most.
LONGEST = 366 * 24 * 60 * 60


class DurationsError(ValueError):
    """A durations table that cannot be used, with where the problem is (a JSON pointer)."""


@dataclass(frozen=True)
class TaskDurations:
    states: dict[str, tuple[tuple[int, int, float], ...]]  # state -> (first, last, seconds)

    @classmethod
    def parse(cls, data: Any) -> TaskDurations:
        if not isinstance(data, dict):
            raise DurationsError("/: durations must be a JSON object of state names")
        states: dict[str, tuple[tuple[int, int, float], ...]] = {}
        for state, spec in data.items():
            where = "/" + str(state).replace("~", "~0").replace("/", "~1")
            if isinstance(spec, dict):
                if not spec:
                    raise DurationsError(f"{where}: give at least one invocation's seconds")
                spans = [_span(str(key), value, f"{where}/{key}") for key, value in spec.items()]
                states[str(state)] = tuple(sorted(spans))
            else:
                states[str(state)] = ((0, 0, _seconds(spec, where)),)
        return cls(states)

    def seconds(self, state: str, invocation: int) -> float:
        spans = self.states.get(state)
        if not spans:
            return 0.0
        for first, last, seconds in spans:
            if first <= invocation <= last:
                return seconds
        return spans[-1][2]


def _span(key: str, value: Any, where: str) -> tuple[int, int, float]:
    try:
        first, last = invocation_range(key, where)
    except MockConfigError as problem:
        raise DurationsError(str(problem)) from None
    return first, last, _seconds(value, where)


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise DurationsError(
            f"{where}: must be a number of seconds (0 or more), not {json.dumps(value)}"
        )
    if value > LONGEST:
        raise DurationsError(
            f"{where}: {json.dumps(value)} seconds is longer than an execution can run "
            f"(a year, {LONGEST} seconds)"
        )
    return float(value)


def check_states(durations: TaskDurations, definition: Any) -> None:
    """Every state the table names must be a Task of the definition (at any depth): a typo
    would otherwise be ignored without a word."""
    tasks: set[str] = set()
    _collect_tasks(definition, tasks)
    for name in durations.states:
        if name not in tasks:
            where = "/" + name.replace("~", "~0").replace("/", "~1")
            raise DurationsError(f"{where}: the definition has no Task state named {name!r}")


def _collect_tasks(machine: Any, tasks: set[str]) -> None:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task":
            tasks.add(str(name))
        for branch in state.get("Branches") or []:
            _collect_tasks(branch, tasks)
        _collect_tasks(state.get("ItemProcessor") or state.get("Iterator"), tasks)


def elapse(current: Any) -> bool:
    """Let this invocation's duration pass on the clock (other Map iterations go on meanwhile).
    False when the task ran past its TimeoutSeconds: the clock then stands at the timeout."""
    durations = current.run.resolvers.get("durations")
    if not isinstance(durations, TaskDurations) or current.name not in durations.states:
        return True
    seconds = durations.seconds(current.name, current.run.invocation(_COUNTER + current.name))
    timeouts = current.timeouts or {}
    limits = [timeouts.get("timeoutInSeconds")]
    if getattr(current, "task_token", None) is not None:  # a callback: no heartbeat while it runs
        limits.append(timeouts.get("heartbeatInSeconds"))
    timeout = min((limit for limit in limits if limit is not None), default=None)
    clock = current.run.clock
    if timeout is not None and seconds > timeout:
        pause_until(clock, clock.now + timedelta(seconds=timeout))
        return False
    if seconds > 0:
        pause_until(clock, clock.now + timedelta(seconds=seconds))
    return True
