"""A definition reconstructed from a history is valid ASL and draws like any other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.validation import validate_data
from stepscope.graph import render_svg
from stepscope.history.projection import project
from stepscope.history.reconstruct import RECONSTRUCTED_COMMENT, reconstruct_definition

CASES = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "cases"
# Normalised recordings replace ARNs with placeholders such as 'activity_arn'.
TOLERATED = {"INVALID_RESOURCE"}


def _errors(definition: dict[str, object]) -> list[str]:
    result = validate_data(definition)
    return [
        f"{item.code}: {item.message}"
        for item in result.diagnostics
        if item.severity == "ERROR" and item.code not in TOLERATED
    ]


def _parallel_with_map(history: Any) -> Any:
    history.start()
    entered = history.enter("Parallel", "FanOut", prev=0)
    started = history.add("ParallelStateStarted", entered)
    history.pass_state("Notify", started)
    lines = history.enter("Map", "Lines", started)
    map_started = history.add("MapStateStarted", lines, length=1)
    iteration = history.add("MapIterationStarted", map_started, index=0, name="Lines")
    charge = history.enter("Task", "Charge", iteration)
    ok = history.task_attempt(charge)
    charge_out = history.exit("Task", "Charge", ok)
    iteration_ok = history.add("MapIterationSucceeded", charge_out, index=0, name="Lines")
    map_ok = history.add("MapStateSucceeded", iteration_ok)
    lines_out = history.exit("Map", "Lines", map_ok)
    parallel_ok = history.add("ParallelStateSucceeded", lines_out)
    out = history.exit("Parallel", "FanOut", parallel_ok)
    history.add("ExecutionSucceeded", out)
    return history


def test_nested_states_are_rebuilt_with_branches_and_item_processor(history: Any) -> None:
    definition = reconstruct_definition(project(_parallel_with_map(history).events))
    assert definition["Comment"] == RECONSTRUCTED_COMMENT
    assert definition["StartAt"] == "FanOut"
    fan_out = definition["States"]["FanOut"]  # type: ignore[index]
    assert fan_out["Type"] == "Parallel" and fan_out["End"] is True
    branches = fan_out["Branches"]
    assert [branch["StartAt"] for branch in branches] == ["Notify", "Lines"]
    processor = branches[1]["States"]["Lines"]["ItemProcessor"]
    assert processor["StartAt"] == "Charge"
    assert processor["States"]["Charge"] == {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "End": True,
    }
    assert _errors(definition) == []
    svg = render_svg(build_state_machine(definition))
    for name in ("FanOut", "Notify", "Lines", "Charge"):
        assert f'data-state="{name}"' in svg


def test_catch_and_retry_are_rebuilt_from_what_happened(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "Charge", prev=0)
    first = history.task_attempt(charge, error="Throttled")
    second = history.task_attempt(first, error="PaymentDeclined")
    exited = history.exit("Task", "Charge", second)
    refund = history.pass_state("Refund", exited)
    history.add("ExecutionSucceeded", refund)
    definition = reconstruct_definition(project(history.events))
    charge_state = definition["States"]["Charge"]  # type: ignore[index]
    assert charge_state["Catch"] == [{"ErrorEquals": ["PaymentDeclined"], "Next": "Refund"}]
    assert charge_state["Retry"] == [{"ErrorEquals": ["Throttled"], "MaxAttempts": 1}]
    assert charge_state["End"] is True  # never seen to succeed, so no Next was observed
    assert _errors(definition) == []


def test_choice_keeps_every_branch_taken(history: Any) -> None:
    history.start()
    last = 0
    for target in ("Small", "Large"):
        entered = history.enter("Choice", "Size", last)
        exited = history.exit("Choice", "Size", entered)
        last = history.pass_state(target, exited)
    definition = reconstruct_definition(project(history.events))
    choices = definition["States"]["Size"]["Choices"]  # type: ignore[index]
    assert [choice["Next"] for choice in choices] == ["Small", "Large"]
    assert definition["States"]["Small"]["Next"] == "Size"  # type: ignore[index]


def _history_case_files() -> list[Path]:
    if not CASES.is_dir():
        return []
    return sorted(path for path in CASES.glob("*.json") if path.name != "index.json")


@pytest.mark.skipif(not CASES.is_dir(), reason="the conformance corpus is not present")
def test_every_real_history_reconstructs_to_a_valid_definition() -> None:
    checked = 0
    for path in _history_case_files():
        events = json.loads(path.read_text(encoding="utf-8"))["expected"].get("events")
        if not events:
            continue
        projection = project(events)
        if not projection.runs:
            continue
        definition = reconstruct_definition(projection)
        assert _errors(definition) == [], path.name
        text = json.dumps(definition)
        assert all(json.dumps(run.name) in text for run in projection.runs), path.name
        checked += 1
    assert checked > 400
