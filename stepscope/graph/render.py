"""The public rendering API: ASL model -> DOT, SVG (inline-ready, with data attributes) or PNG.

Rendering is deterministic: the same machine and direction give byte-identical output.
"""

from __future__ import annotations

import graphviz

from stepscope.asl.model import StateMachine
from stepscope.graph.build import build_graph
from stepscope.graph.dot import DIRECTIONS, Direction, graph_to_dot
from stepscope.graph.svg import SvgError, decorate_svg

__all__ = [
    "DIRECTIONS",
    "Direction",
    "GraphRenderError",
    "machine_to_dot",
    "render_png",
    "render_svg",
]

INSTALL_HINT = (
    "Graphviz's `dot` program was not found. Install Graphviz: `sudo apt-get install graphviz` "
    "on Debian/Ubuntu, `brew install graphviz` on macOS, or see https://graphviz.org/download/."
)


class GraphRenderError(RuntimeError):
    """Graphviz could not draw the graph (e.g. `dot` is missing); the message says what to do."""


def machine_to_dot(machine: StateMachine, *, direction: Direction = "TB") -> str:
    return graph_to_dot(build_graph(machine), direction)


def render_svg(machine: StateMachine, *, direction: Direction = "TB") -> str:
    """The state graph as SVG text without XML prolog or doctype, ready to inline in HTML.

    Every state's ``<g class="node state state-...">`` has a stable ``id`` and ``data-state``,
    ``data-state-type``, ``data-pointer`` and ``data-path``; clusters have ``data-cluster``.
    """
    graph = build_graph(machine)
    svg_bytes = run_dot(graph_to_dot(graph, direction), "svg")
    try:
        return decorate_svg(svg_bytes.decode("utf-8"), graph)
    except (SvgError, UnicodeDecodeError) as error:
        raise GraphRenderError(str(error)) from error


def render_png(machine: StateMachine, *, direction: Direction = "TB") -> bytes:
    return run_dot(machine_to_dot(machine, direction=direction), "png")


def run_dot(dot_text: str, output_format: str) -> bytes:
    """Runs Graphviz's ``dot`` on ``dot_text``; raises GraphRenderError with advice on failure."""
    try:
        result = graphviz.pipe("dot", output_format, dot_text.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as error:
        raise GraphRenderError(INSTALL_HINT) from error
    except graphviz.CalledProcessError as error:
        detail = _stderr_text(error)
        raise GraphRenderError(f"Graphviz failed to lay out the graph: {detail}") from error
    except OSError as error:
        raise GraphRenderError(f"Could not run Graphviz's `dot`: {error}") from error
    if not isinstance(result, bytes):
        raise GraphRenderError("Graphviz returned no output")
    return result


def _stderr_text(error: graphviz.CalledProcessError) -> str:
    stderr = getattr(error, "stderr", None)
    if isinstance(stderr, bytes):
        return stderr.decode("utf-8", "replace").strip() or str(error)
    return str(error)
