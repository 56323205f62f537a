"""Writes for accounts: the first administrator, workspaces and their members."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.accounts.audit import audit_record
from apps.accounts.models import Membership, Role, Workspace

WORKSPACE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    password: str | None  # the generated one-time password; None when the caller supplied one


@transaction.atomic
def first_admin_ensure(
    *, username: str = "", password: str = "", email: str = ""
) -> FirstAdmin | None:
    """Create an administrator when no user exists yet; return None when there already is one.

    Without a password, a random one is generated and returned so it can be shown once.
    """
    user_model = get_user_model()
    if user_model.objects.exists():
        return None
    username = username or "admin"
    generated = None if password else secrets.token_urlsafe(12)
    user_model.objects.create_superuser(
        username=username, email=email or "", password=password or generated
    )
    return FirstAdmin(username=username, password=generated)


class WorkspaceError(ValueError):
    """A workspace or membership change that cannot be made; the message says why."""


def _username_user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise WorkspaceError(f"there is no user {username!r}")
    return user


@transaction.atomic
def workspace_create(*, name: str, admin: str = "", actor: Any = None) -> Workspace:
    """A new workspace, with `admin` (a username) as its admin when given."""
    name = name.strip()
    if not WORKSPACE_NAME.fullmatch(name):
        raise WorkspaceError(
            f"{name!r} is not a workspace name: use 1 to 64 lowercase letters, digits, '-' or '_'"
        )
    if Workspace.objects.filter(name=name).exists():
        raise WorkspaceError(f"a workspace {name!r} already exists")
    workspace = Workspace.objects.create(name=name)
    audit_record(action="workspace.create", workspace=workspace, actor=actor, target=name)
    if admin:
        member_set(workspace=workspace, username=admin, role=Role.ADMIN, actor=actor)
    return workspace


def workspace_ensure(*, name: str) -> Workspace:
    workspace, _ = Workspace.objects.get_or_create(name=name)
    return workspace


@transaction.atomic
def member_set(*, workspace: Workspace, username: str, role: str, actor: Any = None) -> Membership:
    """Give the user `role` in the workspace (adding them, or changing their role)."""
    if role not in Role.values:
        raise WorkspaceError(f"{role!r} is not a role: use one of {', '.join(Role.values)}")
    user = _username_user(username)
    membership, created = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    audit_record(
        action="member.add" if created else "member.role",
        workspace=workspace,
        actor=actor,
        target=username,
        detail={"role": role},
    )
    return membership


@transaction.atomic
def member_remove(*, workspace: Workspace, username: str, actor: Any = None) -> None:
    user = _username_user(username)
    deleted, _ = Membership.objects.filter(workspace=workspace, user=user).delete()
    if not deleted:
        raise WorkspaceError(f"{username!r} is not a member of {workspace.name!r}")
    audit_record(action="member.remove", workspace=workspace, actor=actor, target=username)
