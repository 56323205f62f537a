"""Celery tasks: thin, idempotent, JSON arguments (ids), queued on commit. Acks late, time limits
and no stored results come from the CELERY_TASK_* settings."""

from __future__ import annotations

from celery import shared_task

from apps.simulations.services import simulation_step
from apps.simulations.sweeping import simulations_sweep


@shared_task(name="simulations.step")
def step_simulation(simulation_id: int, version: int | None = None) -> None:
    """Step a simulation; does nothing when `version` is no longer its version (a duplicate)."""
    simulation_step(simulation_id=simulation_id, version=version)


@shared_task(name="simulations.sweep")
def sweep_simulations() -> None:
    """Celery beat's periodic sweep (CELERY_BEAT_SCHEDULE): re-queue lost steps. A duplicate or
    overlapping sweep queues nothing twice."""
    simulations_sweep()
