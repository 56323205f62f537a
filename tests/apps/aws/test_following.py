"""Following running executions: an execution pulled from moto while it waits is polled until it
ends, and its new events are saved and published to its channel group."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse
from django.utils import timezone

from apps.aws.clients import SourceSettings
from apps.aws.follow_models import FollowedExecution
from apps.aws.following import (
    FollowError,
    execution_follow,
    execution_unfollow,
    follows_poll,
    new_events,
)
from apps.aws.services import SyncRequest, aws_source_save, aws_sync, source_settings
from apps.aws.tasks import follow_executions
from apps.executions.models import Execution
from apps.live.groups import execution_group
from tests.apps.aws.moto_server import REGION, ROLE, MotoServer
from tests.apps.aws.scripted import EXECUTION, script_account
from tests.apps.aws.sources import connection_passed
from tests.apps.aws.stub import StubAws, error
from tests.workspaces import team

pytestmark = pytest.mark.django_db

WAIT_SECONDS = 4  # long enough to be pulled while it waits, even on a busy machine
SLOW = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"prepared": True}, "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "Finish"},
        "Finish": {"Type": "Pass", "End": True},
    },
}


def pull_running(moto: MotoServer, *, stored_source: bool = True) -> tuple[Execution, str]:
    """Start a slow execution on moto and pull it while it waits (from a stored source, or as
    `aws_sync --endpoint-url URL` does with none)."""
    source = None
    if stored_source:  # saved and tested first: the execution waits only WAIT_SECONDS
        source = connection_passed(
            aws_source_save(workspace=team(), name="moto", regions=[REGION], endpoint_url=moto.url)
        )
    client = moto.client()
    machine = client.create_state_machine(name="slow", definition=json.dumps(SLOW), roleArn=ROLE)
    arn = client.start_execution(
        stateMachineArn=machine["stateMachineArn"], name="slow-1", input='{"order": 7}'
    )["executionArn"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # until moto's interpreter has reached the Wait
        events = client.get_execution_history(executionArn=arn)["events"]
        if events[-1]["type"] == "WaitStateEntered":
            break
        time.sleep(0.02)
    if source is not None:
        request = SyncRequest(
            workspace=team(), source=source_settings(source=source), aws_source=source
        )
    else:
        request = SyncRequest(
            workspace=team(), source=SourceSettings(regions=(REGION,), endpoint_url=moto.url)
        )
    summary = aws_sync(request=request)
    assert summary.failures == []
    execution = Execution.objects.get(execution_arn=arn)
    assert (execution.source, execution.status) == ("aws", "RUNNING")
    return execution, arn


def listen(execution_id: int) -> Any:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(execution_group(execution_id), channel)
    return layer, channel


def received(layer: Any, channel: str) -> list[dict[str, Any]]:
    """Every message waiting on the channel."""

    async def drain() -> list[dict[str, Any]]:
        messages = []
        while True:
            try:
                messages.append(await asyncio.wait_for(layer.receive(channel), 0.2))
            except TimeoutError:
                return messages

    return async_to_sync(drain)()


@pytest.mark.parametrize("stored_source", [True, False], ids=["from-a-source", "sourceless"])
def test_a_followed_execution_is_polled_until_it_ends_and_its_events_are_published(
    moto, settings, django_capture_on_commit_callbacks, stored_source
):
    settings.AWS_FOLLOW_SECONDS = 1
    settings.AWS_FOLLOW_MAX_SECONDS = 1
    execution, arn = pull_running(moto, stored_source=stored_source)
    before = execution.event_count
    assert execution.events.last().type == "WaitStateEntered"
    layer, channel = listen(execution.pk)
    execution_follow(execution=execution, pinned=True)

    deadline = time.monotonic() + 15
    while FollowedExecution.objects.exists() and time.monotonic() < deadline:
        with django_capture_on_commit_callbacks(execute=True):
            follow_executions()  # the beat task
        time.sleep(0.25)
    assert not FollowedExecution.objects.exists(), "still followed after 15 s"

    execution.refresh_from_db()
    history = moto.client().get_execution_history(executionArn=arn)["events"]
    assert execution.status == "SUCCEEDED"
    assert execution.event_count == len(history) == execution.events.count() > before
    assert list(execution.events.values_list("event_id", flat=True)) == [e["id"] for e in history]

    messages = received(layer, channel)
    published = [event["id"] for message in messages for event in message["events"]]
    assert published == list(range(before + 1, len(history) + 1))  # each new event once
    assert messages[-1]["status"] == "SUCCEEDED"
    assert messages[-1]["event_count"] == len(history)
    assert messages[-1]["events"][-1]["type"] == "ExecutionSucceeded"


def test_nothing_new_backs_off_and_new_events_reset_the_interval(moto, settings):
    settings.AWS_FOLLOW_SECONDS = 1
    settings.AWS_FOLLOW_MAX_SECONDS = 4
    execution, _ = pull_running(moto)
    execution_follow(execution=execution, pinned=True)
    later = timezone.now() + timedelta(hours=1)  # every follow is due
    [outcome] = follows_poll(now=later)
    assert (outcome.added, outcome.status) == (0, "RUNNING")
    follow = FollowedExecution.objects.get()
    assert (follow.interval, follow.polls, follow.error) == (2.0, 1, "")
    follows_poll(now=later + timedelta(hours=1))
    follows_poll(now=later + timedelta(hours=2))
    assert FollowedExecution.objects.get().interval == 4.0  # capped at the maximum


def test_opening_the_page_of_a_running_aws_execution_follows_it_for_a_while(moto, signed_in):
    execution, _ = pull_running(moto)
    assert signed_in.get(reverse("executions:detail", args=[execution.pk])).status_code == 200
    follow = FollowedExecution.objects.get(execution=execution)
    assert not follow.pinned and follow.followed_until > timezone.now()
    # once nobody has had it open for the while, it is no longer polled
    assert follows_poll(now=follow.followed_until + timedelta(seconds=1)) == []
    assert not FollowedExecution.objects.exists()


def test_only_running_aws_executions_are_followed(moto, signed_in):
    execution, _ = pull_running(moto)
    Execution.objects.filter(pk=execution.pk).update(source="import")
    execution.refresh_from_db()
    with pytest.raises(FollowError, match="not a running execution pulled from AWS"):
        execution_follow(execution=execution)
    signed_in.get(reverse("executions:detail", args=[execution.pk]))
    assert not FollowedExecution.objects.exists()
    assert execution_unfollow(execution=execution) is False


def test_an_aws_error_is_kept_and_backed_off(stub: StubAws, settings):
    settings.AWS_FOLLOW_SECONDS = 1
    script_account(stub)
    running = {"executionArn": EXECUTION, "status": "RUNNING", "startDate": 1_717_000_001.0}
    stub.on("ListExecutions", lambda body: (200, {"executions": [running]}))
    first_two = {"events": [event for event in _scripted_events()[:2]]}
    stub.on("GetExecutionHistory", lambda body: (200, first_two))
    stub.on("DescribeExecution", lambda body: (200, {**running, "name": "pay-7", "input": "{}"}))
    source = aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
    connection_passed(source)
    aws_sync(
        request=SyncRequest(
            workspace=team(), source=source_settings(source=source), aws_source=source
        )
    )
    execution = Execution.objects.get(execution_arn=EXECUTION)
    assert execution.status == "RUNNING"
    execution_follow(execution=execution, pinned=True)
    denied = error("AccessDeniedException", "not allowed to describe executions")
    stub.on("DescribeExecution", lambda body: denied)
    [outcome] = follows_poll(now=timezone.now() + timedelta(hours=1))
    assert "states:DescribeExecution" in outcome.error
    follow = FollowedExecution.objects.get()
    assert "states:DescribeExecution" in follow.error and follow.interval == 2.0


def _running_from_stub(stub: StubAws, *, stored_source: bool) -> Execution:
    script_account(stub)
    running = {"executionArn": EXECUTION, "status": "RUNNING", "startDate": 1_717_000_001.0}
    stub.on("ListExecutions", lambda body: (200, {"executions": [running]}))
    first_two = {"events": [event for event in _scripted_events()[:2]]}
    stub.on("GetExecutionHistory", lambda body: (200, first_two))
    stub.on("DescribeExecution", lambda body: (200, {**running, "name": "pay-7", "input": "{}"}))
    if stored_source:
        source = connection_passed(
            aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
        )
        request = SyncRequest(
            workspace=team(), source=source_settings(source=source), aws_source=source
        )
    else:  # as `aws_sync --endpoint-url` pulls it
        request = SyncRequest(
            workspace=team(), source=SourceSettings(regions=(REGION,), endpoint_url=stub.url)
        )
    aws_sync(request=request)
    return Execution.objects.get(execution_arn=EXECUTION)


@pytest.mark.parametrize("stored_source", [True, False], ids=["from-a-source", "sourceless"])
def test_polls_obey_the_webs_endpoint_rules(stub: StubAws, settings, stored_source):
    """Polls run for web users: every endpoint is checked before each request, even the one a
    command-line pull used; the operator allows a local one with STEPSCOPE_AWS_ENDPOINT_ALLOW."""
    execution = _running_from_stub(stub, stored_source=stored_source)
    execution_follow(execution=execution, pinned=True)
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []
    calls = len(stub.calls)
    [outcome] = follows_poll(now=timezone.now() + timedelta(hours=1))
    assert outcome.error.startswith("Refused to send a request: the endpoint host 127.0.0.1 is")
    assert "STEPSCOPE_AWS_ENDPOINT_ALLOW=127.0.0.1:" in FollowedExecution.objects.get().error
    assert len(stub.calls) == calls


def test_a_source_changed_since_its_test_is_not_polled(stub: StubAws):
    execution = _running_from_stub(stub, stored_source=True)
    execution_follow(execution=execution, pinned=True)
    aws_source_save(
        workspace=team(), name="stub", regions=[REGION, "eu-west-1"], endpoint_url=stub.url
    )
    calls = len(stub.calls)
    [outcome] = follows_poll(now=timezone.now() + timedelta(hours=1))
    assert outcome.error.startswith("Test the connection first: the endpoint/profile/role")
    assert len(stub.calls) == calls


def test_new_events_reads_newest_first_until_a_known_event(stub: StubAws):
    """Against real AWS (reverseOrder honoured), a poll stops at the first page that reaches an
    event already stored instead of reading the whole history again."""
    events = [{"id": number, "type": "PassStateEntered"} for number in range(1, 8)]

    def newest_first(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        assert body["reverseOrder"] is True
        start = int(body.get("nextToken") or 0)
        page: dict[str, Any] = {"events": list(reversed(events))[start : start + 2]}
        if start + 2 < len(events):
            page["nextToken"] = str(start + 2)
        return 200, page

    stub.on("GetExecutionHistory", newest_first)
    import boto3

    client = boto3.client("stepfunctions", region_name=REGION, endpoint_url=stub.url)
    found = new_events(client, EXECUTION, after=4)
    assert [event["id"] for event in found] == [5, 6, 7]
    assert stub.actions() == ["GetExecutionHistory", "GetExecutionHistory"]


def _scripted_events() -> list[dict[str, Any]]:
    from tests.apps.aws.scripted import EVENTS

    return EVENTS


@pytest.mark.django_db(transaction=True)
def test_the_embedded_mode_polls_on_a_thread_of_the_server_process(settings, steps_in_process):
    from apps.aws import following

    settings.SIMULATION_SWEEP_IN_PROCESS = False
    assert following.follower_start_in_process() is None  # only when serve.sh asks for it
    settings.SIMULATION_SWEEP_IN_PROCESS = True
    follower = following.follower_start_in_process()
    try:
        assert follower is not None and follower.thread.is_alive()
        assert following.follower_start_in_process() is follower  # started once
    finally:
        assert follower is not None
        follower.stop(timeout=5)
        following._started = None


@pytest.mark.django_db(transaction=True)
def test_a_followed_execution_streams_to_a_websocket_client(moto, settings, user):
    from asgiref.sync import sync_to_async

    from tests.apps.live.test_consumers import (
        communicator,
        cookie_for,
        run,
        until_caught_up,
    )

    settings.AWS_FOLLOW_SECONDS = 1
    settings.AWS_FOLLOW_MAX_SECONDS = 1
    settings.STEPSCOPE_LIVE_POLL_SECONDS = 0  # only the published messages reach the client
    execution, arn = pull_running(moto)
    before = execution.event_count
    execution_follow(execution=execution, pinned=True)
    cookie = cookie_for(user)

    def follow_until_it_ends() -> None:
        deadline = time.monotonic() + 15
        while FollowedExecution.objects.exists() and time.monotonic() < deadline:
            follow_executions()
            time.sleep(0.25)

    async def scenario() -> None:
        ws = communicator(f"/ws/executions/{execution.pk}/?after={before}", cookie)
        connected, _ = await ws.connect()
        assert connected
        replayed, caught_up = await until_caught_up(ws)
        assert replayed == [] and caught_up["last_event_id"] == before
        await sync_to_async(follow_until_it_ends)()
        streamed: list[dict[str, Any]] = []
        while not streamed or streamed[-1]["type"] != "ExecutionSucceeded":
            message = await ws.receive_json_from(timeout=5)
            assert message["type"] == "events"
            streamed.extend(message["events"])
        history = moto.client().get_execution_history(executionArn=arn)["events"]
        assert [event["id"] for event in streamed] == list(range(before + 1, len(history) + 1))
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()

    run(scenario)
