from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from apps.live.groups import execution_group
from apps.simulations import embedded
from apps.simulations.models import Simulation
from apps.simulations.services import (
    SimulationCallbackError,
    SimulationError,
    SimulationNotFound,
    simulation_send_task_failure,
    simulation_send_task_heartbeat,
    simulation_send_task_success,
    simulation_start,
    simulation_step,
    simulation_stop,
)
from stepscope.engine import run_to_completion
from stepscope.engine.callbacks import waiting_task
from stepscope.engine.clock import parse_iso
from tests.apps.simulations.machines import (
    BROKEN,
    CALLBACK,
    LAMBDA,
    TIMED,
    WAIT_SECONDS,
    WAITING,
    fresh,
    stored_events,
    version_of,
)

pytestmark = pytest.mark.django_db


def start(definition, capture, *, pace="instant", value=None, **options) -> Simulation:
    with capture(execute=True):
        simulation = simulation_start(
            definition_version=version_of(definition),
            execution_input={"order": 7} if value is None else value,
            pace=pace,
            **options,
        )
    return fresh(simulation)


def answer(capture, function, **options) -> Simulation:
    with capture(execute=True):
        simulation = function(**options)
    return fresh(simulation)


def test_instant_run_stores_the_engines_events_and_publishes_them(
    django_capture_on_commit_callbacks,
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(
            definition_version=version_of(WAITING), execution_input={"order": 7}, name="run 1"
        )
        async_to_sync(layer.group_add)(execution_group(simulation.execution_id), channel)
    simulation = fresh(simulation)
    execution = simulation.execution
    assert execution.status == "SUCCEEDED" and execution.source == "simulation"
    assert execution.name == "run1" and simulation.snapshot["status"] == "SUCCEEDED"

    identity = simulation.snapshot["execution"]
    context = {
        "stateMachineName": "machine",
        "executionName": "run1",
        "roleArn": identity["Execution"]["RoleArn"],
        "startTime": identity["Execution"]["StartTime"],
    }
    expected = run_to_completion(WAITING, {"order": 7}, context=context)
    assert stored_events(simulation) == expected.events
    assert execution.event_count == len(expected.events) == execution.events.count()
    # The Wait of an hour passed on the virtual clock.
    assert execution.stopped_at - execution.started_at >= timedelta(seconds=WAIT_SECONDS)
    assert simulation.claim == "" and simulation.due_at is None

    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "execution.events"
    assert message["execution_id"] == execution.pk and message["status"] == "SUCCEEDED"
    assert message["events"] == expected.events
    assert message["last_event_id"] == expected.events[-1]["id"]


def test_real_pace_wait_is_queued_with_its_countdown(django_capture_on_commit_callbacks):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    types = [event["type"] for event in stored_events(simulation)]
    assert types[-1] == "WaitStateEntered" and simulation.execution.status == "RUNNING"
    started = simulation.execution.started_at
    assert simulation.wake_at >= started + timedelta(seconds=WAIT_SECONDS)
    [pending] = embedded.pending_calls()
    assert pending.args == (simulation.pk, simulation.version)
    assert WAIT_SECONDS - 60 < pending.countdown <= WAIT_SECONDS + 1
    assert simulation.due_at > timezone.now() + timedelta(seconds=WAIT_SECONDS - 60)


def test_scaled_pace_divides_the_countdown(django_capture_on_commit_callbacks):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="60x")
    assert simulation.pace == "60"
    [pending] = embedded.pending_calls()
    assert 0 < pending.countdown <= WAIT_SECONDS / 60 + 1


