"""Reads for accounts: the user's workspaces with their role, a workspace's members and counts,
its redaction rules, and its audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery

from apps.accounts.models import ROLE_RANK, AuditEntry, Membership, RedactionRule, Workspace
from apps.accounts.scoping import visible


@dataclass(frozen=True)
class WorkspaceRow:
    workspace: Workspace
    role: str  # the user's own role there; "" for a superuser who is not a member
    members: int


def workspace_list(*, user: Any) -> list[WorkspaceRow]:
    """The workspaces the user sees (all of them for a superuser), with their role in each."""
    own_role = Membership.objects.filter(workspace=OuterRef("pk"), user=user).values("role")[:1]
    rows = (
        visible(Workspace.objects.all(), user, path="")
        .annotate(own_role=Subquery(own_role), member_count=Count("memberships", distinct=True))
        .order_by("name")
    )
    return [WorkspaceRow(row, row.own_role or "", row.member_count) for row in rows]


def workspace_get(*, name: str) -> Workspace:
    """The workspace a view's access rule has already let through."""
    return Workspace.objects.get(name=name)


def member_list(*, workspace: Workspace) -> list[Membership]:
    """Members, admins first, then by username."""
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    return sorted(
        members,
        key=lambda m: (-ROLE_RANK.get(m.role, 0), m.user.get_username()),  # type: ignore[call-overload]
    )


def member_role(*, workspace: Workspace, username: str) -> str | None:
    """The role of the user called `username` in the workspace, or None."""
    return (
        Membership.objects.filter(workspace=workspace, user__username=username)
        .values_list("role", flat=True)
        .first()
    )


def admin_count(*, workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role="admin").count()


@dataclass(frozen=True)
class WorkspaceCounts:
    definitions: int
    executions: int
    simulations: int
    aws_sources: int
    redaction_rules: int


def workspace_counts(*, workspace: Workspace) -> WorkspaceCounts:
    executions = workspace.executions.all()  # type: ignore[attr-defined]
    return WorkspaceCounts(
        definitions=workspace.definitions.count(),  # type: ignore[attr-defined]
        executions=executions.count(),
        simulations=executions.filter(simulation__isnull=False).count(),
        aws_sources=workspace.aws_sources.count(),  # type: ignore[attr-defined]
        redaction_rules=workspace.redaction_rules.count(),
    )


def redaction_rule_list(*, workspace: Workspace) -> QuerySet[RedactionRule]:
    return RedactionRule.objects.filter(workspace=workspace).select_related("created_by")


def audit_entry_list(*, workspace: Workspace, action: str = "") -> QuerySet[AuditEntry]:
    """The workspace's audit log, newest first; only `action` when given."""
    entries = AuditEntry.objects.filter(workspace=workspace).order_by("-at", "-id")
    return entries.filter(action=action) if action else entries


def audit_action_list(*, workspace: Workspace) -> list[str]:
    """The actions recorded in the workspace, for the filter."""
    actions = AuditEntry.objects.filter(workspace=workspace).values_list("action", flat=True)
    return sorted(set(actions.distinct()))
