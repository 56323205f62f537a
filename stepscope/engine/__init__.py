"""The ASL interpreter: a resumable stepper over a JSON snapshot (see shared DESIGN.md).

snapshot = start(definition, input, context=..., seed=...)
result = step(snapshot, resolvers=..., now=...)   # -> StepResult(snapshot, events, wake_at)
completed = run_to_completion(definition, input, ...)
"""

from __future__ import annotations

from stepscope.engine.api import Completed, run_to_completion
from stepscope.engine.stepper import Snapshot, StepResult, start, step

__all__ = ["Completed", "Snapshot", "StepResult", "run_to_completion", "start", "step"]
