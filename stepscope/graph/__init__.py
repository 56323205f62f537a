"""The state graph: ASL model -> graph model -> DOT -> SVG.

Public API (used by the web app and the CLI)::

    machine_to_dot(machine, *, direction="TB") -> str
    render_svg(machine, *, direction="TB") -> str     # inline-ready SVG with data-* attributes
    render_png(machine, *, direction="TB") -> bytes
    GraphRenderError                                  # e.g. `dot` missing, with install advice
"""

from __future__ import annotations

from stepscope.graph.render import (
    DIRECTIONS,
    Direction,
    GraphRenderError,
    machine_to_dot,
    render_png,
    render_svg,
)

__all__ = [
    "DIRECTIONS",
    "Direction",
    "GraphRenderError",
    "machine_to_dot",
    "render_png",
    "render_svg",
]
