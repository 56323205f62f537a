"""`python manage.py workspace create NAME [--admin USERNAME]`, `workspace add NAME USERNAME
--role viewer|debugger|admin`, `workspace remove NAME USERNAME` and `workspace list`.

The command line runs as the operator: it may change any workspace.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.commandline import workspace_option
from apps.accounts.models import Role, Workspace
from apps.accounts.selectors import member_list
from apps.accounts.services import WorkspaceError, member_remove, member_set, workspace_create


class Command(BaseCommand):
    help = "Create workspaces and manage their members."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a workspace.")
        create.add_argument("name", metavar="NAME")
        create.add_argument("--admin", default="", metavar="USERNAME", help="Its first admin.")
        add = actions.add_parser("add", help="Add a member, or change their role.")
        add.add_argument("name", metavar="NAME")
        add.add_argument("username", metavar="USERNAME")
        add.add_argument("--role", required=True, choices=Role.values)
        remove = actions.add_parser("remove", help="Remove a member.")
        remove.add_argument("name", metavar="NAME")
        remove.add_argument("username", metavar="USERNAME")
        actions.add_parser("list", help="List workspaces and their members.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except WorkspaceError as error:
            raise CommandError(str(error)) from None

    def _create(self, options: dict[str, Any]) -> None:
        workspace = workspace_create(name=options["name"], admin=options["admin"])
        admin = f" with {options['admin']!r} as its admin" if options["admin"] else ""
        self.stdout.write(f"created workspace {workspace.name!r}{admin}")

    def _add(self, options: dict[str, Any]) -> None:
        workspace = _named(options["name"])
        member_set(workspace=workspace, username=options["username"], role=options["role"])
        self.stdout.write(f"{options['username']!r} is {options['role']} in {workspace.name!r}")

    def _remove(self, options: dict[str, Any]) -> None:
        workspace = _named(options["name"])
        member_remove(workspace=workspace, username=options["username"])
        self.stdout.write(f"removed {options['username']!r} from {workspace.name!r}")

    def _list(self, options: dict[str, Any]) -> None:
        workspaces = Workspace.objects.order_by("name")
        if not workspaces:
            self.stdout.write("no workspaces (create one with: workspace create NAME)")
        for workspace in workspaces:
            members = ", ".join(
                f"{m.user.get_username()} ({m.role})"
                for m in member_list(workspace=workspace)  # admins first
            )
            self.stdout.write(f"{workspace.name}: {members or 'no members'}")


def _named(name: str) -> Workspace:
    if not name:
        raise CommandError("name the workspace")
    return workspace_option(name)
