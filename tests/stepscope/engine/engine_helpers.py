"""Small helpers shared by the engine tests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from stepscope.engine import Completed, run_to_completion


def machine(states: dict[str, Any], start: str | None = None) -> dict[str, Any]:
    return {"StartAt": start or next(iter(states)), "States": states}


def run(definition: dict[str, Any], value: Any = None, **kwargs: Any) -> Completed:
    return run_to_completion(definition, {} if value is None else value, **kwargs)


def types(completed: Completed) -> list[str]:
    return [event["type"] for event in completed.events]


def chain(completed: Completed) -> list[tuple[int, int, str]]:
    return [(e["id"], e["previousEventId"], e["type"]) for e in completed.events]


def exited_output(completed: Completed, name: str) -> Any:
    for event in completed.events:
        details = event.get("stateExitedEventDetails")
        if details and details["name"] == name:
            return json.loads(details["output"])
    raise AssertionError(f"no exited event for {name}")


REPO = Path(__file__).resolve().parents[3]
CONFORMANCE = REPO.parent / "shared" / "conformance"


def conformance_runner() -> ModuleType:
    """The shared corpus's run.py (with normalise.py), loaded from ../shared, never copied."""
    spec = importlib.util.spec_from_file_location("conformance_run", CONFORMANCE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
