"""The sweeper re-queues steps nobody is going to run, and only those, once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.simulations import embedded, sweeping
from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start, simulation_step
from apps.simulations.sweeping import Requeued, simulations_sweep, sweeper_start_in_process
from apps.simulations.tasks import sweep_simulations
from config.celery import app as celery_app
from tests.apps.simulations.machines import CALLBACK, SHORT_WAIT, WAITING, fresh, version_of

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def start(definition, capture, *, pace: str) -> Simulation:
    with capture(execute=True):
        simulation = simulation_start(
            definition_version=version_of(definition), execution_input={"order": 7}, pace=pace
        )
    embedded.cancel_all()  # the process "restarted": its timers are gone
    return fresh(simulation)


def overdue(simulation: Simulation, by: timedelta = HOUR) -> Simulation:
    Simulation.objects.filter(pk=simulation.pk).update(due_at=timezone.now() - by)
    return fresh(simulation)


def test_a_lost_timer_is_requeued_once_due_and_the_run_finishes(
    django_capture_on_commit_callbacks,
):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    assert simulation.execution.status == "RUNNING" and simulation.due_at > timezone.now()
    assert simulations_sweep(grace=timedelta(0)) == []  # its Wait has an hour to go

    # The process is back more than an hour later: the Wait is over, its timer was lost.
    Simulation.objects.filter(pk=simulation.pk).update(
        clock_origin=simulation.clock_origin - 2 * HOUR, due_at=simulation.due_at - 2 * HOUR
    )
    with django_capture_on_commit_callbacks(execute=True):
        requeued = simulations_sweep(grace=timedelta(0))
    assert requeued == [Requeued(simulation.pk, simulation.version)]
    simulation = fresh(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    types = list(simulation.execution.events.order_by("event_id").values_list("type", flat=True))
    assert types.count("WaitStateExited") == 1 and types[-1] == "ExecutionSucceeded"
    assert simulations_sweep(grace=timedelta(0)) == []  # it has ended


def test_a_step_overdue_by_less_than_the_grace_is_left_to_its_message(
    django_capture_on_commit_callbacks,
):
    simulation = overdue(
        start(WAITING, django_capture_on_commit_callbacks, pace="real"), timedelta(seconds=10)
    )
    assert simulations_sweep(grace=timedelta(seconds=60)) == []
    assert simulations_sweep(grace=timedelta(seconds=5)) == [
        Requeued(simulation.pk, simulation.version)
    ]


def test_the_grace_comes_from_the_settings(django_capture_on_commit_callbacks):
    simulation = overdue(
        start(WAITING, django_capture_on_commit_callbacks, pace="real"), timedelta(seconds=10)
    )
    with override_settings(SIMULATION_SWEEP_GRACE_SECONDS=60):
        assert simulations_sweep() == []
    with override_settings(SIMULATION_SWEEP_GRACE_SECONDS=5):
        assert [item.simulation_id for item in simulations_sweep()] == [simulation.pk]


def test_a_live_claim_a_parked_callback_a_simulator_failure_and_an_ended_run_are_left(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    claimed = overdue(start(WAITING, capture, pace="real"))
    Simulation.objects.filter(pk=claimed.pk).update(
        claim="another-worker", claimed_until=timezone.now() + timedelta(minutes=5)
    )
    parked = start(CALLBACK, capture, pace="instant")
    assert parked.execution.status == "RUNNING" and parked.due_at is None
    failed = overdue(start(WAITING, capture, pace="real"))
    Simulation.objects.filter(pk=failed.pk).update(problem="RuntimeError('boom')")
    ended = overdue(start(WAITING, capture, pace="instant"))
    assert ended.execution.status == "SUCCEEDED"

    assert simulations_sweep(grace=timedelta(0)) == []


def test_a_claim_left_by_a_dead_worker_is_requeued_when_its_lease_runs_out(
    django_capture_on_commit_callbacks,
):
    simulation = start(WAITING, django_capture_on_commit_callbacks, pace="real")
    # Killed mid-step: the events it saved left no next step queued (due_at empty), and its
    # claim stays until the lease runs out.
    Simulation.objects.filter(pk=simulation.pk).update(
        due_at=None, claim="dead-worker", claimed_until=timezone.now() + timedelta(seconds=30)
    )
    assert simulations_sweep(grace=timedelta(0)) == []
    Simulation.objects.filter(pk=simulation.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert simulations_sweep() == [Requeued(simulation.pk, simulation.version)]

    outcome = simulation_step(simulation_id=simulation.pk, version=simulation.version)
    assert outcome.steps == 1 and outcome.reason == ""  # the step claims the lapsed claim
    after = fresh(simulation)
    assert after.version == simulation.version + 1 and after.claim == ""


def test_a_second_sweep_queues_nothing_again(django_capture_on_commit_callbacks):
    simulation = overdue(start(WAITING, django_capture_on_commit_callbacks, pace="real"))
    before = timezone.now()
    assert simulations_sweep(grace=timedelta(seconds=5)) == [
        Requeued(simulation.pk, simulation.version)
    ]
    assert fresh(simulation).due_at >= before  # re-queued for now
    assert simulations_sweep(grace=timedelta(seconds=5)) == []


def test_a_requeued_step_for_a_version_stepped_meanwhile_does_nothing(
    django_capture_on_commit_callbacks,
):
    simulation = overdue(start(WAITING, django_capture_on_commit_callbacks, pace="real"))
    [requeued] = simulations_sweep(grace=timedelta(0))
    first = simulation_step(simulation_id=simulation.pk, version=requeued.version)
    assert first.steps == 1
    again = simulation_step(simulation_id=simulation.pk, version=requeued.version)
    assert again.steps == 0 and "duplicate" in again.reason


def test_the_beat_task_sweeps(django_capture_on_commit_callbacks):
    simulation = start(SHORT_WAIT, django_capture_on_commit_callbacks, pace="10")
    Simulation.objects.filter(pk=simulation.pk).update(
        clock_origin=simulation.clock_origin - HOUR, due_at=timezone.now() - HOUR
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_simulations.delay()
    assert fresh(simulation).execution.status == "SUCCEEDED"


def test_the_beat_schedule_runs_the_sweep_task():
    entry = celery_app.conf.beat_schedule["simulations-sweep"]
    assert entry["task"] == sweep_simulations.name == "simulations.sweep"
    assert entry["schedule"] > 0


def test_the_in_process_sweeper_sweeps_at_once_with_no_grace_then_repeats(monkeypatch):
    calls: list[timedelta | None] = []
    called = threading.Event()

    def record(*, grace: timedelta | None = None) -> list[Requeued]:
        calls.append(grace)
        if len(calls) >= 2:
            called.set()
        return []

    monkeypatch.setattr(sweeping, "simulations_sweep", record)
    with override_settings(SIMULATION_SWEEP_IN_PROCESS=False):
        assert sweeper_start_in_process() is None
    with override_settings(SIMULATION_SWEEP_IN_PROCESS=True, SIMULATION_SWEEP_SECONDS=1):
        repeating = sweeper_start_in_process()
        assert repeating is not None
        try:
            assert called.wait(timeout=30)
        finally:
            repeating.stop(timeout=30)
    assert not repeating.thread.is_alive()
    assert calls[:2] == [timedelta(0), None]
    assert embedded.pending_calls() == []  # not a pending timer: wait_idle does not wait for it


def test_the_in_process_sweeper_is_off_with_celery_workers(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
    with override_settings(SIMULATION_SWEEP_IN_PROCESS=True):
        assert sweeper_start_in_process() is None


def test_a_failing_repeated_call_is_logged_and_repeated(caplog):
    runs = threading.Semaphore(0)

    def broken() -> None:
        runs.release()
        raise RuntimeError("boom")

    repeating = embedded.every(0.01, broken, name="broken")
    try:
        assert runs.acquire(timeout=30) and runs.acquire(timeout=30)
    finally:
        repeating.stop(timeout=30)
    assert "repeating broken failed" in caplog.text
