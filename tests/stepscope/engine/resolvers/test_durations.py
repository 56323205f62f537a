"""Durations tables: seconds per state, per invocation number or range, with clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.engine.resolvers.durations import DurationsError, TaskDurations, check_states


def test_one_number_covers_every_invocation() -> None:
    durations = TaskDurations.parse({"Check": 0.4})
    assert [durations.seconds("Check", n) for n in range(3)] == [0.4, 0.4, 0.4]
    assert durations.seconds("Other", 0) == 0.0


def test_invocation_numbers_and_ranges_and_the_last_key_after_them() -> None:
    durations = TaskDurations.parse({"Pick": {"2-3": 5, "0": 1, "1": 2}})
    assert [durations.seconds("Pick", n) for n in range(6)] == [1, 2, 5, 5, 5, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "/: durations must be a JSON object of state names"),
        ({"A": -1}, "/A: must be a number of seconds (0 or more), not -1"),
        ({"A": "5"}, '/A: must be a number of seconds (0 or more), not "5"'),
        ({"A": True}, "/A: must be a number of seconds (0 or more), not true"),
        ({"A": {}}, "/A: give at least one invocation's seconds"),
        ({"a/b": {"x": 1}}, '/a~1b/x: the key must be an invocation number or range ("0", "1-3")'),
        ({"A": {"3-1": 1}}, "/A/3-1: the range ends before it starts"),
        ({"A": {"0": None}}, "/A/0: must be a number of seconds (0 or more), not null"),
    ],
)
def test_a_bad_table_says_what_and_where(data: Any, message: str) -> None:
    with pytest.raises(DurationsError) as raised:
        TaskDurations.parse(data)
    assert str(raised.value) == message


def test_a_duration_longer_than_an_execution_can_run_is_refused() -> None:
    with pytest.raises(DurationsError) as raised:
        TaskDurations.parse({"A": {"0": 1e12}})
    assert str(raised.value) == (
        "/A/0: 1000000000000.0 seconds is longer than an execution can run "
        "(a year, 31622400 seconds)"
    )


def test_the_table_may_only_name_task_states_of_the_definition() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "M",
                        "States": {
                            "M": {
                                "Type": "Map",
                                "ItemProcessor": {
                                    "StartAt": "Deep",
                                    "States": {"Deep": {"Type": "Task", "Resource": "x"}},
                                },
                            }
                        },
                    }
                ],
                "Next": "Top",
            },
            "Top": {"Type": "Task", "Resource": "x", "Next": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 1, "End": True},
        },
    }
    check_states(TaskDurations.parse({"Deep": 1, "Top": {"0": 2}}), definition)
    with pytest.raises(DurationsError) as raised:
        check_states(TaskDurations.parse({"Top": 1, "Tpo": 1}), definition)
    assert str(raised.value) == "/Tpo: the definition has no Task state named 'Tpo'"
    with pytest.raises(DurationsError) as raised:
        check_states(TaskDurations.parse({"Wait": 1}), definition)
    assert str(raised.value) == "/Wait: the definition has no Task state named 'Wait'"
