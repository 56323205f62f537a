"""Writes for accounts: the first administrator, workspaces, their members and redaction rules.

Every change to a workspace is recorded in the audit log here, so the web and the command line
(`actor` None: the operator) are both recorded.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from apps.accounts.audit import audit_record
from apps.accounts.models import Membership, RedactionRule, Role, Workspace
from stepscope.history.redaction import RedactionRuleError, parse_rule

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


def _operator(actor: Any) -> bool:
    """The command line (no actor) or a superuser: may leave a workspace without an admin."""
    return not getattr(actor, "is_authenticated", False) or bool(actor.is_superuser)


def _keep_an_admin(workspace: Workspace, user: Any, actor: Any, doing: str) -> None:
    """Refuse to take away the workspace's last admin, unless the operator or a superuser does."""
    if _operator(actor):
        return
    admins = Membership.objects.filter(workspace=workspace, role=Role.ADMIN)
    if admins.filter(user=user).exists() and not admins.exclude(user=user).exists():
        raise WorkspaceError(
            f"{user.get_username()!r} is the only admin of {workspace.name!r}: make another "
            f"member an admin before {doing}"
        )


def _locked(workspace: Workspace) -> Workspace:
    """Take the workspace's row lock, so two membership changes cannot both remove the last
    admin (a no-op on SQLite, whose writes are serial anyway)."""
    return Workspace.objects.select_for_update().get(pk=workspace.pk)


@transaction.atomic
def member_set(*, workspace: Workspace, username: str, role: str, actor: Any = None) -> Membership:
    """Give the user `role` in the workspace (adding them, or changing their role).

    A workspace keeps at least one admin: demoting the last one is refused, unless the operator
    (`actor` None) or a superuser does it."""
    if role not in Role.values:
        raise WorkspaceError(f"{role!r} is not a role: use one of {', '.join(Role.values)}")
    user = _username_user(username)
    _locked(workspace)
    if role != Role.ADMIN:
        _keep_an_admin(workspace, user, actor, f"making them a {role}")
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is not None and membership.role == role:
        return membership  # nothing changes, nothing to record
    detail = {"role": role}
    if membership is None:
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    else:
        detail["was"] = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        action="member.role" if "was" in detail else "member.add",
        workspace=workspace,
        actor=actor,
        target=user.get_username(),
        detail=detail,
    )
    return membership


@transaction.atomic
def member_remove(*, workspace: Workspace, username: str, actor: Any = None) -> None:
    """Take the user out of the workspace; the last admin stays, as in `member_set`."""
    user = _username_user(username)
    _locked(workspace)
    _keep_an_admin(workspace, user, actor, "removing them")
    deleted, _ = Membership.objects.filter(workspace=workspace, user=user).delete()
    if not deleted:
        raise WorkspaceError(f"{username!r} is not a member of {workspace.name!r}")
    audit_record(action="member.remove", workspace=workspace, actor=actor, target=username)


# Redaction rules -----------------------------------------------------------------------------

RULES_MAX = 100  # each rule is tried on every payload shown


@transaction.atomic
def redaction_rule_add(*, workspace: Workspace, pattern: str, actor: Any = None) -> RedactionRule:
    """Add a rule (a key name or a path, see stepscope/history/redaction.py), stored trimmed.

    Raises WorkspaceError when it cannot be read (saying what is wrong and at which character),
    already exists, or the workspace has RULES_MAX rules."""
    try:
        text = parse_rule(pattern).text
    except RedactionRuleError as error:
        raise WorkspaceError(str(error)) from None
    rules = RedactionRule.objects.filter(workspace=workspace)
    if rules.filter(pattern=text).exists():
        raise WorkspaceError(f"{workspace.name!r} already has the rule `{text}`")
    if rules.count() >= RULES_MAX:
        raise WorkspaceError(f"a workspace may have at most {RULES_MAX} redaction rules")
    creator = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            rule = RedactionRule.objects.create(
                workspace=workspace, pattern=text, created_by=creator
            )
    except IntegrityError:  # added at the same moment by someone else
        raise WorkspaceError(f"{workspace.name!r} already has the rule `{text}`") from None
    audit_record(action="redaction.add", workspace=workspace, actor=actor, target=text)
    return rule


@transaction.atomic
def redaction_rule_remove(*, workspace: Workspace, rule_id: int, actor: Any = None) -> None:
    rule = RedactionRule.objects.filter(workspace=workspace, pk=rule_id).first()
    if rule is None:
        raise WorkspaceError(f"{workspace.name!r} has no such rule (removed already?)")
    rule.delete()
    audit_record(action="redaction.remove", workspace=workspace, actor=actor, target=rule.pattern)


@transaction.atomic
def workspace_redact_at_import_set(
    *, workspace: Workspace, redact: bool, actor: Any = None
) -> Workspace:
    """Store matching values already masked in histories imported or pulled from now on (or
    stop doing so). Recorded only when it changes."""
    workspace = _locked(workspace)
    if workspace.redact_at_import != redact:
        workspace.redact_at_import = redact
        workspace.save(update_fields=["redact_at_import"])
        audit_record(
            action="redaction.at_import",
            workspace=workspace,
            actor=actor,
            target=workspace.name,
            detail={"redact_at_import": redact},
        )
    return workspace
