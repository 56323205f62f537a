"""What every management command that writes into a workspace shares: `--workspace NAME`.

The command line runs as the operator, so it may write into any workspace; the name may be left
out only when exactly one workspace exists.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from apps.accounts.models import Workspace


def add_workspace_argument(parser: Any) -> None:
    parser.add_argument(
        "--workspace",
        default="",
        help="The workspace to write into (may be left out when there is only one).",
    )


def workspace_option(name: str) -> Workspace:
    """The workspace `--workspace` names, or the only one; CommandError otherwise."""
    if name:
        workspace = Workspace.objects.filter(name=name).first()
        if workspace is None:
            known = ", ".join(Workspace.objects.values_list("name", flat=True)[:20]) or "none"
            raise CommandError(f"there is no workspace {name!r} (workspaces: {known})")
        return workspace
    only = list(Workspace.objects.all()[:2])
    if len(only) == 1:
        return only[0]
    if not only:
        raise CommandError(
            "there is no workspace yet: create one with `python manage.py workspace create NAME`"
        )
    raise CommandError("there are several workspaces: name one with --workspace NAME")
