"""Express state machines keep no history in Step Functions: their executions are read from the
CloudWatch Logs log group named in the machine's logging configuration (DescribeStateMachine).

FilterLogEvents reads the group over a time window, every page. Each log record is one history
event in AWS's log format (`id`, `type`, `details`, `previous_event_id`, `event_timestamp`,
`execution_arn`); the records are grouped by execution and turned back into GetExecutionHistory
events (the same types, `...EventDetails` members with JSON-text payloads, ids and
previousEventId), then imported through `execution_import` like any other history.

At log level ALL every event is logged. At ERROR or FATAL only some are: such histories are
imported as what they are, and the execution's import log says they are incomplete. With
includeExecutionData off, the payloads are missing, and the import log says so too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from apps.aws.clients import SourceSettings, source_client
from apps.aws.errors import explain
from apps.aws.pulling import PullContext
from apps.aws.reports import SyncProgress
from apps.aws.selectors import TERMINAL, stored_executions
from apps.executions.models import Execution
from apps.executions.services import ExecutionImportError, execution_import
from stepscope.history.event_types import PAYLOAD_FIELDS

LOG_PAGE_SIZE = 10_000  # FilterLogEvents' largest page
DEFAULT_WINDOW = timedelta(hours=24)  # with no --since: the last day of logs
LONGEST_EXPRESS_RUN = timedelta(minutes=5)  # read this much before the window: whole executions
LOG_GROUP = re.compile(r":log-group:(?P<name>[^:]+)(?::\*)?$")
TERMINAL_EVENTS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}
PARTIAL_LEVELS = {
    "ERROR": "only error events are logged (log level ERROR)",
    "FATAL": "only the execution's failure is logged (log level FATAL)",
}


@dataclass(frozen=True)
class LoggingSetup:
    """Where and how a machine logs: its log group, level and whether payloads are included."""

    log_group: str
    level: str
    include_execution_data: bool


def logging_setup(described: dict[str, Any]) -> LoggingSetup | None:
    """The log group from DescribeStateMachine's loggingConfiguration; None when it logs nowhere."""
    config = described.get("loggingConfiguration") or {}
    level = str(config.get("level") or "OFF").upper()
    for destination in config.get("destinations") or []:
        group = (destination.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn") or ""
        match = LOG_GROUP.search(str(group))
        if match and level != "OFF":
            include = bool(config.get("includeExecutionData", False))
            return LoggingSetup(match.group("name"), level, include)
    return None


def logs_client(source: SourceSettings, region: str, session: Any) -> Any:
    """A CloudWatch Logs client for the region, with the same credentials, retries and endpoint
    policy."""
    return source_client(session, "logs", source, region)


def log_records(
    client: Any, log_group: str, start: datetime, end: datetime
) -> Iterator[dict[str, Any]]:
    """Every log record in the window that is a JSON object (FilterLogEvents, every page)."""
    token = ""
    while True:
        kwargs: dict[str, Any] = {
            "logGroupName": log_group,
            "startTime": int(start.timestamp() * 1000),
            "endTime": int(end.timestamp() * 1000),
            "limit": LOG_PAGE_SIZE,
        }
        if token:
            kwargs["nextToken"] = token
        page = client.filter_log_events(**kwargs)
        for item in page.get("events", []):
            try:
                record = json.loads(item.get("message") or "")
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record
        token = page.get("nextToken") or ""
        if not token:
            return


def _number(value: object) -> int | None:
    """A log record's id or previous_event_id: text or a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _details_key(kind: str) -> str:
    if kind.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if kind.endswith("StateExited"):
        return "stateExitedEventDetails"
    return kind[0].lower() + kind[1:] + "EventDetails"


def _moment(value: object) -> str | None:
    """event_timestamp (epoch milliseconds, as text or a number) as ISO-8601 text."""
    millis = _number(value) if not isinstance(value, float) else int(value)
    if millis is None:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC).isoformat()


def history_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """One log record as a GetExecutionHistory event; None when it is not an event record."""
    kind, number = record.get("type"), _number(record.get("id"))
    if not isinstance(kind, str) or not kind or number is None:
        return None
    event: dict[str, Any] = {
        "id": number,
        "previousEventId": _number(record.get("previous_event_id")) or 0,
        "timestamp": _moment(record.get("event_timestamp")),
        "type": kind,
    }
    details = record.get("details")
    if isinstance(details, dict) and details:
        event[_details_key(kind)] = {
            name: json.dumps(value, separators=(",", ":"))
            if name in PAYLOAD_FIELDS and value is not None and not isinstance(value, str)
            else value
            for name, value in details.items()
        }
    return event


@dataclass
class LoggedExecution:
    arn: str
    events: dict[int, dict[str, Any]] = field(default_factory=dict)

    def ordered(self) -> list[dict[str, Any]]:
        return [self.events[number] for number in sorted(self.events)]


def group_by_execution(
    records: Iterator[dict[str, Any]], machine_name: str
) -> dict[str, LoggedExecution]:
    """The machine's log records as events, by execution ARN (a record seen twice counts once)."""
    found: dict[str, LoggedExecution] = {}
    for record in records:
        arn = record.get("execution_arn")
        if not isinstance(arn, str) or not _of_machine(arn, machine_name):
            continue
        event = history_event(record)
        if event is not None:
            found.setdefault(arn, LoggedExecution(arn)).events.setdefault(event["id"], event)
    return found


def _of_machine(arn: str, machine_name: str) -> bool:
    parts = arn.split(":")
    return len(parts) >= 8 and parts[5] == "express" and parts[6] == machine_name


def describe_document(logged: LoggedExecution, machine_arn: str) -> dict[str, Any]:
    """What DescribeExecution would say, from the events (Express executions have none)."""
    events = logged.ordered()
    status: str | None = None
    described: dict[str, Any] = {
        "executionArn": logged.arn,
        "stateMachineArn": machine_arn,
        "name": logged.arn.split(":")[7],
    }
    for event in events:
        details = event.get(_details_key(event["type"])) or {}
        if event["type"] == "ExecutionStarted":
            described["startDate"] = event["timestamp"]
            described["input"] = details.get("input")
        elif event["type"] in TERMINAL_EVENTS:
            status = TERMINAL_EVENTS[event["type"]]
            described["stopDate"] = event["timestamp"]
            for name in ("output", "error", "cause"):
                if details.get(name) is not None:
                    described[name] = details[name]
    described["status"] = status or ("RUNNING" if "startDate" in described else None)
    return {
        name: value for name, value in described.items() if value is not None or name == "status"
    }


@dataclass(frozen=True)
class ExpressPull:
    context: PullContext
    machine: dict[str, Any]  # DescribeStateMachine
    setup: LoggingSetup
    status: str = ""


def express_executions_sync(
    *,
    context: PullContext,
    source: SourceSettings,
    session: Any,
    machine: dict[str, Any],
    since: datetime | None,
    status: str = "",
) -> None:
    """Import the Express machine's executions logged since `since` (or the last day)."""
    summary, name = context.summary, str(machine.get("name") or "")
    setup = logging_setup(machine)
    if setup is None:
        summary.notes.append(
            f"{name}: an Express state machine that logs to no CloudWatch Logs group "
            "(log level OFF): its executions cannot be pulled"
        )
        return
    if setup.level in PARTIAL_LEVELS:
        summary.notes.append(f"{name}: {PARTIAL_LEVELS[setup.level]}; histories are incomplete")
    end = datetime.now(UTC)
    start = (since or end - DEFAULT_WINDOW) - LONGEST_EXPRESS_RUN
    context.progress(SyncProgress("express", f"{name}: reading {setup.log_group}"))
    try:
        client = logs_client(source, context.region, session)
        records = log_records(client, setup.log_group, start, end)
        logged = group_by_execution(records, name)
    except Exception as error:
        problem = explain(error, region=context.region, endpoint_url=source.endpoint_url)
        summary.failures.append(f"{name}: CloudWatch Logs {setup.log_group}: {problem}")
        return
    pull = ExpressPull(context, machine, setup, status)
    for number, execution in enumerate(logged.values(), 1):
        _import_logged(pull, execution, number, len(logged))


def _import_logged(pull: ExpressPull, logged: LoggedExecution, number: int, total: int) -> None:
    context, summary = pull.context, pull.context.summary
    machine_arn = str(pull.machine.get("stateMachineArn") or "")
    described = describe_document(logged, machine_arn)
    if pull.status and described.get("status") != pull.status:
        return
    summary.express_executions += 1
    summary.executions_listed += 1
    stored = stored_executions(workspace=context.workspace, arns=[logged.arn]).get(logged.arn)
    if (
        stored is not None
        and stored.status in TERMINAL
        and stored.event_count >= len(logged.events)
    ):
        summary.executions_unchanged += 1
        return
    documents = [
        ("DescribeExecution (from the events)", json.dumps(described)),
        ("DescribeStateMachine", json.dumps(pull.machine)),
        (f"CloudWatch Logs {pull.setup.log_group}", json.dumps({"events": logged.ordered()})),
    ]
    with transaction.atomic():
        try:
            result = execution_import(workspace=context.workspace, documents=documents)
        except ExecutionImportError as error:
            summary.failures.append(f"{logged.arn}: not imported: {error}")
            return
        _keep_log_fields(result.execution, pull.setup, created=result.created)
    summary.executions_added += result.created
    summary.executions_updated += bool(result.added) and not result.created
    summary.executions_unchanged += not result.added and not result.created
    summary.events_added += result.added
    execution = result.execution
    text = f"express {execution.name}: {execution.status}, {result.added} events"
    context.progress(SyncProgress("execution", text, number, total))


def _log_notes(setup: LoggingSetup) -> list[str]:
    notes = []
    if setup.level in PARTIAL_LEVELS:
        notes.append(
            f"read from CloudWatch Logs {setup.log_group}: {PARTIAL_LEVELS[setup.level]}, "
            "so this history is incomplete"
        )
    if not setup.include_execution_data:
        notes.append("the logs leave out inputs and outputs (includeExecutionData is off)")
    return notes


def _keep_log_fields(execution: Execution, setup: LoggingSetup, *, created: bool) -> None:
    description = dict(execution.description or {})
    description.update(
        log_group=setup.log_group,
        log_level=setup.level,
        include_execution_data=setup.include_execution_data,
    )
    log = list(execution.import_log)
    if log and _log_notes(setup):
        log[-1] = {**log[-1], "notes": [*log[-1].get("notes", []), *_log_notes(setup)]}
    changes: dict[str, Any] = {"description": description, "import_log": log}
    if created:
        changes["source"] = Execution.Source.AWS
    Execution.objects.filter(pk=execution.pk).update(**changes)
    execution.description, execution.import_log = description, log
