"""Node and cluster ids (stepscope/graph/ids.py): safe characters, unique, stable."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.asl.build_model import build_state_machine
from stepscope.graph.build import build_graph
from stepscope.graph.ids import state_node_id

SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def repeated_names_machine(names: list[str], copies: int) -> dict[str, Any]:
    """The same block of ``names`` as several Parallel branches and as a Map's processor."""
    block = {
        "StartAt": names[0],
        "States": {name: {"Type": "Pass", "End": True} for name in names},
    }
    return {
        "StartAt": names[0],
        "States": {
            **{name: {"Type": "Pass", "End": True} for name in names},
            "Fan": {"Type": "Parallel", "Branches": [block] * copies, "End": True},
            "Each": {"Type": "Map", "ItemProcessor": block, "End": True},
        },
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=6, unique=True),
    st.integers(min_value=1, max_value=4),
)
def test_ids_are_safe_unique_and_stable(names: list[str], copies: int) -> None:
    data = repeated_names_machine([n for n in names if n not in ("Fan", "Each")] or ["A"], copies)
    graph = build_graph(build_state_machine(data))
    ids = [node.id for node in graph.nodes] + [cluster.id for cluster in graph.clusters]
    assert len(ids) == len(set(ids))
    assert all(SAFE_ID.match(i) for i in ids)
    again = build_graph(build_state_machine(data))
    assert [node.id for node in again.nodes] == [node.id for node in graph.nodes]


def test_ids_that_slug_alike_still_differ() -> None:
    first, second = state_node_id(("a b",)), state_node_id(("a_b",))
    assert first != second
    assert first.startswith("state-a_b-") and second.startswith("state-a_b-")


def test_long_names_give_bounded_ids() -> None:
    assert len(state_node_id(("x" * 80, 3, "y" * 80))) < 70
