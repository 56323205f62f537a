"""The timeline (a Gantt chart of every state run), laid out from the projection.

Times are milliseconds from the execution's start. Lanes, top to bottom:

- one lane per top-level state name, in order of first entry; each run of it is a bar, and a Task
  run is one bar per attempt, so a retry's back-off shows as the gap between two bars;
- under a Map or Parallel run, one lane per iteration or branch holding every run inside it
  (a nested Map or Parallel adds its own lanes under that one);
- when a Map or Parallel has more than ``max_scope_lanes`` iterations or branches, they collapse
  into groups ("iterations 0–99") drawn as one summary bar (first start, last end, counts of
  iterations by status). A group whose id is in ``expanded`` shows its members (grouped again if
  still too many).

The whole chart stops at ``max_lanes`` lanes and ``max_bars`` bars, so a page never holds more
elements than a browser draws smoothly; what was left out is counted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from stepscope.history.projection_types import Attempt, Projection, StateRun
from stepscope.history.status import RunStatus

MAX_SCOPE_LANES = 50
MAX_LANES = 300
MAX_BARS = 2500

# The status a group takes: the most alarming one among its members.
_SEVERITY: tuple[RunStatus, ...] = (
    "failed",
    "aborted",
    "in-progress",
    "caught",
    "retried",
    "succeeded",
    "not-run",
)


@dataclass(frozen=True)
class Bar:
    state: str  # the state's name
    run_key: str
    status: RunStatus
    start_ms: float
    end_ms: float
    attempt: int | None  # the attempt's number, for a Task run; None for a whole run
    attempts: int  # how many attempts the run had
    open: bool  # not ended yet: drawn up to the last event

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Group:
    """Iterations or branches ``first``..``last`` of a Map or Parallel run, drawn as one bar."""

    id: str  # "<container key>@<first>-<last>": what ``expanded`` holds to open it
    container_key: str
    state: str  # the Map or Parallel state's name
    kind: str  # "iteration" or "branch"
    first: int
    last: int
    size: int  # how many iterations or branches it holds
    status: RunStatus
    counts: tuple[tuple[RunStatus, int], ...]
    start_ms: float
    end_ms: float
    expanded: bool

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Lane:
    label: str
    depth: int
    bars: tuple[Bar, ...] = ()
    group: Group | None = None


@dataclass(frozen=True)
class Timeline:
    duration_ms: float
    lanes: tuple[Lane, ...]
    running: bool  # the execution had not ended: open bars end at the last event
    hidden_lanes: int  # lanes left out by the caps
    hidden_bars: int  # bars left out by the caps

    @property
    def bar_count(self) -> int:
        return sum(len(lane.bars) + (lane.group is not None) for lane in self.lanes)


def _ms(at: datetime | None, zero: datetime) -> float | None:
    return None if at is None else max(0.0, (at - zero).total_seconds() * 1000.0)


class _Layout:
    def __init__(
        self,
        projection: Projection,
        zero: datetime,
        end_ms: float,
        expanded: Collection[str],
        max_scope_lanes: int,
    ) -> None:
        self.zero, self.end_ms = zero, end_ms
        self.expanded = expanded
        self.max_scope_lanes = max(2, max_scope_lanes)
        self.children: dict[str, list[StateRun]] = {}
        for run in projection.runs:
            if run.parent_key is not None:
                self.children.setdefault(run.parent_key, []).append(run)
        self.lanes: list[Lane] = []

    # -- bars

    def bars_of(self, run: StateRun) -> list[Bar]:
        if run.attempts:
            return [bar for bar in self._attempt_bars(run) if bar is not None]
        start = _ms(run.started_at, self.zero)
        if start is None:
            return []
        end = _ms(run.ended_at, self.zero)
        return [self._bar(run, run.status, start, end, None)]

    def _attempt_bars(self, run: StateRun) -> Iterable[Bar | None]:
        last = len(run.attempts)
        for attempt in run.attempts:
            start = _ms(attempt.started_at, self.zero)
            if start is None:
                yield None
                continue
            status = _attempt_status(run, attempt, attempt.number == last)
            end = _ms(attempt.ended_at, self.zero)
            yield self._bar(run, status, start, end, attempt.number)

    def _bar(
        self, run: StateRun, status: RunStatus, start: float, end: float | None, attempt: int | None
    ) -> Bar:
        is_open = end is None
        stop = self.end_ms if end is None else end
        return Bar(
            state=run.name,
            run_key=run.key,
            status=status,
            start_ms=start,
            end_ms=max(start, stop),
            attempt=attempt,
            attempts=len(run.attempts),
            open=is_open,
        )

    # -- lanes

    def top_level(self, runs: Sequence[StateRun]) -> None:
        by_name: dict[str, list[StateRun]] = {}
        for run in runs:
            by_name.setdefault(run.name, []).append(run)
        for name, named in by_name.items():
            bars = [bar for run in named for bar in self.bars_of(run)]
            self.lanes.append(Lane(label=name, depth=0, bars=tuple(bars)))
            for run in named:
                self.containers_inside(run, depth=1)

    def containers_inside(self, run: StateRun, depth: int) -> None:
        children = self.children.get(run.key)
        if not children:
            return
        scopes: dict[int, list[StateRun]] = {}
        kind = "iteration"
        for child in children:
            if child.iteration is not None:
                index = child.iteration
            else:
                index, kind = (child.branch if child.branch is not None else 0), "branch"
            scopes.setdefault(index, []).append(child)
        ordered = sorted(scopes.items())
        self.scopes(run, kind, ordered, depth)

    def scopes(
        self,
        container: StateRun,
        kind: str,
        scopes: Sequence[tuple[int, list[StateRun]]],
        depth: int,
    ) -> None:
        if len(scopes) <= self.max_scope_lanes:
            for index, runs in scopes:
                bars = [bar for run in runs for bar in self.bars_of(run)]
                self.lanes.append(Lane(label=f"{kind} {index}", depth=depth, bars=tuple(bars)))
                for run in runs:
                    self.containers_inside(run, depth + 1)
            return
        size = _chunk(len(scopes), self.max_scope_lanes)
        for offset in range(0, len(scopes), size):
            members = scopes[offset : offset + size]
            group = self.group(container, kind, members)
            self.lanes.append(Lane(label=_group_label(group), depth=depth, group=group))
            if group.expanded:
                self.scopes(container, kind, members, depth + 1)

    def group(
        self, container: StateRun, kind: str, members: Sequence[tuple[int, list[StateRun]]]
    ) -> Group:
        first, last = members[0][0], members[-1][0]
        counts: dict[RunStatus, int] = {}
        start: float | None = None
        end: float | None = None
        for _, runs in members:
            status = _worst(run.status for run in runs)
            counts[status] = counts.get(status, 0) + 1
            for bar in self._spans(runs):
                start = bar[0] if start is None else min(start, bar[0])
                end = bar[1] if end is None else max(end, bar[1])
        group_id = f"{container.key}@{first}-{last}"
        return Group(
            id=group_id,
            container_key=container.key,
            state=container.name,
            kind=kind,
            first=first,
            last=last,
            size=len(members),
            status=_worst(counts),
            counts=tuple((status, counts[status]) for status in _SEVERITY if status in counts),
            start_ms=start or 0.0,
            end_ms=max(start or 0.0, end or 0.0),
            expanded=group_id in self.expanded,
        )

    def _spans(self, runs: Iterable[StateRun]) -> Iterable[tuple[float, float]]:
        for run in runs:
            start = _ms(run.started_at, self.zero)
            if start is None:
                continue
            end = _ms(run.ended_at, self.zero)
            yield start, max(start, self.end_ms if end is None else end)


def _attempt_status(run: StateRun, attempt: Attempt, is_last: bool) -> RunStatus:
    if attempt.status == "succeeded":
        return "succeeded"
    if attempt.status == "in-progress":
        return "in-progress" if run.status == "in-progress" else run.status
    if attempt.status == "aborted":
        return "aborted"
    # failed or timed out: retried when another attempt followed, else what became of the run
    return run.status if is_last else "retried"


def _worst(statuses: Iterable[RunStatus]) -> RunStatus:
    seen = set(statuses)
    return next((status for status in _SEVERITY if status in seen), "not-run")


def _chunk(count: int, most: int) -> int:
    """The smallest power of ten that splits ``count`` items into at most ``most`` groups."""
    size = 10
    while -(-count // size) > most:
        size *= 10
    return size


def _group_label(group: Group) -> str:
    plural = "iterations" if group.kind == "iteration" else "branches"
    return f"{plural} {group.first}–{group.last}"


def _end_bound(projection: Projection, zero: datetime, last_event_at: datetime | None) -> float:
    """Where open bars end: the last event, else the execution's stop, else the latest time seen."""
    for candidate in (last_event_at, projection.execution.stopped_at):
        end = _ms(candidate, zero)
        if end is not None:
            return end
    latest = 0.0
    for run in projection.runs:
        for at in (run.started_at, run.ended_at):
            latest = max(latest, _ms(at, zero) or 0.0)
        for attempt in run.attempts:
            for at in (attempt.started_at, attempt.ended_at):
                latest = max(latest, _ms(at, zero) or 0.0)
    return latest


