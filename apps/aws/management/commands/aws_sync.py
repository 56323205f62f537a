"""`python manage.py aws_sync [--source NAME | --profile P --role-arn ARN --region R
--endpoint-url URL] [--state-machine ARN_OR_NAME] [--since 24h] [--status FAILED] [--test]
[--workspace NAME]`.

The command line is the operator's: `--endpoint-url`, `--profile` and `--role-arn` are not
limited. A stored source (`--source`) was saved from the web, so its endpoint, profile and role
still obey the operator's policy (STEPSCOPE_AWS_ENDPOINT_ALLOW, STEPSCOPE_AWS_PROFILES,
STEPSCOPE_AWS_ROLE_ARNS), but it may be pulled without a passed connection test (a note says so);
`--source NAME --test` that passes in every region counts as the source's test, as on its page.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.audit import audit_record
from apps.accounts.commandline import add_workspace_argument, workspace_option
from apps.accounts.models import Workspace
from apps.aws.clients import AwsSetupError, SourceSettings, default_region
from apps.aws.connection import (
    UNTESTED,
    ConnectionCheck,
    aws_connection_test,
    aws_source_test,
    source_is_tested,
    source_settings,
)
from apps.aws.models import AwsSource
from apps.aws.reports import SyncProgress
from apps.aws.selectors import aws_source_get
from apps.aws.services import STATUSES, SyncRequest, aws_sync
from apps.aws.since import since_moment


class Command(BaseCommand):
    help = (
        "Pull state machines, executions and their histories from AWS Step Functions (or "
        "LocalStack/moto with --endpoint-url) through boto3's credential chain. With no filter "
        "it pulls every state machine and its executions."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", default="", help="A stored AWS source, by name.")
        parser.add_argument("--profile", default="", help="AWS profile (default: the chain's).")
        parser.add_argument("--role-arn", default="", help="A role to assume (sts:AssumeRole).")
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            help="Region to pull from; repeat for several (default: the profile's region).",
        )
        parser.add_argument("--endpoint-url", default="", help="LocalStack or moto endpoint.")
        parser.add_argument("--state-machine", default="", help="Only this machine (ARN or name).")
        parser.add_argument("--since", default="", help="Executions started since: 24h, 7d, ISO.")
        parser.add_argument("--status", default="", choices=["", *STATUSES], help="Status filter.")
        parser.add_argument(
            "--test", action="store_true", help="Only test the connection, then stop."
        )
        add_workspace_argument(parser)

    def _stored(self, options: dict[str, Any], workspace: Workspace) -> AwsSource | None:
        if not options["source"]:
            return None
        try:
            return aws_source_get(workspace=workspace, name=options["source"])
        except AwsSource.DoesNotExist:
            raise CommandError(
                f"there is no AWS source named {options['source']!r} in workspace {workspace}"
            ) from None

    def _settings(self, options: dict[str, Any], stored: AwsSource | None) -> SourceSettings:
        if stored is not None:
            return source_settings(source=stored)
        regions = options["region"] or [default_region(options["profile"])]
        if not any(regions):
            raise CommandError("name a region: --region us-east-1 (or set AWS_REGION)")
        return SourceSettings(
            regions=tuple(regions),
            profile_name=options["profile"],
            role_arn=options["role_arn"],
            endpoint_url=options["endpoint_url"],
        )

    def _progress(self, progress: SyncProgress) -> None:
        counted = f"[{progress.done}/{progress.total}] " if progress.total else ""
        self.stdout.write(f"  {counted}{progress.text}")

    def _test(self, source: SourceSettings, stored: AwsSource | None) -> None:
        checks: list[ConnectionCheck] = (
            aws_source_test(source=stored)
            if stored is not None
            else aws_connection_test(source=source)
        )
        for check in checks:
            self.stdout.write(("ok   " if check.ok else "FAIL ") + check.message)
        if not all(check.ok for check in checks):
            raise CommandError("the connection test failed")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_option(options["workspace"])
        stored = self._stored(options, workspace)
        source = self._settings(options, stored)
        if options["test"]:
            self._test(source, stored)
            return
        try:
            since = since_moment(options["since"]) if options["since"] else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if stored is not None and not source_is_tested(stored):
            self.stdout.write(f"note: {UNTESTED} Pulling anyway: the command line is the operator.")
        request = SyncRequest(
            source=source,
            workspace=workspace,
            aws_source=stored,
            state_machine=options["state_machine"],
            since=since,
            status=options["status"],
        )
        audit_record(
            action="aws.pull",
            workspace=workspace,
            target=options["source"] or source.endpoint_url or "AWS",
            detail={"regions": list(source.regions), "command_line": True},
        )
        try:
            summary = aws_sync(request=request, progress=self._progress)
        except AwsSetupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("summary:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} problem(s): see the summary above")
