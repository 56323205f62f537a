"""The sweeper: re-queue the steps nobody is going to run.

A running simulation's next step is queued for `due_at` (a broker countdown, or an embedded timer
thread). That message can be lost: the embedded process restarted with its timers, a worker was
killed while it held the countdown message, a broker lost it; or a worker was killed mid-step,
holding the claim (its `due_at` is then empty: a step in progress saves each event with no next
step queued yet). The sweep finds running simulations whose step is overdue by more than the
grace, or whose claim ran out unreleased, that no live claim holds, and queues their step again
for the version they are at.

Idempotent: the step task does nothing for a version that is no longer current or a simulation
another worker has claimed, and each re-queue first moves `due_at` to now with a compare-and-set
on (version, due_at), so overlapping sweeps queue a simulation once and the next sweeps leave it
alone for the grace. A simulation whose step failed in the simulator (`problem`) is left as it is:
its step was not lost, and running it again would fail the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.simulations import embedded
from apps.simulations.models import Simulation
from apps.simulations.scheduling import step_queue
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500  # simulations re-queued per sweep at most; the next sweep takes the rest


@dataclass(frozen=True)
class Requeued:
    simulation_id: int
    version: int


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def sweep_grace() -> timedelta:
    return timedelta(seconds=settings.SIMULATION_SWEEP_GRACE_SECONDS)


def simulations_sweep(
    *, grace: timedelta | None = None, now: datetime | None = None, limit: int = SWEEP_BATCH
) -> list[Requeued]:
    """Queue again the step of every running simulation overdue by more than `grace` (default:
    SIMULATION_SWEEP_GRACE_SECONDS) or left claimed by a dead worker; returns what was queued."""
    now = timezone.now() if now is None else now
    grace = sweep_grace() if grace is None else grace
    overdue = Q(due_at__lte=now - grace)
    abandoned = Q(due_at__isnull=True, claimed_until__lte=now)  # a worker died mid-step
    candidates = (
        Simulation.objects.filter(execution__status="RUNNING", problem="")
        .filter(_unclaimed(now))
        .filter(overdue | abandoned)
        .order_by("pk")
        .values_list("pk", "version", "due_at")[:limit]
    )
    requeued: list[Requeued] = []
    for simulation_id, version, due_at in candidates:
        taken = (
            Simulation.objects.filter(pk=simulation_id, version=version, due_at=due_at)
            .filter(_unclaimed(now))
            .update(due_at=now)
        )
        if not taken:  # stepped, claimed or swept meanwhile
            continue
        logger.info("sweeper: re-queueing simulation %s at version %s", simulation_id, version)
        transaction.on_commit(partial(step_queue, simulation_id=simulation_id, version=version))
        requeued.append(Requeued(simulation_id, version))
    return requeued


def sweeper_start_in_process() -> embedded.Repeating | None:
    """The embedded mode's sweeper (no Celery workers, so no beat): sweep now, with no grace (the
    timers of the process before this one are gone), then every SIMULATION_SWEEP_SECONDS, on a
    daemon thread. Does nothing (None) unless SIMULATION_SWEEP_IN_PROCESS is on and tasks run
    in-process; the server process calls it once (config/asgi.py)."""
    if not settings.SIMULATION_SWEEP_IN_PROCESS or not celery_app.conf.task_always_eager:
        return None
    graces = [timedelta(0)]

    def sweep() -> None:
        grace = graces.pop() if graces else None
        simulations_sweep(grace=grace)

    return embedded.every(settings.SIMULATION_SWEEP_SECONDS, sweep, name="stepscope-sweeper")
