"""Connection tests, and which settings of a source last passed one.

A test lists one state machine, one of its executions and one history event in each region, so a
missing IAM permission is named. When a stored source passes in every region, a digest of what
was tested (endpoint, profile, role and regions) is kept on it (`tested_settings`, `tested_at`).
Saving other settings clears it (services.aws_source_save), and "Pull now" and following are
refused until a test passes again: an endpoint, profile or role is only used from the web once it
has been seen to work as Stepscope's own source.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.aws.clients import SourceSettings, stepfunctions_client
from apps.aws.errors import AwsSetupError, explain
from apps.aws.models import AwsSource

UNTESTED = (
    "Test the connection first: the endpoint/profile/role changed since the last successful "
    "test (or the source has not passed one yet)."
)


class SourceUntestedError(AwsSetupError):
    """The source's settings have not passed a connection test since they last changed."""


def source_settings(*, source: AwsSource) -> SourceSettings:
    """A stored source's settings: saved from the web, so the operator's policy applies."""
    return SourceSettings(
        regions=tuple(source.regions),
        profile_name=source.profile_name,
        role_arn=source.role_arn,
        endpoint_url=source.endpoint_url,
        checked=True,
    )


def settings_digest(*, regions: Any, profile_name: str, role_arn: str, endpoint_url: str) -> str:
    """A digest of what a connection test depends on (regions in any order)."""
    document = {
        "endpoint_url": endpoint_url,
        "profile_name": profile_name,
        "role_arn": role_arn,
        "regions": sorted(str(region) for region in regions),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_digest(source: AwsSource) -> str:
    return settings_digest(
        regions=source.regions,
        profile_name=source.profile_name,
        role_arn=source.role_arn,
        endpoint_url=source.endpoint_url,
    )


def source_is_tested(source: AwsSource) -> bool:
    """Has the source passed a connection test with the settings it has now?"""
    return bool(source.tested_settings) and source.tested_settings == source_digest(source)


def source_require_tested(source: AwsSource) -> None:
    """SourceUntestedError unless the source passed a connection test with its settings."""
    if not source_is_tested(source):
        raise SourceUntestedError(UNTESTED)


@dataclass(frozen=True)
class ConnectionCheck:
    region: str
    ok: bool
    message: str
    code: str = ""  # the AWS error code or botocore exception name when it failed


def _probe_region(source: SourceSettings, region: str) -> str:
    """List one state machine, one of its executions and one history event: each call is one
    IAM action, so a missing permission is named."""
    client = stepfunctions_client(source, region)
    machines = client.list_state_machines(maxResults=1).get("stateMachines", [])
    found = "no state machines yet"
    if machines:
        listed = client.list_executions(
            stateMachineArn=machines[0]["stateMachineArn"], maxResults=1
        )
        found = "state machines and executions can be listed"
        if listed.get("executions"):
            arn = listed["executions"][0]["executionArn"]
            client.get_execution_history(executionArn=arn, maxResults=1)
            found = "state machines, executions and histories can be read"
    where = f" at {source.endpoint_url}" if source.endpoint_url else ""
    return f"Connected to Step Functions in {region}{where}: {found}."


def aws_connection_test(*, source: SourceSettings) -> list[ConnectionCheck]:
    """One check per region, each with a specific message when it fails."""
    checks = []
    for region in source.regions:
        try:
            checks.append(ConnectionCheck(region, True, _probe_region(source, region)))
        except AwsSetupError as error:
            checks.append(ConnectionCheck(region, False, str(error), type(error).__name__))
        except Exception as error:
            problem = explain(error, region=region, endpoint_url=source.endpoint_url)
            checks.append(ConnectionCheck(region, False, str(problem), problem.code))
    return checks


def aws_source_test(*, source: AwsSource, actor: Any = None) -> list[ConnectionCheck]:
    """Test a stored source's connection in each region. When every region passes, remember
    the settings it passed with (so it may be pulled from); record the test in the audit log."""
    digest = source_digest(source)  # what is tested, even if the source is saved meanwhile
    checks = aws_connection_test(source=source_settings(source=source))
    passed = bool(checks) and all(check.ok for check in checks)
    if passed:
        now = timezone.now()
        AwsSource.objects.filter(pk=source.pk).update(tested_settings=digest, tested_at=now)
        source.tested_settings, source.tested_at = digest, now
    audit_record(
        action="aws_source.test",
        workspace=source.workspace,
        actor=actor,
        target=source.name,
        detail={
            "result": "ok" if passed else "failed",
            "regions": {
                check.region: "ok" if check.ok else check.code or "failed" for check in checks
            },
            "endpoint_url": source.endpoint_url,
        },
    )
    return checks
