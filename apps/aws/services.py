"""Writes for AWS: save a source, test its connection, and sync (pull state machines, their
definitions and versions, executions and histories, imported like any other history)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.accounts.models import Workspace
from apps.aws import endpoints, identities, reading
from apps.aws.clients import (
    AwsSetupError,
    SourceSettings,
    aws_session,
    check_endpoint_url,
    stepfunctions_client,
)
from apps.aws.connection import (
    ConnectionCheck,
    SourceUntestedError,
    aws_connection_test,
    aws_source_test,
    settings_digest,
    source_digest,
    source_require_tested,
    source_settings,
)
from apps.aws.errors import AwsPullError, explain
from apps.aws.express_logs import express_executions_sync
from apps.aws.map_runs import map_runs_sync
from apps.aws.models import AwsSource
from apps.aws.pulling import PullContext, pull_histories
from apps.aws.reports import ProgressCallback, SyncProgress, SyncSummary, no_progress
from apps.aws.selectors import executions_to_pull
from apps.definitions.services import definition_import

REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
PROBE_ATTEMPTS = 2  # optional listings (versions, aliases) that LocalStack or moto may lack


def _checked(regions: Sequence[str], role_arn: str, endpoint_url: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(region.strip() for region in regions if region.strip()))
    if not cleaned:
        raise AwsSetupError("Name at least one region, such as us-east-1.", field="regions")
    for region in cleaned:
        if not REGION_NAME.match(region):
            raise AwsSetupError(
                f"{region!r} is not a region name; regions look like us-east-1.", field="regions"
            )
    if role_arn and not ROLE_ARN.match(role_arn):
        raise AwsSetupError(
            f"{role_arn!r} is not a role ARN such as arn:aws:iam::123456789012:role/Name.",
            field="role_arn",
        )
    check_endpoint_url(endpoint_url)
    return cleaned


def aws_source_save(
    *,
    workspace: Workspace,
    name: str,
    regions: Sequence[str],
    profile_name: str = "",
    role_arn: str = "",
    endpoint_url: str = "",
    actor: Any = None,
) -> AwsSource:
    """Create or update the workspace's source called `name`. It never holds a secret key:
    credentials come from boto3's chain. Sources are the web's: the endpoint must lead to a
    public address and the profile and role must be ones the operator allows
    (apps/aws/endpoints.py, identities.py). A change of endpoint, profile, role or regions
    forgets the last connection test. Raises AwsSetupError with a message fit to show."""
    name = " ".join(name.split())
    if not name:
        raise AwsSetupError("Give the source a name.", field="name")
    profile_name, role_arn, endpoint_url = (
        profile_name.strip(),
        role_arn.strip(),
        endpoint_url.strip(),
    )
    cleaned = _checked(regions, role_arn, "")  # the endpoint: by the web's stricter rules
    identities.profile_check(profile_name)
    identities.role_check(role_arn)
    endpoints.endpoint_check(endpoint_url)
    fields = {
        "regions": list(cleaned),
        "profile_name": profile_name,
        "role_arn": role_arn,
        "endpoint_url": endpoint_url,
    }
    with transaction.atomic():
        name = name[:200]
        stored = AwsSource.objects.select_for_update().filter(workspace=workspace, name=name)
        source = stored.first()
        created = source is None
        if source is None:
            source = AwsSource(workspace=workspace, name=name)
        changed = created or source_digest(source) != settings_digest(**fields)
        for field, value in fields.items():
            setattr(source, field, value)
        if changed:
            source.tested_settings, source.tested_at = "", None
        source.save()
        audit_record(
            action="aws_source.create" if created else "aws_source.change",
            workspace=workspace,
            actor=actor,
            target=source.name,
            detail={**_source_fields(source), "test_needed": changed},
        )
    return source


def _source_fields(source: AwsSource) -> dict[str, Any]:
    return {
        "regions": list(source.regions),
        "profile_name": source.profile_name,
        "role_arn": source.role_arn,
        "endpoint_url": source.endpoint_url,
    }


@dataclass(frozen=True)
class SyncRequest:
    source: SourceSettings
    workspace: Workspace  # where what is pulled is kept
    aws_source: AwsSource | None = None
    state_machine: str = ""  # a name or an ARN; empty: every state machine
    since: datetime | None = None
    status: str = ""
    execution_page_size: int = reading.EXECUTION_PAGE_SIZE
    history_page_size: int = reading.HISTORY_PAGE_SIZE
    concurrency: int = 0  # 0: STEPSCOPE_AWS_CONCURRENCY


def aws_sync(*, request: SyncRequest, progress: ProgressCallback = no_progress) -> SyncSummary:
    """Pull every state machine (or the one named) in each region, then its executions started
    since `request.since` with `request.status`, each history in full, and import them.

    Problems with one region, machine or execution are reported in the summary's failures and the
    rest carries on. Raises AwsSetupError for settings that cannot work at all.
    """
    source = request.source
    _checked(source.regions, source.role_arn, source.endpoint_url)
    if request.status and request.status not in STATUSES:
        raise AwsSetupError(
            f"{request.status!r} is not a status: use one of {', '.join(STATUSES)}."
        )
    summary = SyncSummary(regions=list(source.regions))
    matched = False
    for region in source.regions:
        progress(SyncProgress("region", f"region {region}"))
        matched |= _sync_region(request, region, summary, progress)
    if request.state_machine and not matched:
        summary.failures.append(
            f"no state machine named or with the ARN {request.state_machine!r} "
            f"in {', '.join(source.regions)}"
        )
    if request.aws_source is not None:
        AwsSource.objects.filter(pk=request.aws_source.pk).update(last_synced_at=timezone.now())
    return summary


class _Region:
    """One region's clients and what is known about the endpoint's optional operations."""

    def __init__(self, request: SyncRequest, region: str) -> None:
        self.region = region
        self.session = aws_session(request.source, region)
        self.client = stepfunctions_client(request.source, region, session=self.session)
        self._source = request.source
        self._probe: Any = None
        self.versions_available = True
        self.aliases_available = True

    @property
    def probe(self) -> Any:
        """A client that retries once: for listings that LocalStack or moto may lack."""
        if self._probe is None:
            self._probe = stepfunctions_client(
                self._source, self.region, session=self.session, max_attempts=PROBE_ATTEMPTS
            )
        return self._probe


def _matches(machine: dict[str, Any], wanted: str) -> bool:
    return not wanted or wanted in (machine.get("name"), machine.get("stateMachineArn"))


def _sync_region(
    request: SyncRequest, region: str, summary: SyncSummary, progress: ProgressCallback
) -> bool:
    endpoint = request.source.endpoint_url
    try:
        clients = _Region(request, region)
        machines = [
            m for m in reading.state_machines(clients.client) if _matches(m, request.state_machine)
        ]
    except Exception as error:
        summary.failures.append(f"{region}: {explain(error, region=region, endpoint_url=endpoint)}")
        return False
    context = PullContext(
        workspace=request.workspace,
        client=clients.client,
        region=region,
        endpoint_url=endpoint,
        aws_source=request.aws_source,
        summary=summary,
        progress=progress,
        concurrency=request.concurrency or int(django_settings.AWS_CONCURRENCY),
        history_page_size=request.history_page_size,
    )
    for number, machine in enumerate(machines, 1):
        arn = str(machine["stateMachineArn"])
        progress(
            SyncProgress("state_machine", f"state machine {machine['name']}", number, len(machines))
        )
        summary.state_machines += 1
        try:
            _sync_machine(request, clients, arn, context)
        except Exception as error:
            problem = explain(error, region=region, endpoint_url=endpoint)
            summary.failures.append(f"{arn}: {problem}")
            progress(SyncProgress("state_machine", f"failed {arn}: {problem}"))
    return bool(machines)


def _import_definition(
    workspace: Workspace, summary: SyncSummary, described: dict[str, Any], name: str
) -> None:
    text = described.get("definition")
    if not isinstance(text, str):
        return
    try:
        summary.definitions_added += definition_import(
            workspace=workspace, text=text, name=name, audited=False
        ).created
    except ValueError as error:
        summary.notes.append(f"a definition of {name!r} was not kept: {error}")


def _sync_versions(
    workspace: Workspace, clients: _Region, arn: str, name: str, summary: SyncSummary
) -> None:
    """Published versions, oldest first, each a definition version when its text is new."""
    if clients.versions_available:
        versions = reading.state_machine_versions(clients.probe, arn)
        if versions is None:
            clients.versions_available = False
            summary.notes.append(f"{clients.region}: the endpoint has no ListStateMachineVersions")
        for version in reversed(versions or []):
            summary.versions += 1
            described = reading.state_machine(clients.client, version["stateMachineVersionArn"])
            _import_definition(workspace, summary, described, name)
    if clients.aliases_available:
        aliases = reading.state_machine_aliases(clients.probe, arn)
        if aliases is None:
            clients.aliases_available = False
            summary.notes.append(f"{clients.region}: the endpoint has no ListStateMachineAliases")
        summary.aliases += len(aliases or [])


def _sync_machine(request: SyncRequest, clients: _Region, arn: str, context: PullContext) -> None:
    summary, progress = context.summary, context.progress
    described = reading.state_machine(clients.client, arn)
    name = str(described.get("name") or arn.rsplit(":", 1)[-1])
    _sync_versions(request.workspace, clients, arn, name, summary)
    _import_definition(request.workspace, summary, described, name)
    if described.get("type") == "EXPRESS":  # no GetExecutionHistory: read CloudWatch Logs
        express_executions_sync(
            context=context,
            source=request.source,
            session=clients.session,
            machine=described,
            since=request.since,
            status=request.status,
        )
        return
    wanted = reading.ExecutionFilter(
        status=request.status, since=request.since, page_size=request.execution_page_size
    )
    for page in reading.executions(clients.client, arn, wanted):
        summary.executions_listed += len(page)
        to_pull = executions_to_pull(workspace=request.workspace, listed=page)
        summary.executions_unchanged += len(page) - len(to_pull)
        progress(
            SyncProgress(
                "listing",
                f"{name}: {summary.executions_listed} executions listed, pulling {len(to_pull)}",
            )
        )
        pull_histories(context, to_pull)
        map_runs_sync(
            context=context,
            probe=clients.probe,
            arns=[str(item["executionArn"]) for item in page],
            page_size=request.execution_page_size,
        )


__all__ = [
    "AwsPullError",
    "AwsSetupError",
    "ConnectionCheck",
    "SourceUntestedError",
    "SyncRequest",
    "aws_connection_test",
    "aws_source_save",
    "aws_source_test",
    "aws_sync",
    "source_require_tested",
    "source_settings",
]
