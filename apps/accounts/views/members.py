"""/workspaces/<name>/members/: a workspace admin adds members, changes roles, removes members.

A workspace keeps at least one admin (apps.accounts.services refuses otherwise, unless a
superuser does it). Every change is recorded in the audit log by the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts import selectors, services
from apps.accounts.forms import ROLE_CHOICES, MemberForm, MemberRemoveForm
from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import allows, object_view, role_in


def _sentence(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def _page(
    request: HttpRequest, workspace: Workspace, *, form: MemberForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "workspace": workspace,
        "members": selectors.member_list(workspace=workspace),
        "form": form or MemberForm(),
        "roles": ROLE_CHOICES,
        "admin_count": selectors.admin_count(workspace=workspace),
    }
    return render(request, "accounts/members.html", context, status=status)


def _after(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    """Back to the members page, or further out when the user just gave up being an admin."""
    role = role_in(request.user, workspace)
    if allows(role, Role.ADMIN):
        return redirect("accounts:members", workspace.name)
    if role is not None:
        return redirect("accounts:detail", workspace.name)
    return redirect("accounts:list")


def _add(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = MemberForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        existing = selectors.member_role(workspace=workspace, username=username)
        if existing is not None:
            form.add_error(
                "username", f"{username} is already a member ({existing}): change their role below."
            )
        else:
            try:
                services.member_set(
                    workspace=workspace,
                    username=username,
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except services.WorkspaceError as error:
                form.add_error("username", _sentence(error))
            else:
                messages.success(request, f"Added {username} as {form.cleaned_data['role']}.")
                return redirect("accounts:members", workspace.name)
    return _page(request, workspace, form=form, status=400)


def _change(request: HttpRequest, workspace: Workspace, action: str) -> HttpResponse:
    form: Any = MemberForm(request.POST) if action == "role" else MemberRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a member and a role.")
        return _page(request, workspace, status=400)
    username = form.cleaned_data["username"]
    try:
        if action == "role":
            role = form.cleaned_data["role"]
            services.member_set(
                workspace=workspace, username=username, role=role, actor=request.user
            )
            done = f"{username} is now {role}."
        else:
            services.member_remove(workspace=workspace, username=username, actor=request.user)
            done = f"Removed {username} from {workspace.name}."
    except services.WorkspaceError as error:
        messages.error(request, _sentence(error))
        return _page(request, workspace, status=400)
    messages.success(request, done)
    return _after(request, workspace)


@object_view(Workspace, kwarg="name", field="name", path="", read=Role.ADMIN, write=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, name: str) -> HttpResponse:
    workspace = selectors.workspace_get(name=name)
    if request.method != "POST":
        return _page(request, workspace)
    action = request.POST.get("action", "")
    if action == "add":
        return _add(request, workspace)
    if action in ("role", "remove"):
        return _change(request, workspace, action)
    messages.error(request, "Unknown action: use the page's buttons.")
    return _page(request, workspace, status=400)
