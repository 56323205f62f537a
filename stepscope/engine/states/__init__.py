"""One module per ASL state type; `handler_for` picks the module for a state's Type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepscope.engine.runtime import Outcome

__all__ = ["handler_for"]


_HANDLERS: dict[str, Callable[[Any], Outcome]] = {}


def handler_for(state_type: str) -> Callable[[Any], Outcome]:
    if not _HANDLERS:
        _HANDLERS.update(_handlers())
    return _HANDLERS[state_type]


def _handlers() -> dict[str, Callable[[Any], Outcome]]:
    from stepscope.engine.states import (
        choice,
        fail,
        map_state,
        parallel,
        pass_state,
        succeed,
        task,
        wait,
    )

    handlers: dict[str, Callable[[Any], Outcome]] = {
        "Pass": pass_state.execute,
        "Succeed": succeed.execute,
        "Fail": fail.execute,
        "Choice": choice.execute,
        "Wait": wait.execute,
        "Task": task.execute,
        "Parallel": parallel.execute,
        "Map": map_state.execute,
    }
    return handlers
