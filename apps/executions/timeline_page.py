"""The Timeline tab: the layout from stepscope.history.timeline, turned into what
templates/executions/_timeline.html draws (SVG coordinates, hover texts, expand links)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from apps.executions.models import Execution
from stepscope.history.projection import Projection
from stepscope.history.status import STATUS_STYLES
from stepscope.history.timeline import Bar, Group, Timeline, parse_expanded, timeline_layout

WIDTH = 1000.0  # SVG user units across the whole execution; the SVG stretches to the pane
LANE_HEIGHT = 24
BAR_HEIGHT = 14
MIN_WIDTH = 0.4  # so an instant (a Pass state) still shows


def last_event_at(*, execution: Execution) -> datetime | None:
    """The time of the execution's last stored event (where a running execution's bars end)."""
    return execution.events.order_by("-event_id").values_list("timestamp", flat=True).first()


def duration_text(ms: float) -> str:
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.3f} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes:.0f} min {seconds:.1f} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours:.0f} h {minutes:.0f} min {seconds:.0f} s"


def _moment(zero: datetime | None, ms: float) -> str:
    offset = f"+{duration_text(ms)}"
    if zero is None:
        return offset
    at = zero + timedelta(milliseconds=ms)
    return f"{offset} ({at.isoformat(sep=' ', timespec='milliseconds')})"


def _bar_title(bar: Bar, zero: datetime | None) -> str:
    head = bar.state
    if bar.attempts > 1 and bar.attempt is not None:
        head += f" — attempt {bar.attempt} of {bar.attempts}"
    head += f" · {STATUS_STYLES[bar.status].label.lower()}"
    end = "still running at the last event: " if bar.open else ""
    return (
        f"{head}\nstart {_moment(zero, bar.start_ms)}\nend {end}{_moment(zero, bar.end_ms)}"
        f"\nduration {duration_text(bar.duration_ms)}"
    )


def _group_title(group: Group, zero: datetime | None) -> str:
    plural = "iterations" if group.kind == "iteration" else "branches"
    counts = ", ".join(f"{n} {STATUS_STYLES[status].label.lower()}" for status, n in group.counts)
    return (
        f"{group.state}: {plural} {group.first}–{group.last} ({group.size}) · {counts}"
        f"\nfirst start {_moment(zero, group.start_ms)}\nlast end {_moment(zero, group.end_ms)}"
        f"\nspan {duration_text(group.duration_ms)}"
    )


def _geometry(start_ms: float, end_ms: float, scale: float) -> dict[str, float]:
    x = round(start_ms * scale, 3)
    width = max(MIN_WIDTH, round((end_ms - start_ms) * scale, 3))
    return {"x": min(x, WIDTH - MIN_WIDTH), "width": width}


def _query(base: dict[str, str], expanded: list[str]) -> str:
    query = {"view": "timeline", **base}
    if expanded:
        query["lanes"] = ",".join(expanded)
    return "?" + urlencode(query)


def timeline_context(
    request: HttpRequest, execution: Execution, projection: Projection, selected: str
) -> dict[str, Any]:
    expanded = parse_expanded(request.GET.get("lanes", ""))
    last = last_event_at(execution=execution) if execution.status == "RUNNING" else None
    timeline = timeline_layout(projection, last_event_at=last, expanded=expanded)
    zero = projection.execution.started_at
    keep = sorted(expanded)
    state = {"state": selected} if selected else {}
    return {
        "timeline": timeline,
        "timeline_lanes": _lanes(timeline, zero, keep, state),
        "timeline_height": max(1, len(timeline.lanes)) * LANE_HEIGHT,
        "timeline_width": int(WIDTH),
        "timeline_total": duration_text(timeline.duration_ms),
        "timeline_query": _query({}, keep),
    }


def _lanes(
    timeline: Timeline, zero: datetime | None, keep: list[str], state: dict[str, str]
) -> list[dict[str, Any]]:
    scale = WIDTH / timeline.duration_ms if timeline.duration_ms > 0 else 0.0
    lanes = []
    for index, lane in enumerate(timeline.lanes):
        y = index * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2
        bars = [
            {
                "bar": bar,
                "title": _bar_title(bar, zero),
                "href": _query({**state, "state": bar.run_key}, keep),
                "y": y,
                **_geometry(bar.start_ms, bar.end_ms, scale),
            }
            for bar in lane.bars
        ]
        group = None
        if lane.group is not None:
            g = lane.group
            toggled = [i for i in keep if i != g.id] if g.expanded else [*keep, g.id]
            group = {
                "group": g,
                "title": _group_title(g, zero),
                "href": _query(state, sorted(toggled)),
                "y": y,
                **_geometry(g.start_ms, g.end_ms, scale),
            }
        lanes.append({"lane": lane, "indent": 6 + lane.depth * 14, "bars": bars, "group": group})
    return lanes
