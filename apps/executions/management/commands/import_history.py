"""`python manage.py import_history PATH... [--definition NAME_OR_ID] [--name NAME]
[--workspace NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.commandline import add_workspace_argument, workspace_option
from apps.executions.services import ExecutionImportError, execution_import


class Command(BaseCommand):
    help = (
        "Import an execution history: get-execution-history output (one or several pages), "
        "optionally with describe-execution and describe-state-machine-for-execution output, "
        "or a Stepscope bundle. Several files make one execution."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="History files.")
        parser.add_argument(
            "--definition", default=None, help="Definition name or id to tie the history to."
        )
        parser.add_argument("--name", default=None, help="Execution name (default: from files).")
        add_workspace_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_option(options["workspace"])
        documents = []
        for raw in options["paths"]:
            path = Path(raw)
            try:
                documents.append((path.name, path.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {path}: {error}") from None
        try:
            result = execution_import(
                workspace=workspace,
                documents=documents,
                definition=options["definition"],
                name=options["name"],
                audited=True,
            )
        except ExecutionImportError as error:
            raise CommandError(str(error)) from None
        execution = result.execution
        verb = "imported" if result.created else "updated" if result.added else "unchanged"
        self.stdout.write(
            f"{verb} execution {execution.pk} {execution.name!r}: {execution.status}, "
            f"{result.added} new events ({execution.event_count} in all); "
            f"{result.definition_note}"
        )
        for name in result.missing_states:
            self.stdout.write(f"  state {name!r} is in the history but not in the definition")
        for skipped in result.skipped:
            self.stdout.write(f"  skipped {skipped.where}: {skipped.reason}")
        for note in result.notes:
            self.stdout.write(f"  note: {note}")
