"""Post-process Graphviz's SVG: add the data-* attributes the browser uses, drop the XML prolog.

The SVG is parsed with ``xml.etree`` and every attribute is set through it, so state names are
escaped by the serializer and can never become markup.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from stepscope.graph.dot import edge_id
from stepscope.graph.model import Cluster, Edge, Graph, Node
from stepscope.graph.text import xml_safe

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_G = f"{{{SVG_NS}}}g"
GRAPH_ID = "stepscope-graph"
_TITLE = f"{{{SVG_NS}}}title"


class SvgError(ValueError):
    """Graphviz wrote something that is not SVG."""


def decorate_svg(svg_text: str, graph: Graph) -> str:
    """Graphviz's SVG for ``graph`` with data attributes added, ready to inline in HTML."""
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError as error:
        raise SvgError(f"Graphviz produced unreadable SVG: {error}") from error
    nodes = {node.id: node for node in graph.nodes}
    clusters = {cluster.id: cluster for cluster in graph.clusters}
    edges = {edge_id(edge, index): edge for index, edge in enumerate(graph.edges)}
    root.set("class", "stepscope-graph")
    for group in root.iter(_G):
        element_id = group.get("id", "")
        if element_id in nodes:
            _decorate_node(group, nodes[element_id])
        elif element_id in clusters:
            _decorate_cluster(group, clusters[element_id])
        elif element_id in edges:
            _decorate_edge(group, edges[element_id])
        elif element_id == GRAPH_ID:
            _set_title(group, "")
    return ET.tostring(root, encoding="unicode")


def _decorate_node(group: ET.Element, node: Node) -> None:
    if node.kind == "state":
        type_class = "state-" + (node.state_type or "unknown").lower()
        group.set("class", f"node state {type_class}")
        _set_all(
            group,
            {
                "data-state": node.state_name or "",
                "data-state-type": node.state_type or "",
                "data-pointer": node.pointer or "",
                "data-path": json.dumps(list(node.path or ()), ensure_ascii=False),
            },
        )
        if node.distributed:
            group.set("data-distributed", "true")
        _set_title(group, "\n".join(filter(None, [node.state_name, node.tooltip])))
        return
    group.set("class", f"node marker marker-{node.kind}")
    if node.kind == "missing":
        _set_all(group, {"data-missing": node.state_name or ""})
    elif node.pointer is not None:
        _set_all(group, {"data-block": node.pointer})
    _set_title(group, node.tooltip or node.title)


def _decorate_cluster(group: ET.Element, cluster: Cluster) -> None:
    group.set("class", f"cluster cluster-{cluster.kind}")
    _set_all(
        group,
        {
            "data-cluster": json.dumps(list(cluster.path), ensure_ascii=False),
            "data-cluster-kind": cluster.kind,
            "data-pointer": cluster.pointer,
        },
    )
    if cluster.distributed:
        group.set("data-distributed", "true")
    _set_title(group, cluster.label)


def _decorate_edge(group: ET.Element, edge: Edge) -> None:
    group.set("class", f"edge edge-{edge.kind}")
    _set_all(group, {"data-from": edge.source, "data-to": edge.target, "data-edge-kind": edge.kind})
    _set_title(group, edge.tooltip or edge.label or "")


def _set_all(group: ET.Element, attributes: Mapping[str, str]) -> None:
    for name, value in attributes.items():
        group.set(name, xml_safe(value))


def _set_title(group: ET.Element, text: str) -> None:
    """Graphviz titles hold our internal ids; put the human text (the tooltip) there instead."""
    title = group.find(_TITLE)
    if title is None:
        return
    if text:
        title.text = xml_safe(text)
    else:
        group.remove(title)
