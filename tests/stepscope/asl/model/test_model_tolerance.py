"""build_state_machine never raises on bad shapes (people import broken definitions)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import ModelError, TaskState, UnknownState


@pytest.mark.parametrize("data", [[], "x", 3, None, True, [{"StartAt": "A"}]])
def test_a_non_object_top_level_raises_a_clear_model_error(data: object) -> None:
    with pytest.raises(ModelError, match="must be a JSON object"):
        build_state_machine(data)


def test_model_error_is_a_value_error() -> None:
    assert issubclass(ModelError, ValueError)


def test_unknown_and_missing_types_become_unknown_states() -> None:
    machine = build_state_machine(
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Lambda", "Next": "B"},
                "B": {"Next": "C"},
                "C": "not an object",
                "D": {"Type": ["Task"]},
            },
        }
    )
    a, b, c, d = machine.states
    assert all(isinstance(state, UnknownState) for state in machine.states)
    assert {state.type for state in machine.states} == {"Unknown"}
    assert isinstance(a, UnknownState) and a.declared_type == "Lambda" and a.next == "B"
    assert isinstance(b, UnknownState) and b.declared_type is None
    assert dict(c.raw) == {} and c.pointer == "/States/C"
    assert isinstance(d, UnknownState) and d.declared_type is None


def test_bad_next_and_wrong_field_types_are_kept_or_none() -> None:
    machine = build_state_machine(
        {
            "StartAt": 5,
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": 12,
                    "Next": "Nowhere",
                    "TimeoutSeconds": True,
                    "Retry": [{"ErrorEquals": "States.ALL", "MaxAttempts": "3"}, 7],
                    "Catch": {"ErrorEquals": ["X"]},
                }
            },
        }
    )
    assert machine.start_at is None
    task = machine.states[0]
    assert isinstance(task, TaskState)
    assert task.next == "Nowhere"
    assert task.resource is None and task.timeout_seconds is None
    assert len(task.retry) == 2
    assert task.retry[0].error_equals == () and task.retry[0].max_attempts is None
    assert dict(task.retry[1].raw) == {}
    assert task.catch == ()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"States": None},
        {"States": []},
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [None, 1, {}]}}},
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": {"x": 1}}}},
        {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": []}}},
        {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": {"States": 3}}}},
        {"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [None, [], "x"]}}},
        {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemReader": 3, "ItemBatcher": []}}},
        {"States": {1: {"Type": "Pass"}}},
    ],
)
def test_garbage_shapes_build(data: dict[Any, Any]) -> None:
    machine = build_state_machine(data)
    list(machine.walk())


def test_deep_nesting_does_not_recurse_forever() -> None:
    inner: dict[str, Any] = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    for _ in range(300):
        inner = {
            "StartAt": "P",
            "States": {"P": {"Type": "Parallel", "Branches": [inner], "End": True}},
        }
    machine = build_state_machine(inner)
    depth = max(len(parents) for _, parents in machine.walk())
    assert 10 < depth < 300


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Type",
                    "Next",
                    "End",
                    "States",
                    "StartAt",
                    "Branches",
                    "ItemProcessor",
                    "Iterator",
                    "Choices",
                    "Retry",
                    "Catch",
                    "And",
                    "Not",
                    "Variable",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)
state_types = st.sampled_from(
    ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "Nope"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=8),
        st.dictionaries(st.text(max_size=12), json_values, max_size=6).map(dict) | json_values,
        max_size=5,
    ),
    state_types,
)
def test_arbitrary_json_never_raises(states: dict[str, Any], extra_type: str) -> None:
    states = dict(states, Extra={"Type": extra_type, "Next": "?"})
    machine = build_state_machine({"StartAt": "Extra", "States": states})
    names = {state.name for state, parents in machine.walk() if not parents}
    assert names == set(states)
