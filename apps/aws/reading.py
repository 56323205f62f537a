"""Read from the Step Functions API: state machines, their versions and aliases, executions, and
history pages. Plain boto3 calls and JSON-ready results; nothing here touches the database, so the
calls can run on a small thread pool."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError

HISTORY_PAGE_SIZE = 1000  # AWS's largest GetExecutionHistory page
EXECUTION_PAGE_SIZE = 100
# What an endpoint that lacks an optional operation (LocalStack, moto) answers.
NOT_AVAILABLE_CODES = {"UnknownOperationException", "InvalidAction", "NotImplemented", "501"}


def jsonable(value: Any) -> Any:
    """boto3's answer as JSON values: dates as ISO-8601 text, no ResponseMetadata."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def state_machines(client: Any) -> list[dict[str, Any]]:
    """Every state machine in the client's region (ListStateMachines, every page)."""
    machines: list[dict[str, Any]] = []
    for page in client.get_paginator("list_state_machines").paginate():
        machines.extend(jsonable(page.get("stateMachines", [])))
    return machines


def state_machine(client: Any, arn: str) -> dict[str, Any]:
    """DescribeStateMachine of a machine or one of its versions (a version ARN)."""
    return dict(jsonable(client.describe_state_machine(stateMachineArn=arn)))


def _optional_listing(call: Any, key: str, **kwargs: Any) -> list[dict[str, Any]] | None:
    """Every page of an optional listing, or None when the endpoint does not offer it."""
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        try:
            page = call(**kwargs, **({"nextToken": token} if token else {}))
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code") or "")
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in NOT_AVAILABLE_CODES or status >= 500:
                return None
            raise
        items.extend(jsonable(page.get(key, [])))
        token = page.get("nextToken") or ""
        if not token:
            return items


def state_machine_versions(client: Any, arn: str) -> list[dict[str, Any]] | None:
    """ListStateMachineVersions, or None when the endpoint lacks it."""
    return _optional_listing(
        client.list_state_machine_versions, "stateMachineVersions", stateMachineArn=arn
    )


def state_machine_aliases(client: Any, arn: str) -> list[dict[str, Any]] | None:
    """ListStateMachineAliases, or None when the endpoint lacks it."""
    return _optional_listing(
        client.list_state_machine_aliases, "stateMachineAliases", stateMachineArn=arn
    )


@dataclass(frozen=True)
class ExecutionFilter:
    status: str = ""  # statusFilter: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, ...
    since: datetime | None = None  # only executions started at or after this moment
    page_size: int = EXECUTION_PAGE_SIZE


def executions(
    client: Any, state_machine_arn: str, wanted: ExecutionFilter
) -> Iterator[list[dict[str, Any]]]:
    """ListExecutions page by page, newest first, stopping at the first one older than `since`
    (AWS lists executions by start date, newest first)."""
    token = ""
    while True:
        kwargs: dict[str, Any] = {"stateMachineArn": state_machine_arn}
        kwargs["maxResults"] = wanted.page_size
        if wanted.status:
            kwargs["statusFilter"] = wanted.status
        if token:
            kwargs["nextToken"] = token
        page = client.list_executions(**kwargs)
        listed = page.get("executions", [])
        kept = [item for item in listed if _recent(item, wanted.since)]
        if kept:
            yield jsonable(kept)
        token = page.get("nextToken") or ""
        if not token or len(kept) < len(listed):
            return


def _recent(item: dict[str, Any], since: datetime | None) -> bool:
    started = item.get("startDate")
    return since is None or not isinstance(started, datetime) or started >= since


def execution(client: Any, arn: str) -> dict[str, Any]:
    """DescribeExecution: status, input, output, error, and the redrive fields."""
    return dict(jsonable(client.describe_execution(executionArn=arn)))


def state_machine_for_execution(client: Any, arn: str) -> dict[str, Any]:
    """DescribeStateMachineForExecution: the definition the execution ran."""
    return dict(jsonable(client.describe_state_machine_for_execution(executionArn=arn)))


def history_pages(
    client: Any,
    arn: str,
    *,
    next_token: str = "",
    page_size: int = HISTORY_PAGE_SIZE,
    newest_first: bool = False,
) -> Iterator[tuple[list[dict[str, Any]], str]]:
    """GetExecutionHistory, every page from `next_token` on: (events, the token after them).
    Pages are fetched as they are consumed, so a reader may stop early."""
    token = next_token
    while True:
        kwargs: dict[str, Any] = {
            "executionArn": arn,
            "maxResults": page_size,
            "includeExecutionData": True,
        }
        if newest_first:
            kwargs["reverseOrder"] = True
        if token:
            kwargs["nextToken"] = token
        page = client.get_execution_history(**kwargs)
        token = page.get("nextToken") or ""
        yield jsonable(page.get("events", [])), token
        if not token:
            return
