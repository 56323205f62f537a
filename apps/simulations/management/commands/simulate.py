"""`python manage.py simulate DEFINITION --input FILE [--name NAME] [--pace instant|real|SCALE]
[--mock-config FILE --test-case NAME] [--lambdas DIR] [--durations FILE]`: queue a simulation,
print its page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.commandline import add_workspace_argument, workspace_option
from apps.accounts.models import Workspace
from apps.definitions.models import Definition, DefinitionVersion
from apps.definitions.services import definition_import
from apps.simulations import embedded
from apps.simulations.services import SimulationError, simulation_start
from config.celery import app as celery_app


def _read_json(path: str, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read the {what} {path}: {error}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise CommandError(f"the {what} {path} is not JSON: {error}") from None


def _version(given: str, workspace: Workspace) -> DefinitionVersion:
    """The workspace's definition of that name (its latest version), else the file, imported."""
    definition = Definition.objects.filter(workspace=workspace, name=given).first()
    if definition is not None:
        version = definition.versions.order_by("-number").first()
        if version is not None:
            return version
    path = Path(given)
    if not path.is_file():
        raise CommandError(f"no stored definition is named {given!r}, and there is no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}") from None
    try:
        return definition_import(
            workspace=workspace, text=text, name=path.name.split(".")[0]
        ).version
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None


class Command(BaseCommand):
    help = (
        "Simulate a definition (a stored definition's name, or a file, imported first) with "
        "the engine, as an execution you can watch live; prints the execution page's path."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("definition", metavar="DEFINITION")
        parser.add_argument("--input", required=True, metavar="FILE", help="input (JSON file)")
        parser.add_argument("--name", default="", help="execution name (default: generated)")
        parser.add_argument(
            "--pace", default="instant", help="instant (default), real, or a scale such as 60"
        )
        parser.add_argument("--mock-config", metavar="FILE", help="a MockConfigFile.json")
        parser.add_argument("--test-case", metavar="NAME", help="the mock config's test case")
        parser.add_argument("--lambdas", metavar="DIR", help="local Lambda handlers, DIR/<fn>/")
        parser.add_argument(
            "--durations",
            metavar="FILE",
            help='simulated task durations (JSON): {"State": seconds, '
            '"Other": {"0": seconds, "1-3": seconds}}',
        )
        add_workspace_argument(parser)
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="without REDIS_URL, return at once instead of running due steps in this process",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_option(options["workspace"])
        execution_input = _read_json(options["input"], "input")
        mock_config = None
        if options["mock_config"]:
            mock_config = _read_json(options["mock_config"], "mock configuration")
        durations = None
        if options["durations"]:
            durations = _read_json(options["durations"], "durations table")
        version = _version(options["definition"], workspace)
        try:
            simulation = simulation_start(
                definition_version=version,
                execution_input=execution_input,
                name=options["name"],
                pace=options["pace"],
                mock_config=mock_config,
                test_case=options["test_case"],
                lambdas_dir=options["lambdas"],
                durations=durations,
            )
        except SimulationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(simulation.execution.get_absolute_url())
        if celery_app.conf.task_always_eager and not options["no_wait"]:
            # Embedded mode: the steps due later run on timers of this process, so stay until
            # none is pending (an execution parked for a callback waits for the page instead).
            self.stderr.write("running in this process (no REDIS_URL); Ctrl-C to leave it")
            embedded.wait_idle()
