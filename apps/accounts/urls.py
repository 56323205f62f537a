"""The workspace pages, mounted at /workspaces/."""

from __future__ import annotations

from django.urls import path

from apps.accounts.views import audit, members, redaction, workspaces

app_name = "accounts"
urlpatterns = [
    path("", workspaces.workspace_list, name="list"),
    path("<slug:name>/", workspaces.workspace_detail, name="detail"),
    path("<slug:name>/members/", members.members, name="members"),
    path("<slug:name>/redaction/", redaction.redaction, name="redaction"),
    path("<slug:name>/audit/", audit.audit_log, name="audit"),
]
