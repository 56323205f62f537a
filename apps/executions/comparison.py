"""What the compare page shows: execution A's graph with both runs' statuses on every node, the
states only B ran, and one row per pair of runs with durations and JSON diffs (from
stepscope.history.compare, on the masked projections)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from apps.executions.presentation import duration_text, pretty_json, run_style
from stepscope.history.compare import Change, Comparison, JsonDiff, RunPair
from stepscope.history.projection import Projection

# The start tag of a state node's group (names are escaped in it: no ">" inside attributes).
_NODE_TAG = re.compile(r'<g\b[^>]*?\sdata-state="([^"]*)"[^>]*>')
VALUE_CHARS = 2_000  # a changed value is shown up to this many characters


def _visited(status: str) -> bool:
    return status != "not-run"


def node_badge(status_a: str, status_b: str) -> str:
    """ "A ✓ / B ✕": each run that visited the state, with its status icon."""
    parts = [
        f"{side} {run_style(status).icon}"
        for side, status in (("A", status_a), ("B", status_b))
        if _visited(status)
    ]
    return " / ".join(parts) or "neither ran it"


def compare_svg(svg: str, statuses_a: Mapping[str, str], statuses_b: Mapping[str, str]) -> str:
    """A's graph with data-status (A's, coloured by the status stylesheet), data-status-b,
    data-visited ("a", "b", "both" or "none") and data-badge on every state node."""

    def mark(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1))
        status_a = statuses_a.get(name, "not-run")
        status_b = statuses_b.get(name, "not-run")
        visited = {
            (True, True): "both",
            (True, False): "a",
            (False, True): "b",
            (False, False): "none",
        }[(_visited(status_a), _visited(status_b))]
        differs = "true" if status_a != status_b else "false"
        attributes = {
            "data-status": status_a,
            "data-status-b": status_b,
            "data-visited": visited,
            "data-differs": differs,
            "data-badge": node_badge(status_a, status_b),
        }
        text = "".join(
            f' {key}="{html.escape(value, quote=True)}"' for key, value in attributes.items()
        )
        tag = match.group(0)
        return tag[:-1] + text + ">"

    return _NODE_TAG.sub(mark, svg)


def graph_states(svg: str) -> set[str]:
    return {html.unescape(name) for name in _NODE_TAG.findall(svg)}


def only_b_states(svg: str, b: Projection) -> list[dict[str, Any]]:
    """States B ran that A's graph does not draw (B ran another definition version)."""
    drawn = graph_states(svg)
    return [
        {"name": name, "status": status, "style": run_style(status)}
        for name, status in sorted(b.node_statuses.items())
        if _visited(status) and name not in drawn
    ]


def _value(value: object) -> str:
    text = pretty_json(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


def _change(change: Change) -> dict[str, Any]:
    return {
        "path": change.path,
        "kind": change.kind,
        "old": _value(change.old) if change.kind != "added" else "",
        "new": _value(change.new) if change.kind != "removed" else "",
    }


def _diff(diff: JsonDiff) -> dict[str, Any]:
    return {
        "same": diff.same,
        "changes": [_change(change) for change in diff.changes],
        "truncated": diff.truncated,
    }


def signed_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if abs(seconds) < 0.0005:
        return "±0 ms"
    sign = "+" if seconds > 0 else "−"
    return sign + duration_text(abs(seconds))


def _row(pair: RunPair) -> dict[str, Any]:
    status_a = pair.a.status if pair.a else ""
    status_b = pair.b.status if pair.b else ""
    return {
        "key": pair.key,
        "name": pair.name,
        "a": pair.a,
        "b": pair.b,
        "style_a": run_style(status_a) if pair.a else None,
        "style_b": run_style(status_b) if pair.b else None,
        "differs": status_a != status_b or not (pair.input_diff.same and pair.output_diff.same),
        "duration_a": duration_text(pair.seconds_a),
        "duration_b": duration_text(pair.seconds_b),
        "delta": signed_duration(pair.seconds_delta),
        "input": _diff(pair.input_diff),
        "output": _diff(pair.output_diff),
    }


def comparison_context(comparison: Comparison) -> dict[str, Any]:
    return {
        "divergence": comparison.divergence,
        "rows": [_row(pair) for pair in comparison.pairs],
        "row_count": comparison.pair_count,
        "rows_cut": comparison.pair_count > len(comparison.pairs),
        "total_a": duration_text(comparison.seconds_a),
        "total_b": duration_text(comparison.seconds_b),
        "total_delta": signed_duration(comparison.seconds_delta),
        "execution_input": _diff(comparison.input_diff),
        "execution_output": _diff(comparison.output_diff),
    }
