"""`python manage.py import_definition PATH [--name NAME] [--machine LOGICAL_ID]
[--workspace NAME]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.commandline import add_workspace_argument, workspace_option
from apps.definitions.services import definition_import
from stepscope.asl.loading import TemplateChoiceRequired


class Command(BaseCommand):
    help = "Import a state machine definition (JSON, YAML, or a CloudFormation/SAM template)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The definition file.")
        parser.add_argument("--name", default="", help="Definition name (default: file name).")
        parser.add_argument(
            "--machine", default=None, help="Logical id of the machine to take from a template."
        )
        add_workspace_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        workspace = workspace_option(options["workspace"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        try:
            outcome = definition_import(
                workspace=workspace,
                text=text,
                name=options["name"] or path.name.split(".")[0],
                choose=options["machine"],
            )
        except TemplateChoiceRequired as error:
            raise CommandError(
                f"{path}: {error} Pass --machine with one of: {', '.join(error.choices)}"
            ) from None
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        version = outcome.version
        verb = "imported" if outcome.created else "unchanged, already"
        self.stdout.write(
            f"{verb} {version} ({version.result}, {len(version.diagnostics)} diagnostics)"
        )
        for item in version.diagnostics:
            where = f"line {item['line']}: " if item.get("line") else ""
            pointer = item["location"] or "/"
            self.stdout.write(
                f"  {where}{item['severity']} {item['code']} {item['message']} (at {pointer})"
            )
