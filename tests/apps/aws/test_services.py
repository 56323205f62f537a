"""Syncing from moto in server mode: real HTTP, moto's interpreter running the executions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.aws.clients import SourceSettings
from apps.aws.models import AwsPull, AwsPullPage
from apps.aws.reports import SyncProgress
from apps.aws.services import AwsSetupError, SyncRequest, aws_source_save, aws_sync
from apps.definitions.models import DefinitionVersion
from apps.executions.models import Execution, HistoryEvent
from apps.executions.selectors import execution_projection
from tests.apps.aws.moto_server import REGION, MotoServer
from tests.workspaces import team

pytestmark = pytest.mark.django_db

ORDERS = [{"ok": True, "order": 1}, {"ok": False, "order": 2}, {"ok": True, "order": 3}]


def sync(moto: MotoServer, **options: object) -> tuple[object, list[SyncProgress]]:
    seen: list[SyncProgress] = []
    source = SourceSettings(regions=(REGION,), endpoint_url=moto.url)
    request = SyncRequest(workspace=team(), source=source, **options)  # type: ignore[arg-type]
    return aws_sync(request=request, progress=seen.append), seen


def test_sync_brings_executions_with_histories_and_the_failed_state(moto):
    machine = moto.machine()
    arns = moto.run(machine, ORDERS)
    summary, progress = sync(moto)
    assert summary.failures == []
    assert (summary.state_machines, summary.executions_added) == (1, 3)
    assert summary.definitions_added == 1
    failed = Execution.objects.get(execution_arn=arns[1])
    assert (failed.source, failed.status, failed.name) == ("aws", "FAILED", "run-1")
    assert failed.state_machine_name == "orders"
    assert failed.definition_version is not None and not failed.reconstructed
    assert failed.definition_version.definition.name == "orders"
    projection = execution_projection(execution=failed)
    run = projection.run(projection.failed_run_key)
    assert (run.name, run.error) == ("Reject", "OrderRejected")
    assert '"order":2' in (run.input or "")
    history = moto.client().get_execution_history(executionArn=arns[1])["events"]
    assert failed.event_count == len(history) == failed.events.count()
    assert summary.events_added == HistoryEvent.objects.count()
    assert {execution.source for execution in Execution.objects.all()} == {"aws"}
    assert any(item.stage == "execution" and item.total == 3 for item in progress)
    assert AwsPull.objects.filter(status="complete").count() == 3
    assert AwsPullPage.objects.count() == 0  # the saved pages go once imported


def test_resync_adds_nothing_twice(moto):
    machine = moto.machine()
    moto.run(machine, ORDERS)
    sync(moto)
    counts = (
        Execution.objects.count(),
        HistoryEvent.objects.count(),
        DefinitionVersion.objects.count(),
    )
    summary, _ = sync(moto)
    assert (summary.executions_added, summary.events_added, summary.definitions_added) == (0, 0, 0)
    assert summary.executions_unchanged == 3
    after = (
        Execution.objects.count(),
        HistoryEvent.objects.count(),
        DefinitionVersion.objects.count(),
    )
    assert after == counts


def test_paging_past_one_listing_page_with_a_status_filter(moto):
    machine = moto.machine()
    moto.run(machine, [{"ok": number % 3 != 0} for number in range(7)])  # run-0, 3, 6 fail
    summary, _ = sync(moto, status="FAILED", execution_page_size=2)
    assert (summary.executions_listed, summary.executions_added) == (3, 3)
    assert sorted(Execution.objects.values_list("name", flat=True)) == ["run-0", "run-3", "run-6"]
    summary, _ = sync(moto, execution_page_size=2)  # four pages; the failed three are kept
    assert (summary.executions_listed, summary.executions_added) == (7, 4)
    assert summary.executions_unchanged == 3


def test_since_window_and_one_state_machine(moto):
    moto.run(moto.machine("orders"), ORDERS[:1])
    other = moto.machine("refunds")
    moto.run(other, ORDERS[1:2])
    summary, _ = sync(moto, since=datetime.now(UTC) + timedelta(minutes=5))
    assert (summary.executions_listed, Execution.objects.count()) == (0, 0)
    summary, _ = sync(moto, state_machine=other, since=datetime.now(UTC) - timedelta(hours=1))
    assert summary.state_machines == 1
    assert list(Execution.objects.values_list("state_machine_name", flat=True)) == ["refunds"]
    summary, _ = sync(moto, state_machine="ghost")
    assert summary.failures == [f"no state machine named or with the ARN 'ghost' in {REGION}"]


def test_a_changed_definition_becomes_a_new_version_only_when_it_differs(moto):
    machine = moto.machine()
    moto.run(machine, ORDERS[:1])
    sync(moto)
    changed = {**moto_definition(), "Comment": "second edition"}
    moto.client().update_state_machine(stateMachineArn=machine, definition=json_text(changed))
    summary, _ = sync(moto)
    assert summary.definitions_added == 1
    assert DefinitionVersion.objects.filter(definition__name="orders").count() == 2
    summary, _ = sync(moto)
    assert summary.definitions_added == 0


def test_settings_that_cannot_work_are_refused(moto):
    with pytest.raises(AwsSetupError, match="not a region name"):
        aws_source_save(workspace=team(), name="prod", regions=["us east 1"])
    with pytest.raises(AwsSetupError, match="not an http"):
        aws_source_save(
            workspace=team(), name="prod", regions=[REGION], endpoint_url="localhost:5000"
        )
    with pytest.raises(AwsSetupError, match="not a role ARN"):
        aws_source_save(workspace=team(), name="prod", regions=[REGION], role_arn="admin")
    with pytest.raises(AwsSetupError, match="not a status"):
        sync(moto, status="BROKEN")
    source = aws_source_save(
        workspace=team(), name=" prod ", regions=[REGION, REGION], endpoint_url=moto.url
    )
    assert (source.name, source.regions) == ("prod", [REGION])


def moto_definition() -> dict[str, object]:
    from tests.apps.aws.moto_server import ORDERS as definition

    return dict(definition)


def json_text(value: object) -> str:
    import json

    return json.dumps(value)


def test_published_versions_become_definition_versions_oldest_first(stub):
    from tests.apps.aws.scripted import DEFINITION, MACHINE, script_account

    script_account(stub)
    texts = {f"{MACHINE}:1": DEFINITION.replace("Prepare", "Ready"), f"{MACHINE}:2": DEFINITION}
    listed = [{"stateMachineVersionArn": arn, "creationDate": 1.0} for arn in reversed(texts)]
    stub.on("ListStateMachineVersions", lambda body: (200, {"stateMachineVersions": listed}))
    aliases = [{"stateMachineAliasArn": f"{MACHINE}:live", "creationDate": 1.0}]
    stub.on("ListStateMachineAliases", lambda body: (200, {"stateMachineAliases": aliases}))

    def describe(body: dict[str, object]) -> tuple[int, dict[str, object]]:
        arn = str(body["stateMachineArn"])
        return 200, {
            "stateMachineArn": arn,
            "name": "payments",
            "definition": texts.get(arn, DEFINITION),
        }

    stub.on("DescribeStateMachine", describe)
    source = SourceSettings(regions=(REGION,), endpoint_url=stub.url)
    summary = aws_sync(request=SyncRequest(workspace=team(), source=source))
    assert (summary.versions, summary.aliases, summary.definitions_added) == (2, 1, 2)
    versions = DefinitionVersion.objects.filter(definition__name="payments").order_by("number")
    assert ["Ready" in version.text for version in versions] == [True, False]
    execution = Execution.objects.get()
    assert execution.definition_version == versions.last()  # the text it ran: version 2
