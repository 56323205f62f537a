"""Build the search documents of stored executions again (after an upgrade that added search, or
after a workspace's redaction rules changed: until then its executions are not found by their
payloads)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import Workspace
from apps.executions.models import Execution
from apps.executions.search import search_reindex


class Command(BaseCommand):
    help = "Build the search documents of stored executions again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="only this workspace's executions (its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        executions = Execution.objects.all()
        name = options.get("workspace")
        if name:
            workspace = Workspace.objects.filter(name=name).first()
            if workspace is None:
                known = ", ".join(Workspace.objects.order_by("name").values_list("name", flat=True))
                raise CommandError(f"No workspace is named {name!r}; there are: {known or 'none'}.")
            executions = executions.filter(workspace=workspace)
        count = search_reindex(executions=executions)
        self.stdout.write(f"Indexed {count:,} execution{'s' if count != 1 else ''}.")
