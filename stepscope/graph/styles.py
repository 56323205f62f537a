"""How each kind of node, edge and cluster looks (DOT attribute values, already DOT-quoted).

Status colours for executions are applied by the browser through CSS classes, not here.
"""

from __future__ import annotations

from collections.abc import Mapping


def _style(**attributes: str) -> Mapping[str, str]:
    return {name: f'"{value}"' for name, value in attributes.items()}


STATE_STYLES: Mapping[str, Mapping[str, str]] = {
    "Task": _style(shape="box", style="rounded,filled", fillcolor="#dbeafe", color="#2563eb"),
    "Pass": _style(shape="box", style="filled", fillcolor="#f3f4f6", color="#6b7280"),
    "Choice": _style(
        shape="diamond", margin="0.08,0.03", style="filled", fillcolor="#fef3c7", color="#d97706"
    ),
    "Wait": _style(
        shape="octagon", margin="0.04,0.02", style="filled", fillcolor="#ede9fe", color="#7c3aed"
    ),
    "Succeed": _style(shape="oval", style="filled", fillcolor="#dcfce7", color="#16a34a"),
    "Fail": _style(
        shape="doubleoctagon",
        margin="0.04,0.02",
        style="filled",
        fillcolor="#fee2e2",
        color="#dc2626",
    ),
    "Parallel": _style(
        shape="polygon",
        skew="0.15",
        margin="0.04,0.02",
        style="filled",
        fillcolor="#e0f2fe",
        color="#0284c7",
    ),
    "Map": _style(shape="box3d", style="filled", fillcolor="#ccfbf1", color="#0d9488"),
    "Unknown": _style(shape="note", style="filled,dashed", fillcolor="#fff7ed", color="#9a3412"),
}

MARKER_STYLES: Mapping[str, Mapping[str, str]] = {
    "start": _style(
        shape="circle",
        style="filled",
        fillcolor="#111827",
        color="#111827",
        fontcolor="white",
        fontsize="10",
        width="0.2",
        height="0.2",
        margin="0.02",
    ),
    "end": _style(
        shape="doublecircle",
        style="filled",
        fillcolor="#111827",
        color="#111827",
        fontcolor="white",
        fontsize="10",
        width="0.16",
        height="0.16",
        margin="0.02",
    ),
    "join": _style(shape="point", width="0.08", color="#6b7280"),
    "missing": _style(
        shape="box",
        style="dashed,filled",
        fillcolor="#fef2f2",
        color="#dc2626",
        fontcolor="#b91c1c",
    ),
}

EDGE_STYLES: Mapping[str, Mapping[str, str]] = {
    "next": _style(color="#374151"),
    "choice": _style(color="#b45309", fontcolor="#92400e"),
    "default": _style(color="#6b7280", fontcolor="#4b5563", style="bold"),
    "catch": _style(color="#dc2626", fontcolor="#b91c1c", style="dashed"),
    "start": _style(color="#6b7280"),
    "end": _style(color="#6b7280"),
    "fail": _style(color="#dc2626"),
    "fork": _style(color="#9ca3af", arrowsize="0.5"),
    "join": _style(color="#9ca3af", arrowsize="0.5"),
}

CLUSTER_STYLES: Mapping[str, Mapping[str, str]] = {
    "parallel": _style(style="rounded,dashed", color="#0284c7", margin="10"),
    "map": _style(style="rounded,dashed", color="#0d9488", margin="10"),
    "branch": _style(style="rounded", color="#bae6fd", labeljust="l", fontcolor="#0369a1"),
    "processor": _style(style="rounded", color="#99f6e4", labeljust="l", fontcolor="#0f766e"),
    "distributed": _style(style="rounded,bold", color="#0d9488", bgcolor="#f0fdfa"),
}
