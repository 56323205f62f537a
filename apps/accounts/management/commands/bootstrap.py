"""First-run set-up: the first administrator, and the demo definitions and executions in the
workspace `demo`, with the first administrator as its admin.

Safe to run on every start: nothing that exists already is added again.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from apps.accounts.models import Role
from apps.accounts.services import first_admin_ensure, member_set, workspace_ensure
from apps.definitions.services import demo_definitions_load
from apps.executions.models import Execution
from apps.executions.search import search_reindex
from apps.executions.services import demo_executions_load

DEMO_WORKSPACE = "demo"


class Command(BaseCommand):
    help = "Create the first administrator (once) and load the demo definitions and executions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Skip the demo definitions and executions."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        admin = first_admin_ensure(
            username=os.environ.get("DJANGO_SUPERUSER_USERNAME", ""),
            password=os.environ.get("DJANGO_SUPERUSER_PASSWORD", ""),
            email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""),
        )
        if admin is not None and admin.password is not None:
            self.stdout.write(
                self.style.WARNING(
                    f"Sign in once as {admin.username!r} with password {admin.password!r} "
                    "(shown only now; change it after signing in)."
                )
            )
        elif admin is not None:
            self.stdout.write(f"Created administrator {admin.username!r} from DJANGO_SUPERUSER_*.")
        if not options["no_demo"]:
            demo = workspace_ensure(name=DEMO_WORKSPACE)
            if admin is not None:
                member_set(workspace=demo, username=admin.username, role=Role.ADMIN)
            loaded = demo_definitions_load(workspace=demo)
            self.stdout.write(
                f"Demo definitions: {loaded.created} new, {loaded.unchanged} unchanged."
            )
            runs = demo_executions_load(workspace=demo)
            self.stdout.write(f"Demo executions: {runs.created} new, {runs.unchanged} unchanged.")
            for problem in runs.failed:
                self.stderr.write(f"Demo execution not loaded: {problem}")
        unindexed = Execution.objects.filter(search_document__isnull=True)
        if unindexed.exists():  # stored before search existed: make them searchable once
            count = search_reindex(executions=unindexed)
            self.stdout.write(f"Search: indexed {count} execution{pluralize(count)} stored before.")
