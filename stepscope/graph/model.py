"""The graph model: what gets drawn, independent of DOT and SVG.

Node, edge and cluster ids are stable (derived from JSON paths and pointers, never from position)
and contain only ``[A-Za-z0-9_-]``, so they are safe in DOT, SVG and CSS selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from stepscope.asl.model import StatePath

NodeKind = Literal["state", "start", "end", "join", "missing"]
EdgeKind = Literal["next", "choice", "default", "catch", "start", "end", "fail", "fork", "join"]
ClusterKind = Literal["parallel", "branch", "map", "processor"]


@dataclass(frozen=True, kw_only=True)
class Node:
    """One drawn node. ``title`` is the main text (a state name, "Start", "missing: X");
    ``lines`` are the smaller lines under it (type, resource, retry, distributed marker)."""

    id: str
    kind: NodeKind
    title: str
    lines: tuple[str, ...] = ()
    tooltip: str | None = None
    cluster_id: str | None = None
    state_name: str | None = None
    state_type: str | None = None
    pointer: str | None = None
    path: StatePath | None = None
    distributed: bool = False


@dataclass(frozen=True, kw_only=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    label: str | None = None
    tooltip: str | None = None


@dataclass(frozen=True, kw_only=True)
class Cluster:
    """A box around a Parallel or Map (``parallel``/``map``) or one of its blocks of states
    (``branch``/``processor``). ``parent_id`` is the enclosing cluster, if any."""

    id: str
    kind: ClusterKind
    label: str
    path: StatePath
    pointer: str
    parent_id: str | None = None
    distributed: bool = False


@dataclass(frozen=True, kw_only=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]

    def node(self, node_id: str) -> Node | None:
        return next((node for node in self.nodes if node.id == node_id), None)

    def state_nodes(self) -> tuple[Node, ...]:
        return tuple(node for node in self.nodes if node.kind == "state")
