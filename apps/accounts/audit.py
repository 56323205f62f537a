"""The audit log: who imported, pulled, simulated, answered a callback, stopped a run, or changed
a source, member or rule, and when. Entries are only ever added here; nothing changes or removes
them (workspace admins read them at /workspaces/<name>/audit/)."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import AuditEntry, Workspace

TARGET_MAX_LENGTH = 512


def audit_record(
    *,
    action: str,
    workspace: Workspace | None,
    actor: Any = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry. `actor` None (or anonymous) is the operator at the command line."""
    signed_in = getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        workspace=workspace,
        workspace_name=workspace.name if workspace is not None else "",
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        action=action,
        target=str(target)[:TARGET_MAX_LENGTH],
        detail=detail or {},
    )
