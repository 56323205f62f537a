"""ASL model -> graph model: nodes, edge kinds, clusters (stepscope/graph/build.py)."""

from __future__ import annotations

from typing import Any

from stepscope.asl.build_model import build_state_machine
from stepscope.graph.build import build_graph
from stepscope.graph.model import Edge, Graph, Node


def graph_of(data: dict[str, Any]) -> Graph:
    return build_graph(build_state_machine(data))


def state_node(graph: Graph, name: str, pointer: str | None = None) -> Node:
    found = [
        n
        for n in graph.state_nodes()
        if n.state_name == name and (pointer is None or n.pointer == pointer)
    ]
    assert len(found) == 1, found
    return found[0]


def edges_between(graph: Graph, source: Node, target: Node) -> list[Edge]:
    return [e for e in graph.edges if e.source == source.id and e.target == target.id]


ORDERS: dict[str, Any] = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Pay"},
        "Pay": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
                {
                    "ErrorEquals": ["States.TaskFailed"],
                    "IntervalSeconds": 2,
                    "MaxAttempts": 3,
                    "BackoffRate": 2,
                }
            ],
            "Catch": [{"ErrorEquals": ["PaymentFailed"], "Next": "Failed"}],
            "Next": "Route",
        },
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 1000, "Next": "Review"}],
            "Default": "Done",
        },
        "Review": {"Type": "Wait", "Seconds": 60, "Next": "Done"},
        "Failed": {"Type": "Fail", "Error": "PaymentFailed"},
        "Done": {"Type": "Succeed"},
    },
}


def test_start_and_end_markers_and_next_edges() -> None:
    graph = graph_of(ORDERS)
    start, end = graph.node("start"), graph.node("end")
    assert start is not None and start.kind == "start" and start.title == "Start"
    assert end is not None and end.kind == "end" and end.title == "End"
    validate, pay = state_node(graph, "Validate"), state_node(graph, "Pay")
    assert [e.kind for e in edges_between(graph, start, validate)] == ["start"]
    assert [e.kind for e in edges_between(graph, validate, pay)] == ["next"]
    assert [e.kind for e in edges_between(graph, state_node(graph, "Done"), end)] == ["end"]
    assert [e.kind for e in edges_between(graph, state_node(graph, "Failed"), end)] == ["fail"]


def test_choice_and_default_edges_are_labelled() -> None:
    graph = graph_of(ORDERS)
    route = state_node(graph, "Route")
    (choice,) = edges_between(graph, route, state_node(graph, "Review"))
    assert (choice.kind, choice.label) == ("choice", "$.amount > 1000")
    (default,) = edges_between(graph, route, state_node(graph, "Done"))
    assert (default.kind, default.label) == ("default", "Default")


def test_catch_edge_and_retry_on_node() -> None:
    graph = graph_of(ORDERS)
    pay = state_node(graph, "Pay")
    (catch,) = edges_between(graph, pay, state_node(graph, "Failed"))
    assert catch.kind == "catch" and catch.label == "catch PaymentFailed"
    assert "↻ ×3 · 2s, backoff 2" in pay.lines
    assert pay.tooltip is not None and "States.TaskFailed: up to 3 attempts" in pay.tooltip
    assert pay.lines[0] == "Task · lambda:invoke"


def test_every_state_type_has_a_node_with_its_type() -> None:
    graph = graph_of(ORDERS)
    types = {n.state_name: n.state_type for n in graph.state_nodes()}
    assert types == {
        "Validate": "Task",
        "Pay": "Task",
        "Route": "Choice",
        "Review": "Wait",
        "Failed": "Fail",
        "Done": "Succeed",
    }
    assert state_node(graph, "Pay").pointer == "/States/Pay"


def test_missing_targets_get_a_placeholder_node() -> None:
    graph = graph_of(
        {
            "StartAt": "Ghost",
            "States": {
                "A": {"Type": "Pass", "Next": "Nowhere"},
                "B": {"Type": "Choice", "Choices": [{"Next": "Nowhere"}], "Default": "Void"},
            },
        }
    )
    missing = {n.title: n for n in graph.nodes if n.kind == "missing"}
    assert set(missing) == {"missing: Ghost", "missing: Nowhere", "missing: Void"}
    nowhere = missing["missing: Nowhere"]
    assert len([e for e in graph.edges if e.target == nowhere.id]) == 2
    start = graph.node("start")
    assert start is not None
    assert edges_between(graph, start, missing["missing: Ghost"])


