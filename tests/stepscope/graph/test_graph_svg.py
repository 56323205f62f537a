"""render_svg / render_png / machine_to_dot: data attributes, ids, determinism, errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import graphviz
import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import StateMachine
from stepscope.graph import GraphRenderError, machine_to_dot, render_png, render_svg

SVG = "{http://www.w3.org/2000/svg}"

DEFINITION: dict[str, Any] = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Notify", "States": {"Notify": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Notify",
                    "States": {
                        "Notify": {
                            "Type": "Map",
                            "ItemProcessor": {
                                "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                                "StartAt": "Notify",
                                "States": {
                                    "Notify": {"Type": "Task", "Resource": "r", "End": True}
                                },
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Check",
        },
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Done"}],
            "Default": "Stop",
        },
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Stop": {"Type": "Fail"},
        "Done": {"Type": "Succeed"},
    },
}


def machine() -> StateMachine:
    return build_state_machine(DEFINITION)


def state_groups(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "state" in g.get("class", "").split()]


def test_every_state_has_data_attributes_and_an_id() -> None:
    m = machine()
    groups = state_groups(render_svg(m))
    assert len(groups) == len(m.all_states()) == 8
    by_pointer = {g.get("data-pointer"): g for g in groups}
    for state, _ in m.walk():
        group = by_pointer[state.pointer]
        assert group.get("data-state") == state.name
        assert group.get("data-state-type") == state.type
        assert group.get("class") == f"node state state-{state.type.lower()}"
        assert (group.get("id") or "").startswith("state-")


def test_ids_are_unique_when_nested_names_repeat_and_stable_across_runs() -> None:
    first = {g.get("data-pointer"): g.get("id") for g in state_groups(render_svg(machine()))}
    second = {g.get("data-pointer"): g.get("id") for g in state_groups(render_svg(machine()))}
    assert first == second
    notify_ids = [i for p, i in first.items() if p and p.endswith("/Notify")]
    assert len(notify_ids) == 3 and len(set(notify_ids)) == 3


def test_ids_depend_on_the_path_not_on_position() -> None:
    ids = {g.get("data-state"): g.get("id") for g in state_groups(render_svg(machine()))}
    reordered = dict(DEFINITION, States=dict(reversed(list(DEFINITION["States"].items()))))
    ids_after = {
        g.get("data-state"): g.get("id")
        for g in state_groups(render_svg(build_state_machine(reordered)))
    }
    assert ids["Check"] == ids_after["Check"] and ids["Done"] == ids_after["Done"]


def test_output_is_deterministic() -> None:
    assert render_svg(machine()) == render_svg(machine())
    assert machine_to_dot(machine()) == machine_to_dot(machine())
    assert render_png(machine()) == render_png(machine())


def test_svg_is_inline_ready() -> None:
    svg = render_svg(machine())
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<!--" not in svg
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox")


def test_clusters_carry_their_path() -> None:
    root = ET.fromstring(render_svg(machine()))
    clusters = {
        g.get("data-cluster"): g
        for g in root.iter(f"{SVG}g")
        if "cluster" in g.get("class", "").split()
    }
    assert clusters['["Fan"]'].get("data-cluster-kind") == "parallel"
    assert clusters['["Fan", 1]'].get("data-cluster-kind") == "branch"
    processor = clusters['["Fan", 1, "Notify"]']
    assert processor.get("data-pointer") == "/States/Fan/Branches/1/States/Notify/ItemProcessor"


def test_distributed_map_and_edges_are_marked_in_svg() -> None:
    svg = render_svg(machine())
    root = ET.fromstring(svg)
    maps = [g for g in state_groups(svg) if g.get("data-state-type") == "Map"]
    assert [g.get("data-distributed") for g in maps] == ["true"]
    kinds = {g.get("data-edge-kind") for g in root.iter(f"{SVG}g") if g.get("data-edge-kind")}
    assert {"start", "next", "choice", "default", "end", "fail", "fork", "join"} <= kinds


def test_direction_option() -> None:
    assert "rankdir=TB" in machine_to_dot(machine())
    assert "rankdir=LR" in machine_to_dot(machine(), direction="LR")
    with pytest.raises(ValueError, match="direction"):
        machine_to_dot(machine(), direction="XY")  # type: ignore[arg-type]


def test_png_is_a_png() -> None:
    assert render_png(machine()).startswith(b"\x89PNG\r\n\x1a\n")


def test_missing_dot_gives_install_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dot(*args: object, **kwargs: object) -> bytes:
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr(graphviz, "pipe", no_dot)
    with pytest.raises(GraphRenderError, match="apt-get install graphviz"):
        render_svg(machine())
    with pytest.raises(GraphRenderError, match="apt-get install graphviz"):
        render_png(machine())


def test_dot_failure_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise graphviz.CalledProcessError(1, ["dot"], stderr=b"syntax error in line 3")

    monkeypatch.setattr(graphviz, "pipe", broken)
    with pytest.raises(GraphRenderError, match="syntax error in line 3"):
        render_svg(machine())


def test_node_tooltips_hold_name_comment_and_retry_details() -> None:
    data = {
        "StartAt": "Pay",
        "States": {
            "Pay": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Comment": "Charges the card",
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 4}],
                "End": True,
            }
        },
    }
    root = ET.fromstring(render_svg(build_state_machine(data)))
    (pay,) = [g for g in root.iter(f"{SVG}g") if g.get("data-state") == "Pay"]
    title = pay.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.split("\n") == [
        "Pay",
        "Charges the card",
        "Retry States.TaskFailed: up to 4 attempts, first after 1s, backoff ×2",
    ]
    texts = "".join(t.text or "" for t in pay.iter(f"{SVG}text"))
    assert "↻ ×4" in texts
    graph_group = root.find(f"{SVG}g")
    assert graph_group is not None and graph_group.find(f"{SVG}title") is None
