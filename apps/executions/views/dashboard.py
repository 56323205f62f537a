"""The dashboard (recent executions) and the filterable executions list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.executions import selectors
from apps.executions.forms import ExecutionFilterForm

EXECUTIONS_PER_PAGE = 50


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "executions": selectors.execution_recent(limit=25),
        "failed_count": selectors.execution_failed_count(),
    }
    return render(request, "executions/dashboard.html", context)


@require_GET
def execution_list(request: HttpRequest) -> HttpResponse:
    form = ExecutionFilterForm(request.GET or None, state_machines=selectors.state_machine_names())
    filters = form.cleaned_data if form.is_valid() else {}
    executions = selectors.execution_list(
        state_machine=filters.get("state_machine") or "",
        status=filters.get("status") or "",
        started_after=filters.get("started_after"),
        started_before=filters.get("started_before"),
    )
    page = Paginator(executions, EXECUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(filters and any(filters.values())),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "executions/list.html", context, status=status)
