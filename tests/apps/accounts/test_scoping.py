"""apps/accounts/scoping.py for the Workspace model itself (`path=""`: the object is the
workspace), next to the usual `path="workspace"`."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import Membership, Role, Workspace
from apps.accounts.scoping import object_access, visible

pytestmark = pytest.mark.django_db


def test_a_workspace_is_its_own_workspace(people: dict[str, Any], workspace: Any) -> None:
    for role in ("viewer", "debugger", "admin"):
        access, workspace_id = object_access(
            people[role], Workspace, path="", needed=Role.VIEWER, name=workspace.name
        )
        assert (access, workspace_id) == ("allowed", workspace.pk)
    assert object_access(
        people["debugger"], Workspace, path="", needed=Role.ADMIN, name=workspace.name
    ) == ("forbidden", workspace.pk)
    assert object_access(
        people["admin"], Workspace, path="", needed=Role.ADMIN, name=workspace.name
    ) == ("allowed", workspace.pk)


def test_another_or_an_unknown_workspace_is_missing(people: dict[str, Any], workspace: Any) -> None:
    outsider = people["outsider"]
    assert object_access(outsider, Workspace, path="", needed="viewer", name=workspace.name) == (
        "missing",
        None,
    )
    assert object_access(people["superuser"], Workspace, path="", needed="admin", name="nope") == (
        "missing",
        None,
    )
    assert object_access(None, Workspace, path="", needed="viewer", name=workspace.name) == (
        "signed_out",
        None,
    )


def test_visible_filters_workspaces_themselves(
    people: dict[str, Any], workspace: Any, elsewhere: Any
) -> None:
    everything = Workspace.objects.all()
    assert list(visible(everything, people["viewer"], path="")) == [workspace]
    assert list(visible(everything, people["outsider"], path="")) == [elsewhere]
    assert set(visible(everything, people["superuser"], path="")) == {workspace, elsewhere}


def test_the_usual_path_still_reaches_the_workspace_through_its_foreign_key(
    people: dict[str, Any], workspace: Any
) -> None:
    viewer = Membership.objects.get(user=people["viewer"])
    access = object_access(
        people["viewer"], Membership, path="workspace", needed="viewer", pk=viewer.pk
    )
    assert access == ("allowed", workspace.pk)
