"""Distributed Map runs: the Map Runs of a pulled execution (ListMapRuns, DescribeMapRun) kept with
it, and their child executions (ListExecutions with mapRunArn) pulled and linked to their parent.

moto runs a Distributed Map and answers ListMapRuns and DescribeMapRun, but cannot list a Map
Run's children; the stub endpoint answers those with AWS's documented shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.aws.clients import SourceSettings
from apps.aws.services import SyncRequest, aws_sync
from apps.definitions.models import Definition
from apps.executions.models import Execution
from apps.executions.selectors import execution_projection
from tests.apps.aws.moto_server import MotoServer
from tests.apps.aws.stub import Answer, StubAws, error
from tests.workspaces import team

pytestmark = pytest.mark.django_db

REGION = "us-east-1"
ACCOUNT = "123456789012"
DISTRIBUTED = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Handle",
                "States": {"Handle": {"Type": "Pass", "End": True}},
            },
            "ToleratedFailureCount": 1,
            "Label": "Each",
            "End": True,
        }
    },
}


def test_moto_map_run_is_kept_with_its_execution(moto: MotoServer, quick_retries: None) -> None:
    machine = moto.machine("fanout", DISTRIBUTED)
    [arn] = moto.run(machine, [{"items": [1, 2, 3]}])
    source = SourceSettings(regions=(REGION,), endpoint_url=moto.url)
    summary = aws_sync(request=SyncRequest(workspace=team(), source=source))
    assert summary.failures == []
    assert summary.map_runs == 1
    parent = Execution.objects.get(execution_arn=arn)
    [run] = parent.description["map_runs"]
    started = parent.events.get(type="MapRunStarted").data["mapRunStartedEventDetails"]
    assert run["mapRunArn"] == started["mapRunArn"]
    assert run["executionArn"] == arn or run["executionArn"].endswith(":None")  # moto's listing
    assert run["status"] == "SUCCEEDED"
    assert run["toleratedFailureCount"] == 1
    assert run["itemCounts"]["total"] == 3 and run["executionCounts"]["succeeded"] == 3
    assert run["children_listable"] is False  # moto cannot list a Map Run's children
    assert any("ListExecutions with mapRunArn" in note for note in summary.notes)

    again = aws_sync(
        request=SyncRequest(workspace=team(), source=source)
    )  # settled: not described again
    assert (again.map_runs, again.executions_added, again.events_added) == (0, 0, 0)


# --- the stub: a parent with one Map Run of three children (one Express), listed two a page ---

MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:orders"
PARENT = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:nightly"
MAP_RUN = (
    f"arn:aws:states:{REGION}:{ACCOUNT}:mapRun:orders/Each:5f1e6c4a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"
)
CHILD_MACHINE = f"{MACHINE}/Each"
CHILDREN = [
    f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders/Each:child-{number}" for number in (1, 2)
]
EXPRESS_CHILD = f"arn:aws:states:{REGION}:{ACCOUNT}:express:orders/Each:child-3:9b8c"
T0 = 1_717_000_000.0
ITEM_PROCESSOR = json.dumps(DISTRIBUTED["States"]["Each"]["ItemProcessor"])  # type: ignore[index]
PARENT_DEFINITION = json.dumps(DISTRIBUTED)


def _event(number: int, kind: str, key: str = "", details: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": number,
        "previousEventId": number - 1,
        "timestamp": T0 + number,
        "type": kind,
    }
    if key:
        event[key] = details
    return event


def _parent_events() -> list[dict[str, Any]]:
    given = json.dumps({"items": [1, 2, 3]})
    return [
        _event(1, "ExecutionStarted", "executionStartedEventDetails", {"input": given}),
        _event(2, "MapStateEntered", "stateEnteredEventDetails", {"name": "Each", "input": given}),
        _event(3, "MapStateStarted", "mapStateStartedEventDetails", {"length": 3}),
        _event(4, "MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": MAP_RUN}),
        _event(
            5,
            "MapRunFailed",
            "mapRunFailedEventDetails",
            {"error": "States.ExceedToleratedFailureThreshold"},
        ),
        _event(6, "MapStateFailed"),
        _event(
            7,
            "ExecutionFailed",
            "executionFailedEventDetails",
            {"error": "States.ExceedToleratedFailureThreshold", "cause": "two failed"},
        ),
    ]


def _child_events(number: int) -> list[dict[str, Any]]:
    given = json.dumps(number)
    events = [
        _event(1, "ExecutionStarted", "executionStartedEventDetails", {"input": given}),
        _event(
            2, "PassStateEntered", "stateEnteredEventDetails", {"name": "Handle", "input": given}
        ),
        _event(
            3, "PassStateExited", "stateExitedEventDetails", {"name": "Handle", "output": given}
        ),
    ]
    if number == 2:
        events.append(
            _event(4, "ExecutionFailed", "executionFailedEventDetails", {"error": "Boom"})
        )
    else:
        events.append(
            _event(4, "ExecutionSucceeded", "executionSucceededEventDetails", {"output": given})
        )
    return events


def _listed(arn: str, status: str, machine: str) -> dict[str, Any]:
    name = arn.split(":")[7]
    return {
        "executionArn": arn,
        "stateMachineArn": machine,
        "name": name,
        "status": status,
        "startDate": T0 + 1,
        "stopDate": T0 + 9,
    }


LISTED_CHILDREN = [
    _listed(CHILDREN[0], "SUCCEEDED", CHILD_MACHINE),
    _listed(CHILDREN[1], "FAILED", CHILD_MACHINE),
    _listed(EXPRESS_CHILD, "FAILED", CHILD_MACHINE),
]
DESCRIBED_RUN = {
    "mapRunArn": MAP_RUN,
    "executionArn": PARENT,
    "status": "FAILED",
    "startDate": T0 + 4,
    "stopDate": T0 + 5,
    "maxConcurrency": 1000,
    "toleratedFailurePercentage": 0.0,
    "toleratedFailureCount": 1,
    "itemCounts": {
        "pending": 0,
        "running": 0,
        "succeeded": 1,
        "failed": 2,
        "timedOut": 0,
        "aborted": 0,
        "total": 3,
        "resultsWritten": 0,
        "failuresNotRedrivable": 0,
        "pendingRedrive": 0,
    },
    "executionCounts": {
        "pending": 0,
        "running": 0,
        "succeeded": 1,
        "failed": 2,
        "timedOut": 0,
        "aborted": 0,
        "total": 3,
        "resultsWritten": 0,
        "failuresNotRedrivable": 0,
        "pendingRedrive": 0,
    },
    "redriveCount": 0,
}


def _paged(items: list[dict[str, Any]], key: str, body: dict[str, Any], size: int) -> Answer:
    start = int(body.get("nextToken") or 0)
    page: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        page["nextToken"] = str(start + size)
    return 200, page


def script_map_run(stub: StubAws, *, list_map_runs: bool = True) -> None:
    machine = {"stateMachineArn": MACHINE, "name": "orders", "type": "STANDARD"}
    described = {**machine, "definition": PARENT_DEFINITION, "roleArn": "arn:aws:iam::1:role/r"}
    histories = {PARENT: _parent_events(), CHILDREN[0]: _child_events(1)}
    histories[CHILDREN[1]] = _child_events(2)
    stub.on("ListStateMachines", lambda body: (200, {"stateMachines": [machine]}))
    stub.on("DescribeStateMachine", lambda body: (200, described))
    stub.on("ListStateMachineVersions", lambda body: (200, {"stateMachineVersions": []}))
    stub.on("ListStateMachineAliases", lambda body: (200, {"stateMachineAliases": []}))

    def list_executions(body: dict[str, Any]) -> Answer:
        if body.get("mapRunArn") == MAP_RUN:
            return _paged(LISTED_CHILDREN, "executions", body, int(body.get("maxResults") or 100))
        return 200, {"executions": [_listed(PARENT, "FAILED", MACHINE)]}

    def describe_execution(body: dict[str, Any]) -> Answer:
        arn = body["executionArn"]
        if arn == PARENT:
            return 200, {**_listed(PARENT, "FAILED", MACHINE), "input": "{}"}
        item = next(item for item in LISTED_CHILDREN if item["executionArn"] == arn)
        return 200, {**item, "mapRunArn": MAP_RUN, "input": "1"}

    def machine_for_execution(body: dict[str, Any]) -> Answer:
        if body["executionArn"] == PARENT:
            return 200, described
        child = {"stateMachineArn": MACHINE, "name": "orders", "definition": ITEM_PROCESSOR}
        return 200, {**child, "mapRunArn": MAP_RUN, "label": "Each", "roleArn": "r"}

    def history(body: dict[str, Any]) -> Answer:
        return 200, {"events": histories[body["executionArn"]]}

    stub.on("ListExecutions", list_executions)
    stub.on("DescribeExecution", describe_execution)
    stub.on("DescribeStateMachineForExecution", machine_for_execution)
    stub.on("GetExecutionHistory", history)
    stub.on("DescribeMapRun", lambda body: (200, DESCRIBED_RUN))
    if list_map_runs:
        listed_run = {
            "executionArn": PARENT,
            "mapRunArn": MAP_RUN,
            "stateMachineArn": CHILD_MACHINE,
            "startDate": T0 + 4,
            "stopDate": T0 + 5,
        }
        stub.on("ListMapRuns", lambda body: (200, {"mapRuns": [listed_run]}))


def sync(stub: StubAws, **options: Any) -> Any:
    source = SourceSettings(regions=(REGION,), endpoint_url=stub.url, max_attempts=2)
    return aws_sync(
        request=SyncRequest(workspace=team(), source=source, execution_page_size=2, **options)
    )


def test_children_are_pulled_page_by_page_and_linked_to_their_parent(stub: StubAws) -> None:
    script_map_run(stub)
    summary = sync(stub)
    assert summary.failures == []
    assert (summary.map_runs, summary.child_executions_listed) == (1, 3)
    assert summary.executions_added == 3  # the parent and the two Standard children
    child_pages = [body for action, body in stub.calls if body.get("mapRunArn") == MAP_RUN]
    listing = [body for body in child_pages if "maxResults" in body]
    assert [body.get("nextToken", "") for body in listing] == ["", "2"]
    assert all("stateMachineArn" not in body for body in listing)

    parent = Execution.objects.get(execution_arn=PARENT)
    [run] = parent.description["map_runs"]
    assert (run["mapRunArn"], run["status"], run["toleratedFailureCount"]) == (
        MAP_RUN,
        "FAILED",
        1,
    )
    assert run["itemCounts"]["failed"] == 2 and run["executionCounts"]["total"] == 3
    assert (run["children_stored"], run["children_express"], run["children_listable"]) == (
        2,
        1,
        True,
    )
    children = list(parent.map_children.order_by("name"))
    assert [child.execution_arn for child in children] == CHILDREN
    assert {child.map_run_arn for child in children} == {MAP_RUN}
    assert [child.status for child in children] == ["SUCCEEDED", "FAILED"]
    assert children[0].description["map_run_arn"] == MAP_RUN
    assert not Execution.objects.filter(execution_arn=EXPRESS_CHILD).exists()
    assert any("1 child executions are Express" in note for note in summary.notes)

    # A child's definition is the Map Run's state machine, not a version of the parent's.
    assert Definition.objects.get(name="orders").versions.count() == 1
    assert children[0].definition_version.definition.name == "orders/Each"
    projection = execution_projection(execution=children[1])
    assert projection.execution.status == "FAILED"
    assert parent.parent_execution is None


def test_resync_makes_no_map_run_calls_and_adds_nothing(stub: StubAws) -> None:
    script_map_run(stub)
    sync(stub)
    counts = (Execution.objects.count(), sum(e.event_count for e in Execution.objects.all()))
    stub.calls.clear()
    summary = sync(stub)
    assert (summary.executions_added, summary.events_added, summary.map_runs) == (0, 0, 0)
    assert "ListMapRuns" not in stub.actions() and "DescribeMapRun" not in stub.actions()
    assert (
        Execution.objects.count(),
        sum(e.event_count for e in Execution.objects.all()),
    ) == counts


def test_without_list_map_runs_the_history_names_the_map_runs(stub: StubAws) -> None:
    script_map_run(stub, list_map_runs=False)
    summary = sync(stub)
    assert any("no ListMapRuns" in note for note in summary.notes)
    assert Execution.objects.get(execution_arn=PARENT).map_children.count() == 2


def test_a_map_run_that_cannot_be_described_is_reported(stub: StubAws) -> None:
    script_map_run(stub)
    stub.on("DescribeMapRun", lambda body: error("ResourceNotFound", "no such map run"))
    summary = sync(stub)
    assert len(summary.failures) == 1 and MAP_RUN in summary.failures[0]
    parent = Execution.objects.get(execution_arn=PARENT)
    assert "map_runs" not in parent.description
    assert parent.map_children.count() == 0
