"""/workspaces/<name>/audit/: the workspace's audit log for its admins, newest first, paginated,
filterable by action. Read only: nothing on the web changes or removes an entry."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts import selectors
from apps.accounts.forms import AuditFilterForm
from apps.accounts.models import AuditEntry, Role, Workspace
from apps.accounts.scoping import object_view

ENTRIES_PER_PAGE = 50


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    detail: list[tuple[str, str]]  # (key, value as text)


def _row(entry: AuditEntry) -> AuditRow:
    detail = entry.detail if isinstance(entry.detail, dict) else {"detail": entry.detail}
    return AuditRow(
        entry,
        [
            (str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            for key, value in detail.items()
        ],
    )


@object_view(Workspace, kwarg="name", field="name", path="", read=Role.ADMIN, write=Role.ADMIN)
@require_GET
def audit_log(request: HttpRequest, name: str) -> HttpResponse:
    workspace = selectors.workspace_get(name=name)
    form = AuditFilterForm(
        request.GET or None, actions=selectors.audit_action_list(workspace=workspace)
    )
    action = form.cleaned_data.get("action", "") if form.is_valid() else ""
    entries = selectors.audit_entry_list(workspace=workspace, action=action)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "workspace": workspace,
        "form": form,
        "page": page,
        "rows": [_row(entry) for entry in page.object_list],
        "query": query.urlencode(),
        "filtered": bool(action),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "accounts/audit.html", context, status=status)