def test_a_parked_callback_waits_then_success_finishes_it(django_capture_on_commit_callbacks):
    simulation = start(CALLBACK, django_capture_on_commit_callbacks)
    assert simulation.execution.status == "RUNNING"
    assert embedded.pending_calls() == []  # no deadline: nothing is queued
    waiting = waiting_task(simulation.snapshot)
    assert waiting is not None and waiting["state"] == "Approve"
    before = simulation.execution.event_count

    simulation = answer(
        django_capture_on_commit_callbacks,
        simulation_send_task_success,
        simulation_id=simulation.pk,
        token=waiting["token"],
        output='{"approved": true}',
    )
    events = stored_events(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert len(events) > before
    succeeded = events[-1]["executionSucceededEventDetails"]
    assert json.loads(succeeded["output"]) == {"approved": True}
    assert waiting_task(simulation.snapshot) is None


def test_failure_and_heartbeat(django_capture_on_commit_callbacks):
    simulation = start(CALLBACK, django_capture_on_commit_callbacks)
    token = waiting_task(simulation.snapshot)["token"]
    simulation = answer(
        django_capture_on_commit_callbacks,
        simulation_send_task_heartbeat,
        simulation_id=simulation.pk,
        token=token,
    )
    assert simulation.execution.status == "RUNNING"
    simulation = answer(
        django_capture_on_commit_callbacks,
        simulation_send_task_failure,
        simulation_id=simulation.pk,
        token=token,
        error="Rejected",
        cause="the approver said no",
    )
    execution = simulation.execution
    assert execution.status == "FAILED" and execution.error == "Rejected"
    assert execution.failed_state == "Approve"


def test_a_duplicate_or_stale_delivery_adds_nothing(django_capture_on_commit_callbacks):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    count = simulation.execution.events.count()
    version = simulation.version
    with django_capture_on_commit_callbacks(execute=True):
        first = simulation_step(simulation_id=simulation.pk, version=version)
        second = simulation_step(simulation_id=simulation.pk, version=version)
    # The first delivery found the Wait not yet due (no events); the second was stale.
    assert first.steps == 1 and first.events_added == 0
    assert second.steps == 0 and "duplicate" in second.reason
    assert fresh(simulation).execution.events.count() == count
    assert fresh(simulation).version == version + 1


def test_a_claimed_simulation_is_left_to_its_worker(django_capture_on_commit_callbacks):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    embedded.cancel_all()
    until = timezone.now() + timedelta(minutes=5)
    Simulation.objects.filter(pk=simulation.pk).update(claim="other", claimed_until=until)
    outcome = simulation_step(simulation_id=simulation.pk, version=simulation.version)
    assert outcome.steps == 0 and "another worker" in outcome.reason
    assert outcome.countdown is not None and 0 < outcome.countdown <= 1
    [retry] = embedded.pending_calls()
    assert retry.args == (simulation.pk, simulation.version)
    assert fresh(simulation).execution.events.count() == simulation.execution.event_count


def test_stop_aborts_and_the_pending_step_then_does_nothing(django_capture_on_commit_callbacks):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    [pending] = embedded.pending_calls()
    simulation = answer(
        django_capture_on_commit_callbacks,
        simulation_stop,
        simulation_id=simulation.pk,
        error="Manual",
        cause="stopped from the page",
    )
    execution = simulation.execution
    assert execution.status == "ABORTED" and execution.stopped_at is not None
    aborted = stored_events(simulation)[-1]
    assert aborted["type"] == "ExecutionAborted"
    assert aborted["executionAbortedEventDetails"] == {
        "error": "Manual",
        "cause": "stopped from the page",
    }
    count = execution.events.count()
    outcome = simulation_step(simulation_id=pending.args[0], version=pending.args[1])
    assert outcome.steps == 0 and fresh(simulation).execution.events.count() == count
    with pytest.raises(SimulationCallbackError) as refused:
        simulation_stop(simulation_id=simulation.pk)
    assert refused.value.code == "ExecutionNotRunning"


def test_bad_callbacks_are_refused_clearly_and_change_nothing(django_capture_on_commit_callbacks):
    simulation = start(CALLBACK, django_capture_on_commit_callbacks)
    token = waiting_task(simulation.snapshot)["token"]
    with pytest.raises(SimulationCallbackError, match="TaskDoesNotExist") as unknown:
        simulation_send_task_success(simulation_id=simulation.pk, token="nope", output="{}")
    assert unknown.value.code == "TaskDoesNotExist"
    with pytest.raises(SimulationCallbackError, match="not JSON") as bad:
        simulation_send_task_success(simulation_id=simulation.pk, token=token, output="{oops")
    assert bad.value.code == "InvalidOutput"
    with pytest.raises(SimulationCallbackError, match="longer than 256"):
        simulation_send_task_failure(simulation_id=simulation.pk, token=token, error="E" * 300)
    with pytest.raises(SimulationNotFound):
        simulation_send_task_success(simulation_id=simulation.pk + 100, token=token, output="1")
    after = fresh(simulation)
    assert after.version == simulation.version and after.snapshot == simulation.snapshot
    assert after.execution.events.count() == simulation.execution.event_count


def test_local_lambda_handlers_from_a_folder(django_capture_on_commit_callbacks, tmp_path):
    (tmp_path / "greet").mkdir()
    (tmp_path / "greet" / "handler.py").write_text(
        "def handler(event, context):\n    return {'hello': event['order']}\n"
    )
    simulation = start(LAMBDA, django_capture_on_commit_callbacks, lambdas_dir=str(tmp_path))
    assert simulation.execution.status == "SUCCEEDED"
    output = stored_events(simulation)[-1]["executionSucceededEventDetails"]["output"]
    assert json.loads(output) == {"hello": 7}


@pytest.mark.parametrize(
    ("definition", "options", "message"),
    [
        (BROKEN, {}, "is not a valid definition"),
        (WAITING, {"pace": "fast"}, "give instant, real, or a scale"),
        (WAITING, {"pace": "-2"}, "above 0"),
        (WAITING, {"lambdas_dir": "/no/such/folder"}, "does not exist"),
        (WAITING, {"test_case": "HappyPath"}, "go together"),
        (WAITING, {"mock_config": {"StateMachines": {}}, "test_case": "X"}, "mock configuration"),
        (WAITING, {"execution_input": {"n": float("nan")}}, "not JSON"),
        (WAITING, {"execution_input": "x" * 300_000}, "256 KiB"),
        (
            WAITING,
            {"durations": {"Call": {"0": "slow"}}},
            r'task durations: /Call/0: must be a number of seconds \(0 or more\), not "slow"',
        ),
        (WAITING, {"durations": ["Call"]}, "task durations: /: durations must be a JSON object"),
        (WAITING, {"durations": {"Call": float("inf")}}, "task durations are not JSON"),
    ],
)
def test_bad_starts_are_refused_clearly(definition, options, message):
    arguments = {"execution_input": {}, **options}
    with pytest.raises(SimulationError, match=message):
        simulation_start(definition_version=version_of(definition), **arguments)
    assert not Simulation.objects.exists()


@pytest.fixture
def greet_dir(tmp_path):
    (tmp_path / "greet").mkdir()
    (tmp_path / "greet" / "handler.py").write_text(
        "def handler(event, context):\n    return {'hello': event['order']}\n"
    )
    return str(tmp_path)


def _moments(simulation: Simulation, *types: str) -> list[datetime]:
    events = stored_events(simulation)
    return [parse_iso(event["timestamp"]) for event in events if event["type"] in types]


def test_task_durations_take_their_time_on_the_virtual_clock(
    django_capture_on_commit_callbacks, greet_dir
):
    simulation = start(
        TIMED, django_capture_on_commit_callbacks, lambdas_dir=greet_dir, durations={"Greet": 0.5}
    )
    assert simulation.durations == {"Greet": 0.5}
    assert simulation.execution.status == "SUCCEEDED"
    started, succeeded = _moments(simulation, "TaskStarted", "TaskSucceeded")
    assert succeeded - started >= timedelta(seconds=0.5)
    assert succeeded - started < timedelta(seconds=1)


def test_a_task_longer_than_its_timeout_times_out(django_capture_on_commit_callbacks, greet_dir):
    simulation = start(
        TIMED,
        django_capture_on_commit_callbacks,
        lambdas_dir=greet_dir,
        durations={"Greet": {"0": 5}},
    )
    execution = simulation.execution
    assert execution.status == "FAILED" and execution.error == "States.Timeout"
    events = stored_events(simulation)
    [timed_out] = [event for event in events if event["type"] == "TaskTimedOut"]
    assert timed_out["taskTimedOutEventDetails"]["error"] == "States.Timeout"
    assert events[-1]["type"] == "ExecutionFailed"
    assert events[-1]["executionFailedEventDetails"]["error"] == "States.Timeout"
    started, ended = _moments(simulation, "TaskStarted", "TaskTimedOut")
    assert timedelta(seconds=1) <= ended - started < timedelta(seconds=2)
