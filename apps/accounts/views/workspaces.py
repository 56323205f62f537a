"""/workspaces/ (the user's workspaces and their role in each) and /workspaces/<name>/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts import selectors
from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import allows, object_view, signed_in


@signed_in()
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.workspace_list(user=request.user)
    return render(request, "accounts/workspace_list.html", {"rows": rows})


@object_view(Workspace, kwarg="name", field="name", path="", read=Role.VIEWER)
@require_GET
def workspace_detail(request: HttpRequest, name: str) -> HttpResponse:
    workspace = selectors.workspace_get(name=name)
    role = request.role  # type: ignore[attr-defined]
    context = {
        "workspace": workspace,
        "role": role,
        "is_admin": allows(role, Role.ADMIN),
        "members": selectors.member_list(workspace=workspace),
        "counts": selectors.workspace_counts(workspace=workspace),
    }
    return render(request, "accounts/workspace_detail.html", context)
