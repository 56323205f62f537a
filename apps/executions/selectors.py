"""Reads for executions: lists and filters, the projection of one execution (kept in memory per
process while its events and its workspace's redaction rules are unchanged), its events page by
page, and the bundle export.

Redaction: the projection is made from events masked with the workspace's rules, so everything a
page derives from it (summary, failure banner, step details, table, live JSON, full payloads) is
masked; event rows are masked where pages read them (pages.event_rows, pages.step_context); the
bundle masks its events and describe output here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import Http404

from apps.accounts.redactors import redaction_key, workspace_redactor
from apps.accounts.scoping import visible, workspaces
from apps.executions.models import Execution, HistoryEvent
from apps.executions.redaction import description_redacted
from apps.executions.search import search_filter
from stepscope.history.importing import ExecutionDescription, write_bundle
from stepscope.history.projection import Projection, StateRun, project
from stepscope.history.redaction import Redactor
from stepscope.search.query import SearchQuery

EVENTS_PER_PAGE = 100
RUNS_PER_PAGE = 500
_CACHE_SIZE = 8
_CacheKey = tuple[int, int, str, tuple[str, ...]]  # execution, events, change, rules
_projections: OrderedDict[_CacheKey, Projection] = OrderedDict()
_lock = threading.Lock()


def _visible(user: Any) -> QuerySet[Execution]:
    return visible(Execution.objects.select_related("workspace"), user)


def execution_recent(*, user: Any, limit: int = 25) -> QuerySet[Execution]:
    return _visible(user).order_by("-started_at", "-id")[:limit]


def execution_failed_count(*, user: Any) -> int:
    return _visible(user).filter(status__in=["FAILED", "TIMED_OUT", "ABORTED"]).count()


def execution_list(
    *,
    user: Any,
    workspace: str = "",
    state_machine: str = "",
    status: str = "",
    started_after: datetime | None = None,
    started_before: datetime | None = None,
    q: SearchQuery | None = None,
) -> QuerySet[Execution]:
    """The executions the user may see, filtered, newest first; `q`: a parsed search query
    (apps/executions/search.py)."""
    executions = _visible(user).select_related("definition_version__definition")
    if workspace:
        executions = executions.filter(workspace__name=workspace)
    if state_machine:
        executions = executions.filter(state_machine_name=state_machine)
    if status == "problem":
        executions = executions.filter(status__in=["FAILED", "TIMED_OUT", "ABORTED"])
    elif status:
        executions = executions.filter(status=status)
    if started_after is not None:
        executions = executions.filter(started_at__gte=started_after)
    if started_before is not None:
        executions = executions.filter(started_at__lt=started_before)
    if q:
        ids = workspaces(user).values_list("pk", flat=True)
        executions = search_filter(executions, q, workspace_ids=list(ids))
    return executions.order_by("-started_at", "-id")


def execution_last_success(*, execution: Execution) -> Execution | None:
    """The latest SUCCEEDED execution of the same state machine in the same workspace (None
    when there is none, or the execution names no state machine)."""
    if not execution.state_machine_name:
        return None
    return (
        Execution.objects.filter(
            workspace_id=execution.workspace_id,
            state_machine_name=execution.state_machine_name,
            status="SUCCEEDED",
        )
        .exclude(pk=execution.pk)
        .order_by(F("started_at").desc(nulls_last=True), "-id")
        .first()
    )


def state_machine_names(*, user: Any, limit: int = 500) -> list[str]:
    """The distinct state machine names of the executions the user may see (at most `limit`),
    in order. Read name by name along the name's index (each query the next name above the last),
    so a list page over hundreds of thousands of executions does not read every row."""
    executions = visible(Execution.objects.all(), user).order_by("state_machine_name")
    names: list[str] = []
    while len(names) < limit:
        following = (
            executions.filter(state_machine_name__gt=names[-1] if names else "")
            .values_list("state_machine_name", flat=True)
            .first()
        )
        if following is None:
            return names
        names.append(following)
    return names


def execution_get(*, pk: int) -> Execution:
    execution = (
        Execution.objects.select_related(
            "workspace", "definition_version__definition", "imported_by"
        )
        .filter(pk=pk)
        .first()
    )
    if execution is None:
        raise Http404("No such execution.")
    return execution


_REDACTOR_ATTRIBUTE = "_stepscope_redactor"


def execution_redactor(*, execution: Execution) -> Redactor:
    """The redaction rules of the execution's workspace, read once per Execution instance (so
    once per request: views read the execution afresh)."""
    redactor = execution.__dict__.get(_REDACTOR_ATTRIBUTE)
    if redactor is None:
        redactor = workspace_redactor(workspace_id=execution.workspace_id)
        execution.__dict__[_REDACTOR_ATTRIBUTE] = redactor
    return redactor


def _cache_key(execution: Execution, rules: tuple[str, ...]) -> _CacheKey:
    return (execution.pk, execution.event_count, execution.updated_at.isoformat(), rules)


def _remember(key: _CacheKey, projection: Projection) -> None:
    with _lock:
        _projections[key] = projection
        while len(_projections) > _CACHE_SIZE:
            _projections.popitem(last=False)


def projection_remember(*, execution: Execution, projection: Projection) -> None:
    """Keep a projection just made from exactly the execution's stored events (after an import),
    as what a workspace without redaction rules is shown."""
    _remember(_cache_key(execution, ()), projection)


def execution_projection(*, execution: Execution) -> Projection:
    """The projection of the stored events, masked with the workspace's redaction rules; reused
    while the execution and the rules are unchanged."""
    redactor = execution_redactor(execution=execution)
    key = _cache_key(execution, redaction_key(redactor))
    with _lock:
        cached = _projections.get(key)
        if cached is not None:
            _projections.move_to_end(key)
            return cached
    rows = execution.events.order_by("event_id").values_list("data", flat=True)
    events = rows.iterator(chunk_size=2000)
    projection = project(map(redactor.redact_event, events) if redactor else events)
    _remember(key, projection)
    return projection


def clear_projections() -> None:
    """Forget every projection kept in memory (for tests and benchmarks)."""
    with _lock:
        _projections.clear()


def run_tree(projection: Projection) -> list[tuple[StateRun, int]]:
    """Every run with its depth, children (Map iterations, Parallel branches) under their parent."""
    children: dict[str | None, list[StateRun]] = {}
    for run in projection.runs:
        children.setdefault(run.parent_key, []).append(run)
    for runs in children.values():  # iteration by iteration, branch by branch, in entry order
        runs.sort(key=lambda r: (_number(r.iteration), _number(r.branch), r.entered_event_id))
    known = {run.key for run in projection.runs}
    roots = [
        run for run in projection.runs if run.parent_key is None or run.parent_key not in known
    ]
    ordered: list[tuple[StateRun, int]] = []

    def walk(runs: list[StateRun], depth: int) -> Iterator[tuple[StateRun, int]]:
        for run in runs:
            yield run, depth
            yield from walk(children.get(run.key, []), depth + 1)

    ordered.extend(walk(roots, 0))
    return ordered


def _number(value: int | None) -> int:
    return -1 if value is None else value


def event_types(*, execution: Execution) -> list[str]:
    types = execution.events.order_by().values_list("type", flat=True).distinct()
    return sorted(set(types))


def event_state_names(*, execution: Execution) -> list[str]:
    names = execution.events.exclude(state_name="").order_by().values_list("state_name", flat=True)
    return sorted(set(names.distinct()))


def event_page(
    *,
    execution: Execution,
    event_type: str = "",
    state: str = "",
    page: int | str | None = 1,
    event: int | None = None,
) -> Page[HistoryEvent]:
    """One page of events, filtered by type and state; with `event`, the page that holds it."""
    events = _filtered(execution.events.order_by("event_id"), event_type, state)
    paginator = Paginator(events, EVENTS_PER_PAGE)
    if event is not None:
        before = events.filter(event_id__lt=event).count()
        page = before // EVENTS_PER_PAGE + 1
    return paginator.get_page(page)


def last_event_id(*, execution: Execution) -> int:
    """The highest stored event id (0 when there are none)."""
    last = execution.events.order_by("-event_id").values_list("event_id", flat=True).first()
    return int(last or 0)


def events_after(
    *, execution: Execution, after: int, event_type: str = "", state: str = "", limit: int = 500
) -> list[HistoryEvent]:
    """The events with an id above `after`, in id order, filtered like the event view."""
    events = execution.events.filter(event_id__gt=after).order_by("event_id")
    return list(_filtered(events, event_type, state)[:limit])


def _filtered(events: Any, event_type: str, state: str) -> Any:
    """Events of that type and state (either may be empty: any). No stored name holds U+0000,
    which PostgreSQL cannot even compare with, so such a filter matches nothing."""
    if "\x00" in event_type or "\x00" in state:
        return events.none()
    if event_type:
        events = events.filter(type=event_type)
    if state:
        events = events.filter(state_name=state)
    return events


def run_events(*, execution: Execution, run: StateRun, limit: int = 200) -> list[HistoryEvent]:
    ids = list(run.event_ids[:limit])
    return list(execution.events.filter(event_id__in=ids).order_by("event_id"))


def _description(data: dict[str, Any] | None) -> ExecutionDescription | None:
    if not data:
        return None
    fields = dict(data)
    for key in ("start_date", "stop_date"):
        value = fields.get(key)
        fields[key] = datetime.fromisoformat(value) if isinstance(value, str) else None
    known = ExecutionDescription.__dataclass_fields__
    return ExecutionDescription(**{k: fields.get(k) for k in known})


def execution_bundle(*, execution: Execution) -> str:
    """Our bundle (definition, description and every event), read back losslessly on import;
    its payloads masked with the workspace's redaction rules."""
    redactor = execution_redactor(execution=execution)
    events = list(execution.events.order_by("event_id").values_list("data", flat=True))
    version = execution.definition_version
    definition = version.text if version is not None else (execution.definition_text or None)
    return write_bundle(
        events=redactor.redact_events(events),
        description=description_redacted(_description(execution.description), redactor),
        definition=definition,
        state_machine_name=execution.state_machine_name or None,
    )
