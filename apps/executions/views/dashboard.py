"""The dashboard (recent executions) and the filterable executions list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.scoping import signed_in, workspaces
from apps.executions import selectors
from apps.executions.forms import ExecutionFilterForm

EXECUTIONS_PER_PAGE = 50


@signed_in()
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "executions": selectors.execution_recent(user=request.user, limit=25),
        "failed_count": selectors.execution_failed_count(user=request.user),
        "workspaces": workspaces(request.user),
    }
    return render(request, "executions/dashboard.html", context)


@signed_in()
@require_GET
def execution_list(request: HttpRequest) -> HttpResponse:
    form = ExecutionFilterForm(
        request.GET or None,
        state_machines=selectors.state_machine_names(user=request.user),
        workspace_names=workspaces(request.user).values_list("name", flat=True),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    search = filters.get("q")
    executions = selectors.execution_list(
        user=request.user,
        workspace=filters.get("workspace") or "",
        state_machine=filters.get("state_machine") or "",
        status=filters.get("status") or "",
        started_after=filters.get("started_after"),
        started_before=filters.get("started_before"),
        q=search,
    )
    if "q" in form.errors:  # an unreadable search finds nothing (rather than everything)
        executions = executions.none()
    page = Paginator(executions, EXECUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(filters and any(filters.values())) or bool(form.errors),
        "search": search.describe() if search else "",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "executions/list.html", context, status=status)
