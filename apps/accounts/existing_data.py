"""Used by the migrations that gave definitions, executions and AWS sources a workspace.

Rows stored before workspaces existed go to a workspace `default`, created only when there are
such rows; the users who could work on them before become its debuggers (superusers see
everything anyway). Managing AWS sources, members and rules then needs an admin's grant.
"""

from __future__ import annotations

from typing import Any

DEFAULT_NAME = "default"


def assign_default_workspace(apps: Any, *labels: str) -> None:
    models = [apps.get_model(*label.split(".")) for label in labels]
    if not any(model.objects.filter(workspace__isnull=True).exists() for model in models):
        return
    workspace_model = apps.get_model("accounts", "Workspace")
    workspace, created = workspace_model.objects.get_or_create(name=DEFAULT_NAME)
    if created:
        membership = apps.get_model("accounts", "Membership")
        user_model = apps.get_model("auth", "User")
        membership.objects.bulk_create(
            membership(workspace=workspace, user=user, role="debugger")
            for user in user_model.objects.filter(is_superuser=False, is_active=True)
        )
    for model in models:
        model.objects.filter(workspace__isnull=True).update(workspace=workspace)
