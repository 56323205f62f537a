"""Comparing two executions: both paths on A's graph, the first divergence, each state's input
and output as a JSON diff, and the duration differences."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import Role
from apps.accounts.scoping import object_access, object_view
from apps.executions import comparison, pages, selectors, services
from apps.executions.models import Execution
from apps.executions.presentation import status_legend
from stepscope.graph import GraphRenderError
from stepscope.history.compare import compare
from stepscope.history.projection import Projection


def _other(request: HttpRequest, pk: int) -> Execution:
    """Execution B: visible to the user too (another workspace they see is fine), else 404."""
    access, _ = object_access(request.user, Execution, path="workspace", needed=Role.VIEWER, pk=pk)
    if access != "allowed":
        raise Http404("No such execution.")
    return selectors.execution_get(pk=pk)


def _graph(execution: Execution, a: Projection, b: Projection) -> dict[str, Any]:
    try:
        drawn = services.execution_graph_svg(execution=execution)
    except GraphRenderError as error:
        return {"svg": "", "graph_error": f"The graph could not be drawn: {error}", "only_b": []}
    except ValueError as error:
        return {"svg": "", "graph_error": f"There is no graph to draw: {error}", "only_b": []}
    return {
        "svg": comparison.compare_svg(drawn, a.node_statuses, b.node_statuses),
        "graph_error": "",
        "only_b": comparison.only_b_states(drawn, b),
    }


@object_view(Execution, kwarg="a")
@require_GET
def execution_compare(request: HttpRequest, a: int, b: int) -> HttpResponse:
    first = selectors.execution_get(pk=a)
    second = _other(request, b)
    projection_a = selectors.execution_projection(execution=first)
    projection_b = selectors.execution_projection(execution=second)
    context: dict[str, Any] = {
        "a": first,
        "b": second,
        "summary_a": pages.summary_context(first, projection_a),
        "summary_b": pages.summary_context(second, projection_b),
        "legend": status_legend(),
        "same_machine": first.state_machine_name == second.state_machine_name,
        **comparison.comparison_context(compare(projection_a, projection_b)),
        **_graph(first, projection_a, projection_b),
    }
    return render(request, "executions/compare.html", context)
