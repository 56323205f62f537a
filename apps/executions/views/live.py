"""The live state of an execution: what execution_live.js swaps into the page while it runs.

Everything here comes from the same projection and the same templates as the page itself
(detail.py), so the live page and a reload always agree (DESIGN.md, "One source of truth").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.scoping import object_view
from apps.executions import pages, selectors
from apps.executions.models import Execution
from apps.executions.templatetags.execution_tags import execution_badge
from stepscope.history.projection import Projection

MAX_AFTER = 2**31 - 1
EVENT_ROWS_LIMIT = 500


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _after(request: HttpRequest) -> int | None:
    text = request.GET.get("after", "0").strip() or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_AFTER:  # "¹".isdigit()
        return None
    return int(text)


def _step_html(
    request: HttpRequest, execution: Execution, projection: Projection, definitions: dict[str, Any]
) -> str | None:
    """The step pane for the run the page shows (by key), or for a state that was not run when
    the page opened (by name) once it has a run. None: leave the pane as it is."""
    run = projection.run(request.GET.get("state", "")) if request.GET.get("state") else None
    name = request.GET.get("name", "")
    if run is None and name:
        key = pages.node_runs(projection).get(name)
        run = projection.run(key) if key else None
    if run is None:
        return None
    step = pages.step_context(execution, projection, run, definitions=definitions)
    return render_to_string(
        "executions/_step.html", {"execution": execution, "step": step}, request=request
    )


def _event_rows(
    request: HttpRequest, execution: Execution, projection: Projection, after: int, last: int
) -> tuple[str, int]:
    """The event view's rows for events after `after` (filtered like the view), and the id they
    run through: `last`, unless there were more than one answer holds."""
    events = selectors.events_after(
        execution=execution,
        after=after,
        event_type=request.GET.get("type", ""),
        state=request.GET.get("state_name", ""),
        limit=EVENT_ROWS_LIMIT,
    )
    rows = pages.event_rows(
        events,
        projection.execution.started_at,
        redactor=selectors.execution_redactor(execution=execution),
    )
    html = "".join(
        render_to_string("executions/_event_row.html", {"row": row, "highlight_event": None})
        for row in rows
    )
    through = events[-1].event_id if len(events) == EVENT_ROWS_LIMIT else max(last, after)
    return html, through


def _table_rows_html(request: HttpRequest, projection: Projection) -> str:
    page = Paginator(pages.table_rows(projection), selectors.RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"table_page": page, "selected_key": request.GET.get("state", "")}
    return render_to_string("executions/_table_rows.html", context, request=request)


def live_state(request: HttpRequest, execution: Execution, after: int) -> dict[str, Any]:
    """The JSON the page applies: node statuses, summary, progress, step, event and table rows."""
    last_event_id = selectors.last_event_id(execution=execution)  # before the projection
    projection = selectors.execution_projection(execution=execution)
    definitions = pages.state_definitions(execution)
    summary = pages.summary_context(execution, projection)
    progress = pages.progress_context(projection, definitions)
    status = projection.execution.status
    view = request.GET.get("view", "graph")
    state: dict[str, Any] = {
        "execution_id": execution.pk,
        "status": status,
        "running": status == "RUNNING",
        "last_event_id": last_event_id,
        "event_count": projection.execution.event_count,
        "nodes": dict(projection.node_statuses),
        "node_runs": pages.node_runs(projection),
        "progress": progress,
        "badge_html": str(execution_badge(status)),
        "summary_html": render_to_string(
            "executions/_summary_facts.html", {"summary": summary, "progress": progress}
        ),
        "step_html": _step_html(request, execution, projection, definitions),
        "event_rows_html": None,
        "rows_through": last_event_id,
        "table_rows_html": _table_rows_html(request, projection) if view == "table" else None,
        "io_html": None,
        "failure_html": None,
        "panel_html": render_to_string(
            "executions/_live_panel.html", {"execution": execution}, request=request
        ).strip(),
    }
    if view == "events":
        html, through = _event_rows(request, execution, projection, after, last_event_id)
        state["event_rows_html"], state["rows_through"] = html, through
    if status != "RUNNING":  # what only changes when the execution ends
        state["io_html"] = render_to_string(
            "executions/_summary_io.html", {"execution": execution, "summary": summary}
        )
        failure = pages.failure_context(projection)
        state["failure_html"] = render_to_string(
            "executions/_failure.html", {"failure": failure}
        ).strip()
    return state


def _refused(request: HttpRequest, access: str, needed: str) -> HttpResponse:
    if access == "signed_out":
        if _wants_json(request):
            return _error(403, "signed_out", "You are signed out. Sign in to follow this run.")
        return redirect_to_login(request.get_full_path())
    if access == "forbidden":
        return _error(403, "forbidden", "You may not follow this run.")
    return _error(404, "not_found", "There is no such execution.")


@object_view(Execution, refuse=_refused)
@login_not_required  # refused above, so a script gets JSON rather than a login page
@never_cache
@require_GET
def execution_live(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /executions/<id>/live/?after=N[&view=graph|table|events][&state=KEY|&name=STATE]
    [&page=N][&type=T][&state_name=S]: the live state of the execution page."""
    after = _after(request)
    if after is None:
        return _error(400, "bad_after", "“after” must be a whole event id, 0 or more.")
    try:
        execution = selectors.execution_get(pk=pk)
    except Http404:
        return _error(404, "not_found", "There is no such execution.")
    return JsonResponse(live_state(request, execution, after))
