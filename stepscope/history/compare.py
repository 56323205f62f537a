"""Comparing two executions: where their paths first part, what each state's input and output
became, and how long each state took.

Runs are paired by their key (``ChargePayment``, ``ChargePayment#2``, ``Lines/i3/CheckStock``):
the same state entered the same number of times in the same Map iteration or Parallel branch.
The first divergence is found frame by frame: the top level in order of entry first, then the
iterations and branches of each Map or Parallel run (by iteration or branch number), inside
them in order of entry. Pure: no Django, works on two projections.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from stepscope.history.events import payload_value
from stepscope.history.projection_types import Projection, StateRun

ChangeKind = Literal["added", "removed", "changed"]
MAX_CHANGES = 200  # a diff longer than this is cut (and says so)
MAX_DEPTH = 64  # deeper values are compared whole


@dataclass(frozen=True)
class Change:
    path: str  # "$", "$.order.items[2]", "$['odd key']"
    kind: ChangeKind
    old: object  # the value in A (None when added)
    new: object  # the value in B (None when removed)


@dataclass(frozen=True)
class JsonDiff:
    changes: tuple[Change, ...]
    truncated: bool  # more changes than MAX_CHANGES

    @property
    def same(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class Divergence:
    state: str  # the state's name
    key_a: str | None  # its run in A (None: only B ran it there)
    key_b: str | None
    reason: str  # in words: "caught in A, succeeded in B", "only B ran it", ...


@dataclass(frozen=True)
class RunPair:
    key: str
    name: str
    a: StateRun | None
    b: StateRun | None
    input_diff: JsonDiff
    output_diff: JsonDiff
    seconds_a: float | None
    seconds_b: float | None

    @property
    def seconds_delta(self) -> float | None:
        if self.seconds_a is None or self.seconds_b is None:
            return None
        return self.seconds_b - self.seconds_a


@dataclass(frozen=True)
class Comparison:
    divergence: Divergence | None
    pairs: tuple[RunPair, ...]  # A's runs in tree order, then those only B has (up to a limit)
    pair_count: int  # how many there are in all
    seconds_a: float | None  # whole executions
    seconds_b: float | None
    input_diff: JsonDiff  # the executions' input and output
    output_diff: JsonDiff

    @property
    def seconds_delta(self) -> float | None:
        if self.seconds_a is None or self.seconds_b is None:
            return None
        return self.seconds_b - self.seconds_a


# -- JSON diff ---------------------------------------------------------------------------------

_MISSING = object()


def _member(path: str, key: str) -> str:
    if key.isidentifier() and key.isascii():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def json_diff(old: object, new: object, *, limit: int = MAX_CHANGES) -> JsonDiff:
    """The changes from `old` to `new` (parsed JSON values): paths added, removed or changed,
    objects compared key by key and arrays index by index."""
    changes: list[Change] = []
    truncated = False
    for change in _walk("$", old, new, 0):
        if len(changes) >= limit:
            truncated = True
            break
        changes.append(change)
    return JsonDiff(tuple(changes), truncated)


def payload_diff(old: str | None, new: str | None) -> JsonDiff:
    """The diff of two payloads as the projection holds them (JSON text, or None)."""
    return json_diff(payload_value(old), payload_value(new))


def _walk(path: str, old: object, new: object, depth: int) -> Iterator[Change]:
    if old is _MISSING:
        yield Change(path, "added", None, new)
        return
    if new is _MISSING:
        yield Change(path, "removed", old, None)
        return
    if depth < MAX_DEPTH and isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            yield from _walk(_member(path, str(key)), old[key], new.get(key, _MISSING), depth + 1)
        for key in new:
            if key not in old:
                yield Change(_member(path, str(key)), "added", None, new[key])
        return
    if depth < MAX_DEPTH and isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else _MISSING
            after = new[index] if index < len(new) else _MISSING
            yield from _walk(f"{path}[{index}]", before, after, depth + 1)
        return
    if not _equal(old, new):
        yield Change(path, "changed", old, new)


def _equal(old: object, new: object) -> bool:
    if type(old) is not type(new) and not (_number(old) and _number(new)):
        return False  # 1 and true, 0 and false differ
    try:
        return old == new
    except RecursionError:
        return False


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# -- the first divergence ------------------------------------------------------------------------


def _children(projection: Projection) -> dict[str | None, list[StateRun]]:
    known = {run.key for run in projection.runs}
    children: dict[str | None, list[StateRun]] = {}
    for run in projection.runs:  # projection order is the order of entry
        parent = run.parent_key if run.parent_key in known else None
        children.setdefault(parent, []).append(run)
    return children


def _frames(runs: Sequence[StateRun]) -> dict[tuple[int, int], list[StateRun]]:
    """The runs inside one Map or Parallel run, by (iteration, branch) frame."""
    frames: dict[tuple[int, int], list[StateRun]] = {}
    for run in runs:
        number = (_index(run.iteration), _index(run.branch))
        frames.setdefault(number, []).append(run)
    return frames


def _index(value: int | None) -> int:
    return -1 if value is None else value


def _reason_status(a: StateRun, b: StateRun) -> str:
    return f"{a.status} in A, {b.status} in B"


def _first_in_frame(
    runs_a: Sequence[StateRun],
    runs_b: Sequence[StateRun],
    children_a: Mapping[str | None, list[StateRun]],
    children_b: Mapping[str | None, list[StateRun]],
) -> Divergence | None:
    for a, b in zip(runs_a, runs_b, strict=False):
        if a.name != b.name:
            return Divergence(a.name, a.key, None, f"A went to {a.name}, B to {b.name}")
        if a.status != b.status:
            return Divergence(a.name, a.key, b.key, _reason_status(a, b))
    if len(runs_a) > len(runs_b):
        extra = runs_a[len(runs_b)]
        return Divergence(extra.name, extra.key, None, "only A ran it here")
    if len(runs_b) > len(runs_a):
        extra = runs_b[len(runs_a)]
        return Divergence(extra.name, None, extra.key, "only B ran it here")
    for a, b in zip(runs_a, runs_b, strict=True):  # same path and statuses: look inside
        frames_a = _frames(children_a.get(a.key, []))
        frames_b = _frames(children_b.get(b.key, []))
        for number in sorted(set(frames_a) | set(frames_b)):
            found = _first_in_frame(
                frames_a.get(number, []), frames_b.get(number, []), children_a, children_b
            )
            if found is not None:
                return found
    return None


def first_divergence(a: Projection, b: Projection) -> Divergence | None:
    """The first state whose presence, order or status differs between the two runs (None when
    they took the same path with the same statuses)."""
    children_a, children_b = _children(a), _children(b)
    top_a, top_b = children_a.get(None, []), children_b.get(None, [])
    return _first_in_frame(top_a, top_b, children_a, children_b)


# -- pairing runs ----------------------------------------------------------------------------------


def _tree_order(projection: Projection) -> list[StateRun]:
    children = _children(projection)
    ordered: list[StateRun] = []

    def walk(runs: Sequence[StateRun]) -> None:
        for frame in sorted(_frames(runs).items()):
            for run in frame[1]:
                ordered.append(run)
                walk(children.get(run.key, []))

    walk(children.get(None, []))
    return ordered


def run_seconds(run: StateRun | None) -> float | None:
    if run is None or run.started_at is None or run.ended_at is None:
        return None
    return (run.ended_at - run.started_at).total_seconds()


MAX_PAIRS = 500


def compare(a: Projection, b: Projection, *, limit: int = MAX_PAIRS) -> Comparison:
    """Both executions side by side: the first divergence, and the runs paired by key (the
    first `limit` pairs get their diffs; `pair_count` says how many there are)."""
    in_b = {run.key: run for run in b.runs}
    order: list[tuple[StateRun | None, StateRun | None]] = []
    seen: set[str] = set()
    for run in _tree_order(a):
        seen.add(run.key)
        order.append((run, in_b.get(run.key)))
    order.extend((None, run) for run in _tree_order(b) if run.key not in seen)
    return Comparison(
        first_divergence(a, b),
        tuple(_pair(run_a, run_b) for run_a, run_b in order[:limit]),
        len(order),
        a.execution.duration_seconds,
        b.execution.duration_seconds,
        payload_diff(a.execution.input, b.execution.input),
        payload_diff(a.execution.output, b.execution.output),
    )


_NO_DIFF = JsonDiff((), False)


def _pair(a: StateRun | None, b: StateRun | None) -> RunPair:
    run = a if a is not None else b
    assert run is not None
    return RunPair(
        run.key,
        run.name,
        a,
        b,
        payload_diff(a.input, b.input) if a is not None and b is not None else _NO_DIFF,
        payload_diff(a.output, b.output) if a is not None and b is not None else _NO_DIFF,
        run_seconds(a),
        run_seconds(b),
    )
