"""ASL model -> graph model.

Each block of states (the machine, a Parallel branch, a Map item processor) gets its own Start and
End markers. A Parallel or Map is a cluster holding its own node (the state, which carries Retry
and Catch), a cluster per branch or for the item processor, and a join point that its Next and
Catch edges leave from. Edges to names that do not exist in the block go to a "missing: X" node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stepscope.asl.model import (
    ChoiceState,
    ExecutingState,
    FailState,
    FlowState,
    MapState,
    ParallelState,
    State,
    StateMachine,
    StatesBlock,
    SucceedState,
    UnknownState,
)
from stepscope.graph import ids
from stepscope.graph.details import detail_lines
from stepscope.graph.labels import catch_label, describe_rule, shorten
from stepscope.graph.model import Cluster, ClusterKind, Edge, EdgeKind, Graph, Node, NodeKind


def build_graph(machine: StateMachine) -> Graph:
    builder = _GraphBuilder()
    builder.add_block(machine, cluster_id=None, top_level=True)
    return Graph(
        nodes=tuple(builder.nodes.values()),
        edges=tuple(builder.edges),
        clusters=tuple(builder.clusters),
    )


@dataclass(frozen=True)
class _Ends:
    """Where edges into a state arrive (``entry``) and where its own edges leave (``exit``)."""

    entry: str
    exit: str


@dataclass
class _BlockScope:
    block: StatesBlock
    cluster_id: str | None
    ends: dict[str, _Ends] = field(default_factory=dict)


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.clusters: list[Cluster] = []

    def add_block(self, block: StatesBlock, cluster_id: str | None, top_level: bool) -> _Ends:
        """Draws a block of states; returns its Start and End marker ids."""
        start = self._marker("start", block.pointer, cluster_id, top_level)
        end = self._marker("end", block.pointer, cluster_id, top_level)
        scope = _BlockScope(block, cluster_id)
        for state in block.states:
            scope.ends[state.name] = self._add_state(state, cluster_id)
        if block.start_at is not None:
            self._edge(start, self._target(scope, block.start_at), "start")
        for state in block.states:
            self._add_transitions(state, scope, end)
        return _Ends(entry=start, exit=end)

    def _marker(self, kind: str, pointer: str, cluster_id: str | None, top_level: bool) -> str:
        node_id = ids.marker_id(kind, pointer)
        title = ("Start" if kind == "start" else "End") if top_level else ""
        node_kind: NodeKind = "start" if kind == "start" else "end"
        self.nodes[node_id] = Node(
            id=node_id, kind=node_kind, title=title, cluster_id=cluster_id, pointer=pointer
        )
        return node_id

    def _add_state(self, state: State, cluster_id: str | None) -> _Ends:
        if isinstance(state, ParallelState | MapState):
            return self._add_container(state, cluster_id)
        node_id = ids.state_node_id(state.path)
        self.nodes[node_id] = _state_node(state, node_id, cluster_id)
        return _Ends(entry=node_id, exit=node_id)

    def _add_container(self, state: ParallelState | MapState, parent_id: str | None) -> _Ends:
        outer_id = ids.cluster_id(state.pointer)
        kind: ClusterKind = "parallel" if isinstance(state, ParallelState) else "map"
        distributed = isinstance(state, MapState) and state.is_distributed
        self.clusters.append(
            Cluster(
                id=outer_id,
                kind=kind,
                label="",
                path=state.path,
                pointer=state.pointer,
                parent_id=parent_id,
                distributed=distributed,
            )
        )
        head = ids.state_node_id(state.path)
        self.nodes[head] = _state_node(state, head, outer_id)
        join = ids.join_node_id(state.path)
        self.nodes[join] = Node(id=join, kind="join", title="", cluster_id=outer_id)
        for block in state.blocks():
            inner_id = ids.cluster_id(block.pointer)
            self.clusters.append(_block_cluster(state, block, inner_id, outer_id))
            inner = self.add_block(block, inner_id, top_level=False)
            self._edge(head, inner.entry, "fork")
            self._edge(inner.exit, join, "join")
        if not state.blocks():
            self._edge(head, join, "join")
        return _Ends(entry=head, exit=join)

    def _add_transitions(self, state: State, scope: _BlockScope, end: str) -> None:
        source = scope.ends[state.name].exit
        if isinstance(state, ChoiceState):
            for rule in state.choices:
                if rule.next is not None:
                    text = describe_rule(rule.test)
                    target = self._target(scope, rule.next)
                    self._edge(source, target, "choice", shorten(text), text)
            if state.default is not None:
                self._edge(source, self._target(scope, state.default), "default", "Default")
        elif isinstance(state, FlowState | UnknownState):
            if state.next is not None:
                self._edge(source, self._target(scope, state.next), "next")
            elif state.end:
                self._edge(source, end, "end")
        elif isinstance(state, SucceedState):
            self._edge(source, end, "end")
        elif isinstance(state, FailState):
            self._edge(source, end, "fail")
        if isinstance(state, ExecutingState):
            for catcher in state.catch:
                if catcher.next is not None:
                    label = catch_label(catcher)
                    target = self._target(scope, catcher.next)
                    self._edge(source, target, "catch", shorten(label), label)

    def _target(self, scope: _BlockScope, name: str) -> str:
        found = scope.ends.get(name)
        if found is not None:
            return found.entry
        node_id = ids.missing_node_id(scope.block.pointer, name)
        if node_id not in self.nodes:
            self.nodes[node_id] = Node(
                id=node_id,
                kind="missing",
                title=f"missing: {name}",
                tooltip=f"No state named {name!r} in this block",
                cluster_id=scope.cluster_id,
                state_name=name,
            )
        return node_id

    def _edge(
        self,
        source: str,
        target: str,
        kind: EdgeKind,
        label: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        self.edges.append(
            Edge(source=source, target=target, kind=kind, label=label, tooltip=tooltip)
        )


def _block_cluster(
    state: ParallelState | MapState, block: StatesBlock, inner_id: str, outer_id: str
) -> Cluster:
    if isinstance(state, MapState):
        mode = "Distributed" if state.is_distributed else "Inline"
        label = f"{mode} item processor"
        if state.processor is not None and state.processor.execution_type is not None:
            label += f" ({state.processor.execution_type})"
        return Cluster(
            id=inner_id,
            kind="processor",
            label=label,
            path=block.path,
            pointer=block.pointer,
            parent_id=outer_id,
            distributed=state.is_distributed,
        )
    index = block.path[-1] if block.path else 0
    label = f"Branch {int(index) + 1}" if isinstance(index, int) else "Branch"
    return Cluster(
        id=inner_id,
        kind="branch",
        label=label,
        path=block.path,
        pointer=block.pointer,
        parent_id=outer_id,
    )


def _state_node(state: State, node_id: str, cluster_id: str | None) -> Node:
    lines, tooltip_parts = detail_lines(state)
    if state.comment:
        tooltip_parts.insert(0, state.comment)
    return Node(
        id=node_id,
        kind="state",
        title=state.name,
        lines=tuple(lines),
        tooltip="\n".join(tooltip_parts) or None,
        cluster_id=cluster_id,
        state_name=state.name,
        state_type=state.type,
        pointer=state.pointer,
        path=state.path,
        distributed=isinstance(state, MapState) and state.is_distributed,
    )
