"""Express executions from CloudWatch Logs, against moto in server mode: an Express machine whose
logging configuration names a log group, and hand-written log records in AWS's Express log format
put there with PutLogEvents, read back with FilterLogEvents and imported as histories."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from apps.aws import express_logs
from apps.aws.clients import SourceSettings
from apps.aws.services import SyncRequest, aws_sync
from apps.executions.models import Execution
from apps.executions.selectors import execution_projection
from tests.apps.aws.moto_server import ORDERS, REGION, ROLE, MotoServer
from tests.workspaces import team

pytestmark = pytest.mark.django_db

GROUP = "/aws/vendedlogs/states/quick-orders"
ACCOUNT = "123456789012"


def logs(moto: MotoServer) -> Any:
    return boto3.client(
        "logs",
        region_name=REGION,
        endpoint_url=moto.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def express_machine(moto: MotoServer, level: str = "ALL", include: bool = True) -> str:
    client = logs(moto)
    client.create_log_group(logGroupName=GROUP)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}:*"
    logging: dict[str, Any] = {"level": level, "includeExecutionData": include}
    if level != "OFF":
        logging["destinations"] = [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}]
    created = moto.client().create_state_machine(
        name="quick",
        definition=json.dumps(ORDERS),
        roleArn=ROLE,
        type="EXPRESS",
        loggingConfiguration=logging,
    )
    return str(created["stateMachineArn"])


def execution_arn(name: str, machine: str = "quick") -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT}:express:{machine}:{name}:0f6c7d2e-{name}"


def record(
    arn: str, number: int, kind: str, details: dict[str, Any], at: int, previous: int | None = None
) -> dict[str, Any]:
    """One log record as Step Functions writes it for an Express execution."""
    return {
        "id": str(number),
        "type": kind,
        "details": details,
        "previous_event_id": str(number - 1 if previous is None else previous),
        "event_timestamp": str(at + number),
        "execution_arn": arn,
        "redrive_count": "0",
    }


def run_records(arn: str, order: dict[str, Any], at: int) -> list[dict[str, Any]]:
    """What level ALL logs for one run of ORDERS (moto_server.ORDERS) with `order` as input."""
    text = json.dumps(order)
    validated = json.dumps({**order, "validation": {"checked": True}})
    data = {"truncated": False}
    steps: list[tuple[str, dict[str, Any]]] = [
        ("ExecutionStarted", {"input": text, "inputDetails": data, "roleArn": ROLE}),
        ("PassStateEntered", {"name": "Validate", "input": text, "inputDetails": data}),
        ("PassStateExited", {"name": "Validate", "output": validated, "outputDetails": data}),
        ("ChoiceStateEntered", {"name": "Check", "input": validated, "inputDetails": data}),
        ("ChoiceStateExited", {"name": "Check", "output": validated, "outputDetails": data}),
    ]
    if order["ok"]:
        steps += [
            ("PassStateEntered", {"name": "Ship", "input": validated, "inputDetails": data}),
            ("PassStateExited", {"name": "Ship", "output": validated, "outputDetails": data}),
            ("ExecutionSucceeded", {"output": validated, "outputDetails": data}),
        ]
    else:
        steps += [
            ("FailStateEntered", {"name": "Reject", "input": validated, "inputDetails": data}),
            ("ExecutionFailed", {"error": "OrderRejected", "cause": "the order is not ok"}),
        ]
    return [record(arn, n, kind, details, at) for n, (kind, details) in enumerate(steps, 1)]


def put(
    moto: MotoServer, stream: str, records: list[dict[str, Any]], extra: tuple[str, ...] = ()
) -> None:
    client = logs(moto)
    client.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    events = [{"timestamp": int(r["event_timestamp"]), "message": json.dumps(r)} for r in records]
    if extra:
        first = events[0]["timestamp"] if events else now_ms()
        events += [{"timestamp": first, "message": line} for line in extra]
    events.sort(key=lambda event: event["timestamp"])
    client.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=events)


def now_ms() -> int:
    return int(time.time() * 1000)


def sync(moto: MotoServer, **options: Any) -> Any:
    source = SourceSettings(regions=(REGION,), endpoint_url=moto.url)
    return aws_sync(request=SyncRequest(workspace=team(), source=source, **options))


def test_express_executions_come_from_the_log_group_page_by_page(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(express_logs, "LOG_PAGE_SIZE", 3)
    express_machine(moto)
    shipped, rejected = execution_arn("ship-1"), execution_arn("reject-2")
    at = now_ms() - 60_000
    put(moto, "stream-a", run_records(shipped, {"ok": True, "order": 1}, at), ("START not json",))
    other = run_records(execution_arn("x", machine="another"), {"ok": True, "order": 9}, at)
    put(moto, "stream-b", run_records(rejected, {"ok": False, "order": 2}, at + 5) + other)

    summary = sync(moto)
    assert summary.failures == []
    assert (summary.express_executions, summary.executions_added) == (2, 2)
    failed = Execution.objects.get(execution_arn=rejected)
    assert (failed.source, failed.status, failed.name, failed.event_count) == (
        "aws",
        "FAILED",
        "reject-2",
        7,
    )
    assert failed.state_machine_name == "quick" and failed.definition_version is not None
    projection = execution_projection(execution=failed)
    run = projection.run(projection.failed_run_key)
    assert (run.name, run.error) == ("Reject", "OrderRejected")
    assert '"order": 2' in (run.input or "")
    events = [event.data for event in failed.events.all()]
    assert [event["id"] for event in events] == list(range(1, 8))
    assert [event["previousEventId"] for event in events] == list(range(0, 7))
    assert events[0]["executionStartedEventDetails"]["input"] == '{"ok": false, "order": 2}'
    assert events[0]["timestamp"].endswith("+00:00")
    assert events[-1]["executionFailedEventDetails"]["error"] == "OrderRejected"
    assert failed.description["log_level"] == "ALL"
    assert failed.import_log[-1]["notes"] == []
    assert Execution.objects.get(execution_arn=shipped).status == "SUCCEEDED"
    assert not Execution.objects.filter(state_machine_name="another").exists()

    again = sync(moto)  # re-syncing adds nothing twice
    assert (again.executions_added, again.events_added, again.executions_unchanged) == (0, 0, 2)
    assert len(Execution.objects.get(execution_arn=rejected).import_log) == 1


def test_log_level_error_imports_an_incomplete_history_and_says_so(moto: MotoServer) -> None:
    express_machine(moto, level="ERROR", include=False)
    arn = execution_arn("broken-3")
    at = now_ms() - 60_000
    failed = {"error": "States.TaskFailed", "cause": "the lambda broke", "resourceType": "lambda"}
    records = [
        record(arn, 6, "LambdaFunctionFailed", failed, at),
        record(arn, 8, "ExecutionFailed", {"error": "States.TaskFailed"}, at, previous=7),
    ]
    put(moto, "stream-a", records)
    summary = sync(moto)
    assert summary.failures == [] and summary.executions_added == 1
    assert any("log level ERROR" in note for note in summary.notes)
    execution = Execution.objects.get(execution_arn=arn)
    assert (execution.status, execution.event_count, execution.error) == (
        "FAILED",
        2,
        "States.TaskFailed",
    )
    notes = " ".join(execution.import_log[-1]["notes"])
    assert "this history is incomplete" in notes
    assert "includeExecutionData is off" in notes
    assert "missing" in notes  # the importer's own note on the ids that are not there


def test_the_window_and_the_status_filter(moto: MotoServer) -> None:
    express_machine(moto)
    old, recent, failed = execution_arn("old-1"), execution_arn("new-2"), execution_arn("bad-3")
    put(moto, "old", run_records(old, {"ok": True, "order": 1}, now_ms() - 3 * 3_600_000))
    put(moto, "new", run_records(recent, {"ok": True, "order": 2}, now_ms() - 60_000))
    put(moto, "bad", run_records(failed, {"ok": False, "order": 3}, now_ms() - 30_000))
    summary = sync(moto, since=datetime.now(UTC) - timedelta(hours=1), status="FAILED")
    assert summary.executions_added == 1
    assert list(Execution.objects.values_list("execution_arn", flat=True)) == [failed]
    summary = sync(moto, since=datetime.now(UTC) - timedelta(hours=1))
    assert summary.executions_added == 1 and summary.executions_unchanged == 1
    summary = sync(moto)  # the default window: the last day
    assert summary.executions_added == 1
    assert Execution.objects.count() == 3


def test_a_machine_that_logs_nowhere_is_noted(moto: MotoServer) -> None:
    express_machine(moto, level="OFF")
    summary = sync(moto)
    assert summary.failures == [] and not Execution.objects.exists()
    assert any("log level OFF" in note for note in summary.notes)


def test_a_missing_log_group_is_a_clear_failure(moto: MotoServer) -> None:
    express_machine(moto)
    logs(moto).delete_log_group(logGroupName=GROUP)
    summary = sync(moto)
    assert len(summary.failures) == 1
    assert f"CloudWatch Logs {GROUP}" in summary.failures[0]
    assert "ResourceNotFoundException" in summary.failures[0]


def test_records_become_history_events() -> None:
    arn = execution_arn("one")
    parsed = {"a": 1}
    event = express_logs.history_event(
        record(arn, 2, "TaskScheduled", {"parameters": parsed, "resource": "invoke"}, 1_000)
    )
    assert event == {
        "id": 2,
        "previousEventId": 1,
        "timestamp": "1970-01-01T00:00:01.002000+00:00",
        "type": "TaskScheduled",
        "taskScheduledEventDetails": {"parameters": '{"a":1}', "resource": "invoke"},
    }
    entered = express_logs.history_event(record(arn, 3, "TaskStateEntered", {"name": "T"}, 0))
    assert entered is not None and entered["stateEnteredEventDetails"] == {"name": "T"}
    assert express_logs.history_event({"type": "ExecutionStarted"}) is None
    assert express_logs.logging_setup({"loggingConfiguration": {"level": "OFF"}}) is None
