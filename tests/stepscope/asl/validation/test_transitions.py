"""Transitions: targets, reachability, terminal states."""

from __future__ import annotations

from tests.stepscope.asl.validation.helpers import (
    assert_fails_at,
    assert_ok,
    check,
    error_codes,
    machine,
)


def test_missing_next_target() -> None:
    definition = machine({"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Succeed"}})
    assert_fails_at(definition, "/States/A/Next", "MISSING_TRANSITION_TARGET")


def test_missing_default_and_choice_targets() -> None:
    choice = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Gone"}],
        "Default": "Lost",
    }
    definition = machine({"C": choice, "E": {"Type": "Succeed"}})
    assert_fails_at(definition, "/States/C/Default", "MISSING_TRANSITION_TARGET")
    assert_fails_at(definition, "/States/C/Choices/0/Next", "MISSING_TRANSITION_TARGET")


def test_unreachable_state_is_an_error_naming_the_state() -> None:
    definition = machine({"A": {"Type": "Succeed"}, "Orphan": {"Type": "Succeed"}})
    result = check(definition)
    (problem,) = result.errors
    assert problem.code == "MISSING_TRANSITION_TARGET"
    assert problem.location == "/States/Orphan"
    assert problem.message == 'State "Orphan" is not reachable.'


def test_catch_and_default_make_states_reachable() -> None:
    definition = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}],
                "Next": "C",
            },
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Done"}],
                "Default": "Done",
            },
            "Handle": {"Type": "Fail"},
            "Done": {"Type": "Succeed"},
        }
    )
    assert_ok(definition)


def test_loop_without_terminal_is_missing_end_state() -> None:
    definition = machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}})
    assert error_codes(definition) == {"MISSING_END_STATE"}


def test_loop_with_unreachable_terminal() -> None:
    definition = machine(
        {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Next": "A"},
            "C": {"Type": "Succeed"},
        }
    )
    assert_fails_at(definition, "/States/C", "MISSING_TRANSITION_TARGET")


def test_transitions_do_not_leave_their_branch() -> None:
    branch = {"StartAt": "In", "States": {"In": {"Type": "Pass", "Next": "Out"}}}
    definition = machine(
        {
            "P": {"Type": "Parallel", "Branches": [branch], "Next": "Out"},
            "Out": {"Type": "Succeed"},
        }
    )
    assert_fails_at(definition, "/States/P/Branches/0/States/In/Next", "MISSING_TRANSITION_TARGET")
    assert "MISSING_END_STATE" in error_codes(definition)


def test_next_and_end_rules() -> None:
    assert_fails_at(machine({"A": {"Type": "Pass"}}), "/States/A")
    assert_fails_at(
        machine({"A": {"Type": "Pass", "End": True, "Next": "B"}, "B": {"Type": "Succeed"}}),
        "/States/A",
    )
    assert_fails_at(machine({"A": {"Type": "Pass", "End": False}}), "/States/A/End")
    assert_fails_at(machine({"A": {"Type": "Pass", "End": "yes"}}), "/States/A/End")
    assert_fails_at(machine({"A": {"Type": "Succeed", "End": True}}), "/States/A")
