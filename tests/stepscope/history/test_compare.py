"""Comparing two executions: the first divergence, the JSON diff, durations."""

from __future__ import annotations

import json

from stepscope.history.compare import (
    MAX_CHANGES,
    Change,
    compare,
    first_divergence,
    json_diff,
    payload_diff,
)
from stepscope.history.projection import Projection, project
from tests.stepscope.history.conftest import HistoryWriter


def _charge(*, error: str | None = None, task_after: float = 1.0) -> Projection:
    """Validate (Pass), then Charge (Task: succeeds, or fails and the execution fails)."""
    history = HistoryWriter()
    history.start({"order": 1})
    validated = history.pass_state("Validate")
    charge = history.enter("Task", "Charge", validated, {"order": 1})
    last = history.task_attempt(charge, error=error, after=task_after)
    if error is None:
        exited = history.exit("Task", "Charge", last, {"paid": True})
        history.add("ExecutionSucceeded", exited, output="{}")
    else:
        history.add("ExecutionFailed", last, error=error, cause="no")
    return project(history.events)


def _choice(branch: str) -> Projection:
    history = HistoryWriter()
    history.start()
    chosen = history.enter("Choice", "Route")
    exited = history.exit("Choice", "Route", chosen)
    done = history.pass_state(branch, exited)
    history.add("ExecutionSucceeded", done, output="{}")
    return project(history.events)


def _map(failing: tuple[int, ...]) -> Projection:
    history = HistoryWriter()
    history.start()
    entered = history.enter("Map", "Lines", prev=0)
    started = history.add("MapStateStarted", entered, length=4)
    last = started
    for index in range(4):
        iteration = history.add("MapIterationStarted", started, index=index, name="Lines")
        check = history.enter("Task", "Check", iteration)
        last = history.task_attempt(check, error="UnknownSku" if index in failing else None)
        if index in failing:
            history.add("MapIterationFailed", last, index=index, name="Lines")
        else:
            exited = history.exit("Task", "Check", last)
            last = history.add("MapIterationSucceeded", exited, index=index, name="Lines")
    done = history.add("MapStateSucceeded", last)
    exited = history.exit("Map", "Lines", done)
    history.add("ExecutionSucceeded", exited, output="[]")
    return project(history.events)


def test_identical_runs_have_no_divergence() -> None:
    assert first_divergence(_charge(), _charge()) is None
    assert first_divergence(_map(()), _map(())) is None
    comparison = compare(_charge(), _charge())
    assert comparison.divergence is None
    assert all(pair.input_diff.same and pair.output_diff.same for pair in comparison.pairs)


def test_same_path_different_status() -> None:
    divergence = first_divergence(_charge(error="Declined"), _charge())
    assert divergence is not None
    assert divergence.state == "Charge"
    assert (divergence.key_a, divergence.key_b) == ("Charge", "Charge")
    assert divergence.reason == "failed in A, succeeded in B"


def test_different_path_after_a_choice() -> None:
    divergence = first_divergence(_choice("Left"), _choice("Right"))
    assert divergence is not None
    assert divergence.state == "Left" and "A went to Left, B to Right" == divergence.reason


def test_a_state_only_one_run_reached() -> None:
    shorter = HistoryWriter()
    shorter.start({"order": 1})
    done = shorter.pass_state("Validate")
    shorter.add("ExecutionSucceeded", done, output="{}")
    divergence = first_divergence(project(shorter.events), _charge())
    assert divergence is not None
    assert (divergence.state, divergence.key_a, divergence.key_b) == ("Charge", None, "Charge")
    assert divergence.reason == "only B ran it here"


def test_map_iterations_are_compared_by_iteration_number() -> None:
    divergence = first_divergence(_map(()), _map((2,)))
    assert divergence is not None
    # The Map itself succeeded in both (this toy Map does not fail): the difference is inside.
    assert divergence.state == "Check"
    assert divergence.key_a == "Lines/i2/Check" and divergence.key_b == "Lines/i2/Check"
    assert first_divergence(_map((1,)), _map((2,))).key_a == "Lines/i1/Check"  # type: ignore[union-attr]


def test_pairs_are_by_key_in_tree_order_with_durations() -> None:
    comparison = compare(_map(()), _map((3,)))
    keys = [pair.key for pair in comparison.pairs]
    assert keys[:3] == ["Lines", "Lines/i0/Check", "Lines/i1/Check"]
    assert comparison.pair_count == len(comparison.pairs) == 5
    slow = compare(_charge(), _charge(task_after=4.0))
    charge = next(pair for pair in slow.pairs if pair.key == "Charge")
    assert charge.seconds_delta == 3.0
    assert slow.seconds_delta is not None


def test_the_executions_input_and_output_are_diffed_too() -> None:
    comparison = compare(_charge(error="Declined"), _charge())
    assert comparison.input_diff.same
    assert comparison.output_diff.changes == (Change("$", "changed", None, {}),)


def test_json_diff_added_removed_changed() -> None:
    old = {"order": {"id": "o-1", "items": [1, 2, 3]}, "gone": True, "odd key": 1}
    new = {"order": {"id": "o-2", "items": [1, 2]}, "new": None, "odd key": 1}
    diff = json_diff(old, new)
    assert diff.changes == (
        Change("$.order.id", "changed", "o-1", "o-2"),
        Change("$.order.items[2]", "removed", 3, None),
        Change("$.gone", "removed", True, None),
        Change("$.new", "added", None, None),
    )
    assert json_diff({"a b": 1}, {"a b": 2}).changes[0].path == '$["a b"]'


def test_json_diff_keeps_types_apart_and_numbers_together() -> None:
    assert not json_diff({"n": 1}, {"n": 1.0}).changes
    assert json_diff({"n": 1}, {"n": True}).changes[0].kind == "changed"
    assert json_diff([0], [False]).changes


def test_payload_diff_of_text_that_is_not_json_and_of_nothing() -> None:
    assert payload_diff("not json", "not json").same
    assert payload_diff("not json", "other").changes == (
        Change("$", "changed", "not json", "other"),
    )
    assert payload_diff(None, None).same


def test_a_long_diff_is_cut_and_says_so() -> None:
    diff = json_diff({str(i): i for i in range(1000)}, {})
    assert len(diff.changes) == MAX_CHANGES and diff.truncated


def test_a_deep_value_does_not_recurse_forever() -> None:
    deep_a: object = 1
    deep_b: object = 2
    for _ in range(500):
        deep_a, deep_b = [deep_a], [deep_b]
    text_a, text_b = json.dumps(deep_a), json.dumps(deep_b)
    diff = payload_diff(text_a, text_b)
    assert len(diff.changes) == 1 and diff.changes[0].kind == "changed"
