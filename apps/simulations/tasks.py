"""Celery tasks: thin, idempotent, JSON arguments (ids), queued on commit."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.simulations.services import simulation_step
from apps.simulations.sweeping import simulations_sweep


@shared_task(
    name="simulations.step",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
    serializer="json",
)
def step_simulation(simulation_id: int, version: int | None = None) -> None:
    """Step a simulation; does nothing when `version` is no longer its version (a duplicate)."""
    simulation_step(simulation_id=simulation_id, version=version)


@shared_task(
    name="simulations.sweep",
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
    serializer="json",
)
def sweep_simulations() -> None:
    """Celery beat's periodic sweep (CELERY_BEAT_SCHEDULE): re-queue lost steps. A duplicate or
    overlapping sweep queues nothing twice."""
    simulations_sweep()
