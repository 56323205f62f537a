"""What the execution page shows, assembled from the projection, the stored events and the
definition: the summary, the failure banner, one state run's details, and the table rows.

Payloads are masked with the workspace's redaction rules before they get here: the projection
is made from masked events (selectors.execution_projection), and the event rows read here are
masked as they are read (event_rows, step_context)."""

from __future__ import annotations

import json
from typing import Any

from apps.executions import selectors
from apps.executions.models import Execution
from apps.executions.presentation import (
    cause_view,
    duration_text,
    payload,
    pretty_json,
    run_style,
    seconds_between,
)
from apps.executions.redaction import event_rows_redacted
from apps.executions.run_choices import RunFilter, failure_group_rows, run_choices, run_label
from stepscope.asl.build_model import build_state_machine
from stepscope.asl.source import parse_source
from stepscope.history.importing import MAX_EVENTS
from stepscope.history.projection import Projection, StateRun
from stepscope.history.redaction import Redactor
from stepscope.history.rootcause import root_cause


def summary_context(execution: Execution, projection: Projection) -> dict[str, Any]:
    summary = projection.execution
    return {
        "status": summary.status,
        "started_at": summary.started_at,
        "stopped_at": summary.stopped_at,
        "duration": duration_text(summary.duration_seconds),
        "transitions": summary.transitions,
        "event_count": summary.event_count,
        "max_events": MAX_EVENTS,
        "event_share": min(100.0, 100.0 * summary.event_count / MAX_EVENTS),
        "input": payload(summary.input),
        "output": payload(summary.output),
    }


_NOT_DONE = ("not-run", "in-progress")


def progress_context(projection: Projection, definitions: dict[str, Any]) -> dict[str, Any]:
    """How far the run has got: states of the definition that have finished (the graph's node
    statuses), out of all of them. An ended execution shows a full bar: nothing more will run."""
    statuses = projection.node_statuses
    names = set(definitions) or set(statuses)
    done = sum(1 for name in names if statuses.get(name, "not-run") not in _NOT_DONE)
    running = sum(1 for name in names if statuses.get(name) == "in-progress")
    total = len(names)
    if projection.execution.status != "RUNNING":
        text = f"{done} of {total} state{'' if total == 1 else 's'} ran"
        return {"done": total, "total": total, "percent": 100, "text": text}
    text = f"{done} of {total} state{'' if total == 1 else 's'} done"
    if running:
        text += f", {running} running"
    percent = round(100 * done / total) if total else 0
    return {"done": done, "total": total, "percent": percent, "text": text}


def failure_context(projection: Projection) -> dict[str, Any] | None:
    """The banner: where the failure started (the root cause, in words, with its error and cause
    and a link to its step), and what ended the execution when that was something else."""
    summary = projection.execution
    if summary.status not in ("FAILED", "TIMED_OUT", "ABORTED"):
        return None
    root = root_cause(projection)
    run = projection.run(root.run_key) if root and root.run_key else None
    if run is None and projection.failed_run_key:
        run = projection.run(projection.failed_run_key)
    if root is not None and root.error:  # the root cause's own error and cause, not another's
        error, cause = root.error, root.cause or None
    else:
        error = summary.error or (run.error if run else None)
        cause = summary.cause or (run.cause if run else None)
    ended_error = summary.error or ""
    other_end = ended_error != (error or "")
    return {
        "status": summary.status,
        "error": error,
        "cause": cause_view(cause),
        "run": run,
        "attempts": len(run.attempts) if run else 0,
        "root": root,
        # The execution's own error, when the root cause's is another (a saga's Fail state).
        "ended_error": ended_error if other_end else "",
        "ended_cause": (summary.cause or "") if other_end else "",
    }


def state_definitions(execution: Execution) -> dict[str, dict[str, str]]:
    """Each state's ASL and Comment by name, from the version or the reconstructed definition."""
    version = execution.definition_version
    try:
        data = (
            parse_source(version.text).data
            if version is not None
            else execution.reconstructed_definition
        )
        machine = build_state_machine(data)
    except ValueError:
        return {}
    return {
        state.name: {
            "type": state.type or "",
            "comment": state.comment or "",
            "asl": json.dumps(dict(state.raw), indent=2, ensure_ascii=False, default=str),
        }
        for state in machine.all_states()
    }


def _attempt_rows(run: StateRun) -> list[dict[str, Any]]:
    return [
        {
            "attempt": attempt,
            "duration": duration_text(seconds_between(attempt.started_at, attempt.ended_at)),
            "backoff": duration_text(attempt.backoff_seconds)
            if attempt.backoff_seconds is not None
            else "",
            "cause": cause_view(attempt.cause),
        }
        for attempt in run.attempts
    ]


