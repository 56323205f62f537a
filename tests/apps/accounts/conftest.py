"""People in the team's workspace with each role, an outsider (admin of another workspace) and a
superuser, for the workspace pages' tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.workspaces import member

PASSWORD = "s3cret-pass-word"
ROLES = ("viewer", "debugger", "admin")


@pytest.fixture
def elsewhere(db: None) -> Any:
    """Another team's workspace."""
    from apps.accounts.models import Workspace

    return Workspace.objects.create(name="elsewhere")


@pytest.fixture
def people(django_user_model: Any, workspace: Any, elsewhere: Any) -> dict[str, Any]:
    """viewer, debugger and admin of the team's workspace; outsider (admin elsewhere); root."""
    made = {
        role: member(django_user_model.objects.create_user(role, password=PASSWORD), role)
        for role in ROLES
    }
    outsider = django_user_model.objects.create_user("outsider", password=PASSWORD)
    made["outsider"] = member(outsider, "admin", elsewhere)
    made["superuser"] = django_user_model.objects.create_superuser("root", password=PASSWORD)
    return made


def client_as(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
