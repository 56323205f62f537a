"""Durations tables: seconds per state, per invocation number or range, with clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.engine.resolvers.durations import DurationsError, TaskDurations


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
