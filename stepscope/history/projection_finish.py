"""From working state to a frozen Projection: run statuses, the failing run, node colours."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from stepscope.history.projection_feed import ExecutionFacts, HistoryBuilder
from stepscope.history.projection_state import AttemptState, RunState
from stepscope.history.projection_types import (
    Attempt,
    ExecutionSummary,
    Projection,
    StateRun,
)
from stepscope.history.status import RunStatus

# When one state ran several times, the graph node shows the most telling of its runs' statuses.
_NODE_PRIORITY: tuple[RunStatus, ...] = (
    "failed",
    "in-progress",
    "caught",
    "aborted",
    "retried",
    "succeeded",
    "not-run",
)
_CONTAINERS = ("Map", "Parallel")


def freeze(builder: HistoryBuilder) -> Projection:
    """The Projection of everything fed so far."""
    ended = builder.execution.ended
    statuses = {run.order: run_status(run, ended) for run in builder.runs}
    failing = _failing_run(builder, statuses)
    errors = _errors(builder, statuses, failing)
    runs = tuple(
        _frozen_run(run, statuses[run.order], errors.get(run.order)) for run in builder.runs
    )
    return Projection(
        execution=_summary(builder.execution, builder),
        runs=runs,
        failed_run_key=failing.key if failing is not None else None,
        node_statuses=_node_statuses(runs),
        caught_before_failure=_caught_before(builder, statuses, failing),
    )


def _caught_before(
    builder: HistoryBuilder, statuses: Mapping[int, RunStatus], failing: RunState | None
) -> tuple[str, ...]:
    """The caught runs on the previousEventId chain leading to the failed run, oldest first."""
    if failing is None:
        return ()
    caught: list[str] = []
    current = builder.previous.get(failing.entered_event_id)
    for _ in range(builder.event_count + 1):
        if not current:
            break
        run = builder.owner.get(current)
        if run is not None and statuses[run.order] == "caught" and run.key not in caught:
            caught.append(run.key)
        current = builder.previous.get(current)
    return tuple(reversed(caught))


def run_status(run: RunState, execution_ended: bool) -> RunStatus:
    """The status of one run, from what happened to it and whether anything around it ended."""
    closed = execution_ended or run.stopped or run.aborted or run.frame.is_closed()
    if run.failing:
        if run.exited:
            return "caught"
        if closed or run.state_type == "Fail":
            return "failed"
        return "in-progress"
    if run.aborted:
        return "aborted"
    if run.exited:
        failed_before = any(a.status in ("failed", "timed-out") for a in run.attempts)
        return "retried" if failed_before else "succeeded"
    return "aborted" if closed else "in-progress"


def _failing_run(builder: HistoryBuilder, statuses: Mapping[int, RunStatus]) -> RunState | None:
    facts = builder.execution
    if facts.status != "FAILED":
        return None
    run = _run_before_end(builder, facts)
    if run is None or statuses[run.order] != "failed":
        run = _latest_failed(builder, statuses)
    if run is None:
        return None
    children = _failed_children(builder, statuses)
    while run.state_type in _CONTAINERS and children.get(run.order):
        run = min(children[run.order], key=_failure_order)
    return run


def _run_before_end(builder: HistoryBuilder, facts: ExecutionFacts) -> RunState | None:
    """The first run met walking back the previousEventId chain from the execution's end."""
    current = builder.previous.get(facts.end_event_id) if facts.end_event_id else None
    for _ in range(builder.event_count + 1):
        if not current:
            return None
        run = builder.owner.get(current)
        if run is not None:
            return run
        current = builder.previous.get(current)
    return None


def _latest_failed(builder: HistoryBuilder, statuses: Mapping[int, RunStatus]) -> RunState | None:
    failed = [run for run in builder.runs if statuses[run.order] == "failed"]
    top_level = [run for run in failed if run.frame.container is None]
    candidates = top_level or failed
    return candidates[-1] if candidates else None


