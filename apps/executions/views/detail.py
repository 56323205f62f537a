"""The execution page (graph, table and event views), the step details fragment, full payloads,
and the status stylesheet."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from apps.accounts.scoping import object_view, signed_in
from apps.aws import following
from apps.executions import pages, selectors, services
from apps.executions.models import Execution
from apps.executions.presentation import pretty_json, status_legend, svg_with_statuses
from apps.executions.run_choices import run_filter
from apps.executions.timeline_page import timeline_context
from stepscope.graph import GraphRenderError
from stepscope.history.projection import Projection, StateRun
from stepscope.history.status import status_css

VIEWS = ("graph", "table", "timeline", "events")
DIRECTIONS = {"TB": "top to bottom", "LR": "left to right"}
RUN_FIELDS = ("input", "output", "parameters", "task_result", "cause")
EXECUTION_FIELDS = {"execution_input": "input", "execution_output": "output"}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def _selected_run(
    request: HttpRequest, execution: Execution, projection: Projection
) -> tuple[StateRun | None, str]:
    """The run asked for, else where the failure started (its root cause), else the last failed
    run."""
    key = request.GET.get("state", "")
    run = projection.run(key) if key else None
    note = ""
    if key and run is None:
        note = f"This execution has no state run “{key}”."
    for fallback in (execution.root_cause_run_key, projection.failed_run_key):
        if run is None and fallback:
            run = projection.run(fallback)
    return run, note


def _graph_context(request: HttpRequest, execution: Execution, projection: Projection) -> dict:
    direction = request.GET.get("direction", "TB").upper()
    direction = direction if direction in DIRECTIONS else "TB"
    svg, graph_error = "", ""
    try:
        drawn = services.execution_graph_svg(execution=execution, direction=direction)  # type: ignore[arg-type]
        svg = svg_with_statuses(drawn, projection.node_statuses)
    except GraphRenderError as error:
        graph_error = f"The graph could not be drawn: {error}"
    except ValueError as error:
        graph_error = f"There is no graph to draw: {error}"
    return {
        "svg": svg,
        "graph_error": graph_error,
        "direction": direction,
        "directions": DIRECTIONS,
        "node_runs": pages.node_runs(projection),
    }


def _events_context(request: HttpRequest, execution: Execution, projection: Projection) -> dict:
    event = _int(request.GET.get("event"))
    event_type = request.GET.get("type", "")
    state = request.GET.get("state_name", "")
    page = selectors.event_page(
        execution=execution,
        event_type=event_type,
        state=state,
        page=request.GET.get("page"),
        event=event,
    )
    query = request.GET.copy()
    for key in ("page", "event", "state"):
        query.pop(key, None)
    query["view"] = "events"
    return {
        "event_page": page,
        "event_rows": pages.event_rows(
            page.object_list,
            projection.execution.started_at,
            redactor=selectors.execution_redactor(execution=execution),
        ),
        "highlight_event": event,
        "event_type": event_type,
        "event_state": state,
        "event_types": selectors.event_types(execution=execution),
        "event_states": selectors.event_state_names(execution=execution),
        "events_query": query.urlencode(),
    }


def _table_context(request: HttpRequest, projection: Projection, selected: str) -> dict:
    rows = pages.table_rows(projection)
    number: Any = request.GET.get("page")
    if number is None and selected:  # open on the page that holds the selected run
        index = next(
            (i for i, row in enumerate(rows) if row["run"] and row["run"].key == selected), 0
        )
        number = index // selectors.RUNS_PER_PAGE + 1
    page = Paginator(rows, selectors.RUNS_PER_PAGE).get_page(number)
    return {"table_page": page}


def _live_context(execution: Execution) -> dict[str, Any] | None:
    """What execution_live.js needs to follow a running execution (None when it has ended).
    Read before the projection, so the page never shows less than the id it subscribes after."""
    if execution.status != "RUNNING":
        return None
    return {
        "ws_path": f"/ws/executions/{execution.pk}/",
        "url": reverse("executions:live", args=[execution.pk]),
        "last_event_id": selectors.last_event_id(execution=execution),
    }


def _timeline_context(
    request: HttpRequest, execution: Execution, projection: Projection, selected: str
) -> dict[str, Any]:
    return timeline_context(request, execution, projection, selected)


@object_view(Execution)
@require_GET
def execution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    execution = selectors.execution_get(pk=pk)
    live = _live_context(execution)
    following.execution_follow_on_view(execution=execution)  # a running AWS one is polled
    projection = selectors.execution_projection(execution=execution)
    has_event = _int(request.GET.get("event")) is not None
    view = "events" if has_event else request.GET.get("view", "graph")
    view = view if view in VIEWS else "graph"
    run, state_note = _selected_run(request, execution, projection)
    definitions = pages.state_definitions(execution)
    context: dict[str, Any] = {
        "execution": execution,
        "version": execution.definition_version,
        "summary": pages.summary_context(execution, projection),
        "progress": pages.progress_context(projection, definitions),
        "live": live,
        "failure": pages.failure_context(projection),
        "view": view,
        "state_note": state_note,
        "selected_key": run.key if run else "",
        "selected_name": run.name if run else "",
        "step": pages.step_context(
            execution, projection, run, definitions=definitions, choices=run_filter(request.GET)
        )
        if run
        else None,
        "legend": status_legend(),
        "last_import": execution.import_log[-1] if execution.import_log else None,
        "show_import": request.GET.get("imported") == "1",
    }
    if view == "graph":
        context.update(_graph_context(request, execution, projection))
    elif view == "table":
        context.update(_table_context(request, projection, context["selected_key"]))
    elif view == "timeline":
        context.update(_timeline_context(request, execution, projection, context["selected_key"]))
    else:
        context.update(_events_context(request, execution, projection))
    return render(request, "executions/detail.html", context)


@object_view(Execution)
@require_GET
def step_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The step details panel for one run: what the page swaps in when a node is clicked."""
    execution = selectors.execution_get(pk=pk)
    projection = selectors.execution_projection(execution=execution)
    definitions = pages.state_definitions(execution)
    run = projection.run(request.GET.get("state", ""))
    if run is None:
        name = request.GET.get("name", "")
        if name not in definitions:
            raise Http404("No such state run in this execution.")
        context = {"execution": execution, "name": name, "definition": definitions[name]}
        return render(request, "executions/_not_run.html", context)
    choices = run_filter(request.GET)
    step = pages.step_context(execution, projection, run, definitions=definitions, choices=choices)
    return render(request, "executions/_step.html", {"execution": execution, "step": step})


@object_view(Execution)
@require_GET
def payload_text(request: HttpRequest, pk: int) -> HttpResponse:
    """One payload in full, pretty-printed, as text: what "show all" and "copy" fetch."""
    execution = selectors.execution_get(pk=pk)
    projection = selectors.execution_projection(execution=execution)
    field = request.GET.get("field", "")
    value: object = None
    if field in EXECUTION_FIELDS:
        value = getattr(projection.execution, EXECUTION_FIELDS[field])
    elif field in RUN_FIELDS:
        run = projection.run(request.GET.get("state", ""))
        if run is None:
            raise Http404("No such state run in this execution.")
        value = getattr(run, field)
    else:
        raise Http404("No such payload.")
    text = "" if value is None else pretty_json(value)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@signed_in()  # the status colours: no one's data, but nothing is served signed out
@require_GET
@cache_control(max_age=3600, private=True)
def status_stylesheet(request: HttpRequest) -> HttpResponse:
    """The one status colour map (graph nodes, badges, legend) as CSS."""
    return HttpResponse(status_css(), content_type="text/css; charset=utf-8")
