"""Finding the run an event belongs to when its previousEventId does not name it directly."""

from __future__ import annotations

from collections.abc import Iterable

from stepscope.history.projection_state import Cursor, RunState


def run_named(name: str | None, cursor: Cursor, open_runs: dict[int, RunState]) -> RunState | None:
    """The run an event naming a state continues: the cursor's, an enclosing one, the latest."""
    if name is None:
        return cursor.run
    if cursor.run is not None and cursor.run.name == name:
        return cursor.run
    container = cursor.frame.container
    while container is not None:
        if container.name == name:
            return container
        container = container.frame.container
    for run in reversed(open_runs.values()):
        if run.name == name:
            return run
    return cursor.run


def enclosing_run(
    cursor: Cursor,
    open_runs: dict[int, RunState],
    state_type: str,
    name: str | None,
    *,
    started_only: bool,
) -> RunState | None:
    """The cursor's own run if it fits, else the nearest enclosing one, else the latest open."""

    def fits(run: RunState) -> bool:
        return (
            run.state_type == state_type
            and (name is None or run.name == name)
            and (run.container_started or not started_only)
        )

    run = cursor.run
    if run is not None and run.frame is cursor.frame and fits(run):
        return run
    container = cursor.frame.container
    while container is not None:
        if fits(container):
            return container
        container = container.frame.container
    for candidate in reversed(open_runs.values()):
        if fits(candidate):
            return candidate
    return None


def abort_candidate(
    state_type: str, cursor: Cursor, candidates: Iterable[RunState]
) -> RunState | None:
    """The run an abort event stops.

    Abort events chain to the failure that caused them, not to the run they stop: pick the
    earliest open run of that type inside the enclosing Map or Parallel, preferring runs that have
    not failed themselves.
    """
    scope = cursor.frame.container
    fallback: RunState | None = None
    for run in candidates:
        if run.state_type != state_type or run.aborted:
            continue
        if scope is not None and not run.is_descendant_of(scope):
            continue
        if not run.failing:
            return run
        fallback = fallback or run
    return fallback