def _failed_children(
    builder: HistoryBuilder, statuses: Mapping[int, RunStatus]
) -> dict[int, list[RunState]]:
    children: dict[int, list[RunState]] = {}
    for run in builder.runs:
        container = run.frame.container
        if container is not None and statuses[run.order] == "failed":
            children.setdefault(container.order, []).append(run)
    return children


def _failure_order(run: RunState) -> tuple[int, int]:
    event = run.failure_event_id
    return (0, event) if event is not None else (1, run.order)


def _errors(
    builder: HistoryBuilder, statuses: Mapping[int, RunStatus], failing: RunState | None
) -> dict[int, tuple[str | None, str | None]]:
    """Errors the events do not state on the run itself.

    A Fail state's error is the execution's when it ended the execution; a failed Map or Parallel
    takes the error of its first failed run.
    """
    errors: dict[int, tuple[str | None, str | None]] = {}
    if failing is not None and failing.error is None:
        errors[failing.order] = (builder.execution.error, builder.execution.cause)
    children = _failed_children(builder, statuses)
    for run in reversed(builder.runs):
        if run.state_type not in _CONTAINERS or not run.failing or run.error is not None:
            continue
        kids = children.get(run.order)
        if kids:
            first = min(kids, key=_failure_order)
            errors[run.order] = errors.get(first.order, (first.error, first.cause))
        elif failing is not None and run is not failing and failing.is_descendant_of(run):
            errors[run.order] = (builder.execution.error, builder.execution.cause)
    return errors


def _frozen_run(
    run: RunState, status: RunStatus, derived_error: tuple[str | None, str | None] | None
) -> StateRun:
    error, cause = derived_error if derived_error is not None else (run.error, run.cause)
    final = status not in ("in-progress",)
    container = run.frame.container
    return StateRun(
        key=run.key,
        name=run.name,
        state_type=run.state_type,
        parent_key=container.key if container is not None else None,
        iteration=run.frame.iteration,
        branch=run.frame.branch,
        entered_event_id=run.entered_event_id,
        exited_event_id=run.exited_event_id,
        status=status,
        input=run.input,
        output=run.output,
        parameters=run.parameters,
        task_result=run.task_result,
        resource=run.resource,
        error=error,
        cause=cause,
        attempts=tuple(_frozen_attempt(attempt, final) for attempt in run.attempts),
        started_at=run.started_at,
        ended_at=run.last_event_at if final else None,
        event_ids=tuple(run.event_ids),
    )


def _frozen_attempt(attempt: AttemptState, run_final: bool) -> Attempt:
    status = attempt.status
    if status == "in-progress" and run_final:
        status = "aborted"
    return Attempt(
        number=attempt.number,
        scheduled_event_id=attempt.scheduled_event_id,
        ended_event_id=attempt.ended_event_id,
        started_at=attempt.started_at,
        ended_at=attempt.ended_at,
        status=status,
        error=attempt.error,
        cause=attempt.cause,
        backoff_seconds=attempt.backoff_seconds,
    )


def _summary(facts: ExecutionFacts, builder: HistoryBuilder) -> ExecutionSummary:
    duration: float | None = None
    if facts.started_at is not None and facts.stopped_at is not None:
        duration = (facts.stopped_at - facts.started_at).total_seconds()
    return ExecutionSummary(
        status=facts.status,
        started_at=facts.started_at,
        stopped_at=facts.stopped_at,
        duration_seconds=duration,
        input=facts.input,
        output=facts.output,
        error=facts.error,
        cause=facts.cause,
        transitions=builder.transitions,
        event_count=builder.event_count,
    )


def _node_statuses(runs: tuple[StateRun, ...]) -> Mapping[str, RunStatus]:
    rank = {status: index for index, status in enumerate(_NODE_PRIORITY)}
    shown: dict[str, RunStatus] = {}
    for run in runs:
        current = shown.get(run.name)
        if current is None or rank[run.status] < rank[current]:
            shown[run.name] = run.status
    return MappingProxyType(shown)