def step_context(
    execution: Execution,
    projection: Projection,
    run: StateRun,
    *,
    definitions: dict[str, Any],
    choices: RunFilter | None = None,
) -> dict[str, Any]:
    """Everything the step details panel shows for one state run; `choices` filters and pages
    the run selector (every run of this state)."""
    started = projection.execution.started_at
    return {
        "run": run,
        "label": run_label(run),
        "style": run_style(run.status),
        "input": payload(run.input),
        "output": payload(run.output),
        "parameters": payload(run.parameters),
        "task_result": payload(run.task_result),
        "error": run.error,
        "cause": cause_view(run.cause),
        "attempts": _attempt_rows(run),
        "retries": max(0, len(run.attempts) - 1),
        "definition": definitions.get(run.name),
        "events": event_rows_redacted(
            selectors.run_events(execution=execution, run=run),
            selectors.execution_redactor(execution=execution),
        ),
        "event_total": len(run.event_ids),
        "started_after": duration_text(seconds_between(started, run.started_at)),
        "duration": duration_text(seconds_between(run.started_at, run.ended_at)),
        "choices": run_choices(projection, run, choices or RunFilter()),
        "failure_groups": failure_group_rows(projection, run),
    }


def node_runs(projection: Projection) -> dict[str, str]:
    """For each state name, the run a click on its node opens: the failed one, else the last."""
    chosen: dict[str, StateRun] = {}
    for run in projection.runs:
        current = chosen.get(run.name)
        if current is None or not (current.status == "failed" and run.status != "failed"):
            chosen[run.name] = run
    if projection.failed_run_key:
        failed = projection.run(projection.failed_run_key)
        if failed is not None:
            chosen[failed.name] = failed
    return {name: run.key for name, run in chosen.items()}


_SEVERITY = ("failed", "aborted", "in-progress", "caught", "retried", "succeeded", "not-run")


def _group_status(runs: list[StateRun]) -> str:
    statuses = {run.status for run in runs}
    return next((status for status in _SEVERITY if status in statuses), "not-run")


def _group_of(run: StateRun) -> tuple[str, str] | None:
    """The Map iteration or Parallel branch a run belongs to: (id, label), or None."""
    if run.iteration is not None:
        return f"{run.parent_key}/i{run.iteration}", f"Iteration {run.iteration}"
    if run.branch is not None:
        return f"{run.parent_key}/b{run.branch}", f"Branch {run.branch + 1}"
    return None


def table_rows(projection: Projection) -> list[dict[str, Any]]:
    """One row per run, as a tree: a Map's iterations and a Parallel's branches are group rows
    (with the worst status inside them) holding the runs of that iteration or branch."""
    started = projection.execution.started_at
    tree = selectors.run_tree(projection)
    members: dict[str, list[StateRun]] = {}
    for run, _ in tree:
        group = _group_of(run)
        if group is not None:
            members.setdefault(group[0], []).append(run)
    rows: list[dict[str, Any]] = []
    open_groups: dict[str, int] = {}  # group id -> depth of its header row
    for run, depth in tree:
        group = _group_of(run)
        extra = 0
        if group is not None:
            if group[0] not in open_groups:
                open_groups[group[0]] = depth
                status = _group_status(members[group[0]])
                rows.append(_group_row(group[1], depth, status, members[group[0]], started))
            extra = 1
        rows.append(_run_row(run, depth + extra, started))
    for index, row in enumerate(rows[:-1]):
        row["has_children"] = rows[index + 1]["depth"] > row["depth"]
    return rows


def _run_row(run: StateRun, depth: int, started: Any) -> dict[str, Any]:
    return {
        "run": run,
        "depth": depth,
        "indent": depth * 20,
        "label": run.name,
        "style": run_style(run.status),
        "started_after": duration_text(seconds_between(started, run.started_at)),
        "duration": duration_text(seconds_between(run.started_at, run.ended_at)),
        "has_children": False,
    }


def _group_row(
    label: str, depth: int, status: str, runs: list[StateRun], started: Any
) -> dict[str, Any]:
    first = min((r.started_at for r in runs if r.started_at), default=None)
    last = max((r.ended_at for r in runs if r.ended_at), default=None)
    return {
        "run": None,
        "group": label,
        "status": status,
        "depth": depth,
        "indent": depth * 20,
        "started_after": duration_text(seconds_between(started, first)),
        "duration": duration_text(seconds_between(first, last)),
        "has_children": True,
    }


_PAYLOAD_FIELDS = ("input", "output", "parameters", "cause", "result")


def _readable_details(event_data: dict[str, Any]) -> dict[str, Any]:
    """The event's details member, with JSON-text payloads shown as the JSON they hold."""
    details = next(
        (v for k, v in event_data.items() if k.endswith("EventDetails") and isinstance(v, dict)),
        {},
    )
    readable = dict(details)
    for field in _PAYLOAD_FIELDS:
        value = readable.get(field)
        if isinstance(value, str) and len(value) <= 20_000:
            try:
                readable[field] = json.loads(value)
            except (ValueError, RecursionError):
                pass
    return readable


def event_rows(events: Any, started_at: Any, *, redactor: Redactor) -> list[dict[str, Any]]:
    """The event view's rows, their payloads masked with `redactor` (the workspace's rules)."""
    rows = []
    for event in event_rows_redacted(events, redactor):
        details = _readable_details(event.data)
        text = pretty_json(details) if details else ""
        compact = json.dumps(details, ensure_ascii=False, default=str) if details else ""
        rows.append(
            {
                "event": event,
                "after": duration_text(seconds_between(started_at, event.timestamp)),
                "details": text[:4000],
                "details_cut": len(text) > 4000,
                "summary": compact[:160],
            }
        )
    return rows