def _zero(projection: Projection) -> datetime | None:
    if projection.execution.started_at is not None:
        return projection.execution.started_at
    starts = [run.started_at for run in projection.runs if run.started_at is not None]
    return min(starts) if starts else None


def parse_expanded(text: str) -> frozenset[str]:
    """The group ids in a ``lanes`` query value (comma separated, at most 100; an unknown id
    simply matches nothing)."""
    parts = [part.strip() for part in text.split(",")[:100]]
    return frozenset(part for part in parts if part)


def timeline_layout(
    projection: Projection,
    *,
    last_event_at: datetime | None = None,
    expanded: Collection[str] = (),
    max_scope_lanes: int = MAX_SCOPE_LANES,
    max_lanes: int = MAX_LANES,
    max_bars: int = MAX_BARS,
) -> Timeline:
    """The chart of a projection; ``last_event_at`` ends the bars of a run still going."""
    running = projection.execution.status == "RUNNING"
    zero = _zero(projection)
    if zero is None:
        return Timeline(0.0, (), running, 0, 0)
    end_ms = _end_bound(projection, zero, last_event_at)
    layout = _Layout(projection, zero, end_ms, expanded, max_scope_lanes)
    layout.top_level([run for run in projection.runs if run.parent_key is None])
    return _capped(layout.lanes, end_ms, running, max_lanes, max_bars)


def _capped(
    lanes: Sequence[Lane], end_ms: float, running: bool, max_lanes: int, max_bars: int
) -> Timeline:
    kept: list[Lane] = []
    bars = hidden_bars = 0
    for lane in lanes:
        weight = len(lane.bars) + (lane.group is not None)
        if len(kept) >= max_lanes or bars >= max_bars:
            hidden_bars += weight
            continue
        room = max_bars - bars
        if weight > room:
            hidden_bars += weight - room
            lane = Lane(lane.label, lane.depth, lane.bars[:room], lane.group if room else None)
            weight = room
        kept.append(lane)
        bars += weight
    duration = max([end_ms, *(bar.end_ms for lane in kept for bar in lane.bars)], default=0.0)
    return Timeline(duration, tuple(kept), running, len(lanes) - len(kept), hidden_bars)
