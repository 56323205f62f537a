"""Retry and Catch."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stepscope.asl.validation.helpers import INVOKE, assert_fails_at, assert_ok, machine


def task_machine(**fields: Any) -> dict[str, Any]:
    task = {"Type": "Task", "Resource": INVOKE, "Next": "Done", **fields}
    return machine({"T": task, "Done": {"Type": "Succeed"}, "Handle": {"Type": "Fail"}})


def test_full_retrier_and_catcher() -> None:
    definition = task_machine(
        Retry=[
            {
                "ErrorEquals": ["States.Timeout", "Custom"],
                "IntervalSeconds": 2,
                "MaxAttempts": 0,
                "BackoffRate": 2,
                "MaxDelaySeconds": 10,
                "JitterStrategy": "FULL",
            },
            {"ErrorEquals": ["States.ALL"], "BackoffRate": 1.5},
        ],
        Catch=[
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handle"},
        ],
    )
    assert_ok(definition)


@pytest.mark.parametrize(
    ("retrier", "where"),
    [
        ({"ErrorEquals": []}, "/States/T/Retry/0/ErrorEquals"),
        ({}, "/States/T/Retry/0"),
        ({"ErrorEquals": "States.ALL"}, "/States/T/Retry/0/ErrorEquals"),
        ({"ErrorEquals": [1]}, "/States/T/Retry/0/ErrorEquals/0"),
        ({"ErrorEquals": ["A"], "MaxAttempts": -1}, "/States/T/Retry/0/MaxAttempts"),
        ({"ErrorEquals": ["A"], "MaxAttempts": 99999999}, "/States/T/Retry/0/MaxAttempts"),
        ({"ErrorEquals": ["A"], "IntervalSeconds": 0}, "/States/T/Retry/0/IntervalSeconds"),
        ({"ErrorEquals": ["A"], "BackoffRate": 0.5}, "/States/T/Retry/0/BackoffRate"),
        ({"ErrorEquals": ["A"], "JitterStrategy": "SAMPLE"}, "/States/T/Retry/0/JitterStrategy"),
        ({"ErrorEquals": ["A"], "Next": "Done"}, "/States/T/Retry/0"),
        ({"ErrorEquals": ["States.ALL", "A"]}, "/States/T/Retry/0/ErrorEquals"),
    ],
)
def test_bad_retriers(retrier: dict[str, Any], where: str) -> None:
    assert_fails_at(task_machine(Retry=[retrier]), where)


def test_states_all_must_be_last() -> None:
    retry = [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["A"]}]
    assert_fails_at(task_machine(Retry=retry), "/States/T/Retry/0/ErrorEquals")
    catch = [
        {"ErrorEquals": ["States.ALL"], "Next": "Handle"},
        {"ErrorEquals": ["A"], "Next": "Handle"},
    ]
    assert_fails_at(task_machine(Catch=catch), "/States/T/Catch/0/ErrorEquals")


@pytest.mark.parametrize(
    ("catch", "where"),
    [
        (1, "/States/T/Catch"),
        (None, "/States/T/Catch"),
        ([{}], "/States/T/Catch/0"),
        ([{"ErrorEquals": [], "Next": "Handle"}], "/States/T/Catch/0/ErrorEquals"),
        (
            [{"ErrorEquals": ["A"], "Next": "Handle", "ResultPath": "x"}],
            "/States/T/Catch/0/ResultPath",
        ),
        ([{"ErrorEquals": ["A"], "Next": "Handle", "Output": {}}], "/States/T/Catch/0"),
        ([{"ErrorEquals": ["A"], "Next": "Handle", "Bogus": 1}], "/States/T/Catch/0"),
    ],
)
def test_bad_catchers(catch: Any, where: str) -> None:
    assert_fails_at(task_machine(Catch=catch), where)


def test_catcher_target_must_exist() -> None:
    catch = [{"ErrorEquals": ["A"], "Next": "Gone"}]
    assert_fails_at(
        task_machine(Catch=catch), "/States/T/Catch/0/Next", "MISSING_TRANSITION_TARGET"
    )


def test_retry_and_catch_on_parallel_and_map() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
    handlers = {
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}],
    }
    parallel = {"Type": "Parallel", "Branches": [branch], "Next": "Map", **handlers}
    processor = {"StartAt": "M", "States": {"M": {"Type": "Pass", "End": True}}}
    map_state = {"Type": "Map", "ItemProcessor": processor, "End": True, **handlers}
    assert_ok(machine({"P": parallel, "Map": map_state, "Handle": {"Type": "Fail"}}))
