"""Placeholder."""

from __future__ import annotations

from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.runtime import Outcome
from stepscope.engine.states.common import StateRun


def execute(current: StateRun) -> Outcome:
    raise current.fail(RuntimeFailure("not supported yet"))
