"""The one status-to-colour map, shared by the graph, the legend and every badge.

Colours come from the Okabe-Ito palette (safe for the common colour-vision deficiencies). Colour is
never the only signal: every status also has an icon glyph and an SVG dash pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

RunStatus = Literal["succeeded", "failed", "caught", "retried", "in-progress", "aborted", "not-run"]
RUN_STATUSES: tuple[RunStatus, ...] = (
    "succeeded",
    "failed",
    "caught",
    "retried",
    "in-progress",
    "aborted",
    "not-run",
)

ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
EXECUTION_STATUSES: tuple[ExecutionStatus, ...] = (
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
)


@dataclass(frozen=True)
class StatusStyle:
    label: str  # "Caught"
    fill: str  # CSS colour of a node or badge background
    border: str  # CSS colour of its border (the stronger, Okabe-Ito colour)
    icon: str  # one glyph, so status never relies on colour alone
    dash: str  # SVG stroke-dasharray, "" for solid: a pattern as well as a colour
    stroke_width: float = 2.0  # failed nodes get a heavier border than succeeded ones


STATUS_STYLES: Mapping[RunStatus, StatusStyle] = MappingProxyType(
    {
        "succeeded": StatusStyle("Succeeded", "#cdeee2", "#009E73", "✓", ""),
        "failed": StatusStyle("Failed", "#f7d5c0", "#D55E00", "✕", "", 3.5),
        "caught": StatusStyle("Caught", "#fbe8bd", "#B07800", "⤳", "8 3"),
        "retried": StatusStyle("Retried", "#d0e3f2", "#0072B2", "↻", "2 2"),
        "in-progress": StatusStyle("In progress", "#dcf0fc", "#2D8CC8", "…", "5 3"),
        "aborted": StatusStyle("Aborted", "#f3dde9", "#A8528A", "⏹", "1 3"),
        "not-run": StatusStyle("Not run", "#f4f4f4", "#8c8c8c", "○", "3 3"),
    }
)

EXECUTION_STATUS_STYLES: Mapping[ExecutionStatus, StatusStyle] = MappingProxyType(
    {
        "RUNNING": StatusStyle("Running", "#dcf0fc", "#2D8CC8", "…", "5 3"),
        "SUCCEEDED": StatusStyle("Succeeded", "#cdeee2", "#009E73", "✓", ""),
        "FAILED": StatusStyle("Failed", "#f7d5c0", "#D55E00", "✕", "", 3.5),
        "TIMED_OUT": StatusStyle("Timed out", "#fbe8bd", "#B07800", "⏱", "8 3"),
        "ABORTED": StatusStyle("Aborted", "#f3dde9", "#A8528A", "⏹", "1 3"),
    }
)

_SHAPES = ("polygon", "ellipse", "path", "rect")


def status_css() -> str:
    """CSS for graph nodes (``[data-status]``), badges and legend swatches, and execution badges."""
    blocks = [_node_rule(status, style) for status, style in STATUS_STYLES.items()]
    blocks += [_badge_rule(f".status-{status}", style) for status, style in STATUS_STYLES.items()]
    blocks += [
        _badge_rule(f".execution-status-{status}", style)
        for status, style in EXECUTION_STATUS_STYLES.items()
    ]
    return "\n".join(blocks) + "\n"


def _node_rule(status: RunStatus, style: StatusStyle) -> str:
    selectors = ",\n".join(f'[data-status="{status}"] > {shape}' for shape in _SHAPES)
    dash = style.dash or "none"
    return (
        f"{selectors} {{\n  fill: {style.fill};\n  stroke: {style.border};\n"
        f"  stroke-width: {style.stroke_width:g}px;\n  stroke-dasharray: {dash};\n}}"
    )


def _badge_rule(selector: str, style: StatusStyle) -> str:
    border_style = "dashed" if style.dash else "solid"
    return (
        f"{selector} {{\n  background-color: {style.fill};\n"
        f"  border: {style.stroke_width:g}px {border_style} {style.border};\n  color: #111111;\n}}"
    )
