"""Run a list of states from StartAt to its end: a Parallel branch or a Map iteration."""

from __future__ import annotations

from typing import Any

from stepscope.engine.runtime import (
    Branch,
    End,
    Frame,
    Next,
    Run,
    StateFailure,
    Suspend,
)
from stepscope.engine.states import handler_for
from stepscope.engine.states.common import enter_state

__all__ = ["branch_of", "may_wait", "run_branch"]

MAX_TRANSITIONS = 100_000


def branch_of(processor: dict[str, Any]) -> Branch:
    return Branch(str(processor["StartAt"]), dict(processor["States"]))


def may_wait(states: dict[str, Any]) -> bool:
    """Whether running these states can ever wait on the clock: a task, a Wait, a retry's
    back-off, a Map (it takes a moment to act on a failed iteration), or a Parallel state with
    one of these inside. States that cannot wait run straight through."""
    for state in states.values():
        kind = state.get("Type") if isinstance(state, dict) else None
        if kind in ("Task", "Wait", "Map") or (isinstance(state, dict) and state.get("Retry")):
            return True
        if kind == "Parallel":
            branches = state.get("Branches") or []
            if any(may_wait(branch.get("States") or {}) for branch in branches):
                return True
    return False


def run_branch(run: Run, frame: Frame, branch: Branch, value: Any) -> Any:
    """Run to the end and return the output; a failure raises StateFailure."""
    name = branch.start_at
    for _ in range(MAX_TRANSITIONS):
        current = enter_state(run, frame, branch, name, value)
        frame.state_type = current.state_type
        try:
            outcome = handler_for(current.state_type)(current)
        except StateFailure as failure:
            if failure.state_type is None:
                failure.state_type = current.state_type
            raise
        if isinstance(outcome, Next):
            name, value = outcome.state, outcome.output
        elif isinstance(outcome, End):
            return outcome.output
        elif isinstance(outcome, Suspend):  # pragma: no cover - branches never suspend
            raise RuntimeError("a branch cannot suspend")
    raise RuntimeError(f"more than {MAX_TRANSITIONS} transitions in one branch")
