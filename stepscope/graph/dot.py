"""Graph model -> DOT text. Every piece of user text goes through ``stepscope.graph.text``.

Tooltips are not given to Graphviz (its escaping of attribute text differs between versions):
``stepscope.graph.svg`` writes them as SVG ``<title>`` elements instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Literal

from stepscope.graph.ids import short_hash
from stepscope.graph.model import Cluster, Edge, Graph, Node
from stepscope.graph.styles import CLUSTER_STYLES, EDGE_STYLES, MARKER_STYLES, STATE_STYLES
from stepscope.graph.text import display_lines, html_escape, quoted

Direction = Literal["TB", "LR"]
DIRECTIONS: tuple[Direction, ...] = ("TB", "LR")
FONT = "Helvetica,Arial,sans-serif"


def graph_to_dot(graph: Graph, direction: Direction = "TB") -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    lines = [
        'digraph "stepscope" {',
        f'  graph [id="stepscope-graph" rankdir={direction} fontname="{FONT}" fontsize=11'
        f" nodesep=0.35 ranksep=0.4{_large_graph_limits(graph)}];",
        f'  node [fontname="{FONT}" fontsize=12 margin="0.16,0.06" penwidth=1.2];',
        f'  edge [fontname="{FONT}" fontsize=10 arrowsize=0.7];',
    ]
    lines.extend(_Layout(graph).block_lines(None, "  "))
    lines.extend("  " + _edge_statement(edge, index) for index, edge in enumerate(graph.edges))
    lines.append("}")
    return "\n".join(lines) + "\n"


LARGE_GRAPH_NODES = 300


def _large_graph_limits(graph: Graph) -> str:
    """For big graphs, fewer crossing-minimisation and network-simplex passes: about twice as
    fast in `dot` on a 500-state machine, with a barely different drawing."""
    if len(graph.nodes) <= LARGE_GRAPH_NODES:
        return ""
    return " mclimit=0.5 nslimit=4 nslimit1=4"


class _Layout:
    """The graph's nodes and clusters grouped by the cluster that directly contains them."""

    def __init__(self, graph: Graph) -> None:
        self.nodes: dict[str | None, list[Node]] = defaultdict(list)
        self.clusters: dict[str | None, list[Cluster]] = defaultdict(list)
        for node in graph.nodes:
            self.nodes[node.cluster_id].append(node)
        for cluster in graph.clusters:
            self.clusters[cluster.parent_id].append(cluster)

    def block_lines(self, cluster_id: str | None, indent: str) -> Iterator[str]:
        """The nodes and sub-clusters directly inside ``cluster_id`` (the root when None)."""
        for node in self.nodes.get(cluster_id, ()):
            yield indent + _node_statement(node)
        for cluster in self.clusters.get(cluster_id, ()):
            yield from self.cluster_lines(cluster, indent)

    def cluster_lines(self, cluster: Cluster, indent: str) -> Iterator[str]:
        yield f'{indent}subgraph "{cluster.id}" {{'
        attributes = dict(CLUSTER_STYLES[cluster.kind])
        if cluster.distributed:
            attributes.update(CLUSTER_STYLES["distributed"])
        attributes["id"] = quoted(cluster.id)
        attributes["class"] = quoted(f"cluster-{cluster.kind}")
        label = _html_label([], cluster.label, small=True) if cluster.label else '""'
        attributes["label"] = label
        for name, value in attributes.items():
            yield f"{indent}  {name}={value};"
        yield from self.block_lines(cluster.id, indent + "  ")
        yield f"{indent}}}"


def _node_statement(node: Node) -> str:
    if node.kind == "state":
        attributes = dict(STATE_STYLES.get(node.state_type or "", STATE_STYLES["Unknown"]))
        if node.distributed:
            attributes["peripheries"] = "2"
        attributes["label"] = _html_label(display_lines(node.title), "\n".join(node.lines))
    else:
        attributes = dict(MARKER_STYLES[node.kind])
        attributes["label"] = _html_label(display_lines(node.title), "") if node.title else '""'
    attributes["id"] = quoted(node.id)
    return f'"{node.id}" [{_attribute_list(attributes)}];'


def _edge_statement(edge: Edge, index: int) -> str:
    attributes = dict(EDGE_STYLES[edge.kind])
    attributes["id"] = quoted(edge_id(edge, index))
    if edge.label:
        attributes["label"] = _html_label([], edge.label, small=False)
    return f'"{edge.source}" -> "{edge.target}" [{_attribute_list(attributes)}];'


def edge_id(edge: Edge, index: int) -> str:
    return f"edge-{index}-{short_hash([edge.source, edge.target, edge.kind])}"


def _html_label(title_lines: list[str], detail: str, small: bool = True) -> str:
    """An HTML-like label: bold title lines, then smaller grey detail lines."""
    parts = [f"<B>{html_escape(line)}</B>" if line else "&#160;" for line in title_lines]
    detail_lines = [html_escape(line) for line in detail.split("\n") if line] if detail else []
    if detail_lines:
        size = "9" if small else "10"
        text = "<BR/>".join(detail_lines)
        parts.append(f'<FONT POINT-SIZE="{size}" COLOR="#4b5563">{text}</FONT>')
    return "<" + ("<BR/>".join(parts) or " ") + ">"


def _attribute_list(attributes: Mapping[str, str]) -> str:
    return " ".join(f"{name}={value}" for name, value in attributes.items())
