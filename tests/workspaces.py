"""The workspace tests write into unless they are about workspaces themselves."""

from __future__ import annotations

from typing import Any

TEAM = "team"


def team() -> Any:
    from apps.accounts.models import Workspace

    workspace, _ = Workspace.objects.get_or_create(name=TEAM)
    return workspace


def member(user: Any, role: str = "admin", workspace: Any = None) -> Any:
    """Make `user` a member of `workspace` (default: the team's) with `role`."""
    from apps.accounts.models import Membership

    Membership.objects.update_or_create(
        workspace=workspace or team(), user=user, defaults={"role": role}
    )
    return user