def deep(levels: int) -> dict[str, Any]:
    """A Parallel inside a Map inside a Parallel ..., ``levels`` containers deep."""
    block: dict[str, Any] = {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": True}}}
    for level in range(levels):
        if level % 2 == 0:
            state = {"Type": "Parallel", "Branches": [block, block], "End": True}
        else:
            state = {
                "Type": "Map",
                "ItemProcessor": dict(block, ProcessorConfig={"Mode": "DISTRIBUTED"}),
                "End": True,
            }
        block = {"StartAt": "Step", "States": {"Step": state}}
    return block


def test_clusters_nest_three_deep_with_their_own_start_and_end() -> None:
    graph = graph_of(deep(3))
    kinds = {c.id: c for c in graph.clusters}
    parents = {c.id: c.parent_id for c in graph.clusters}

    def depth(cluster_id: str | None) -> int:
        return 0 if cluster_id is None else 1 + depth(parents[cluster_id])

    assert max(depth(c) for c in kinds) == 6  # 3 containers, each with an inner block
    leaves = [n for n in graph.state_nodes() if n.state_name == "Leaf"]
    assert len(leaves) == 4 and len({n.id for n in leaves}) == 4
    for leaf in leaves:
        assert leaf.cluster_id is not None and depth(leaf.cluster_id) == 6
        assert kinds[leaf.cluster_id].kind == "branch"
    markers = [n for n in graph.nodes if n.kind in ("start", "end")]
    blocks = [c for c in graph.clusters if c.kind in ("branch", "processor")]
    assert len(markers) == 2 * (len(blocks) + 1)
    for block in blocks:
        inside = {n.kind for n in graph.nodes if n.cluster_id == block.id}
        assert {"start", "end"} <= inside


def test_distributed_map_is_marked() -> None:
    graph = graph_of(deep(2))
    step_map = next(n for n in graph.state_nodes() if n.state_type == "Map")
    assert step_map.distributed and "DISTRIBUTED" in step_map.lines
    processor = next(c for c in graph.clusters if c.kind == "processor")
    assert processor.distributed and processor.label.startswith("Distributed")
    inline = graph_of(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": {
                        "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "End": True}},
                    },
                    "End": True,
                }
            },
        }
    )
    assert not any(n.distributed for n in inline.state_nodes())
    assert [c.label for c in inline.clusters if c.kind == "processor"] == ["Inline item processor"]


def test_parallel_forks_into_branches_and_joins_before_next() -> None:
    graph = graph_of(
        {
            "StartAt": "Fan",
            "States": {
                "Fan": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                    "Next": "Done",
                },
                "Done": {"Type": "Succeed"},
            },
        }
    )
    fan, done = state_node(graph, "Fan"), state_node(graph, "Done")
    forks = [e for e in graph.edges if e.source == fan.id and e.kind == "fork"]
    assert len(forks) == 2
    join = next(n for n in graph.nodes if n.kind == "join")
    assert len([e for e in graph.edges if e.target == join.id and e.kind == "join"]) == 2
    out = sorted(e.kind for e in graph.edges if e.source == join.id and e.target == done.id)
    assert out == ["catch", "next"]
    branch_labels = [c.label for c in graph.clusters if c.kind == "branch"]
    assert branch_labels == ["Branch 1", "Branch 2"]


def test_unknown_states_are_drawn_and_keep_their_next() -> None:
    graph = graph_of(
        {"StartAt": "X", "States": {"X": {"Type": "Lambda", "Next": "Y"}, "Y": {"Type": "Succeed"}}}
    )
    x = state_node(graph, "X")
    assert x.state_type == "Unknown" and x.lines[0] == "Unknown type 'Lambda'"
    assert edges_between(graph, x, state_node(graph, "Y"))
