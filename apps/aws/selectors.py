"""Reads for AWS pulls: sources, and which listed executions are already stored and finished."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from apps.accounts.models import Workspace
from apps.accounts.scoping import visible
from apps.aws.models import AwsPull, AwsSource
from apps.executions.models import Execution

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


def arn_fingerprint(arn: str) -> str:
    """An execution's fingerprint when its ARN is known (as apps/executions/services.py sets it)."""
    return hashlib.sha256(arn.encode("utf-8")).hexdigest()


def stored_executions(*, workspace: Workspace, arns: Iterable[str]) -> dict[str, Execution]:
    """The workspace's stored executions among `arns`, by ARN."""
    by_fingerprint = {arn_fingerprint(arn): arn for arn in arns}
    found = Execution.objects.filter(workspace=workspace, fingerprint__in=list(by_fingerprint))
    return {by_fingerprint[execution.fingerprint]: execution for execution in found}


def executions_to_pull(*, workspace: Workspace, listed: Iterable[dict[str, object]]) -> list[str]:
    """The ARNs of listed executions worth pulling: not stored yet, not finished when stored,
    listed with another status than stored (redriven), or with a pull left half-way."""
    items = {str(item["executionArn"]): str(item.get("status", "")) for item in listed}
    stored = stored_executions(workspace=workspace, arns=items)
    unfinished = set(
        AwsPull.objects.filter(workspace=workspace, execution_arn__in=list(items))
        .exclude(status=AwsPull.Status.COMPLETE)
        .values_list("execution_arn", flat=True)
    )
    wanted = []
    for arn, status in items.items():
        execution = stored.get(arn)
        current = (
            execution is not None
            and execution.status in TERMINAL
            and execution.status == status
            and execution.event_count > 0
        )
        if arn in unfinished or not current:
            wanted.append(arn)
    return wanted


def aws_source_list(*, user: Any) -> QuerySet[AwsSource]:
    """The sources the user may see."""
    return visible(AwsSource.objects.select_related("workspace"), user)


def aws_source_get(*, workspace: Workspace, name: str) -> AwsSource:
    """A workspace's source by name; raises AwsSource.DoesNotExist."""
    return AwsSource.objects.get(workspace=workspace, name=name)
