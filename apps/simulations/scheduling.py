"""Queue a simulation's next step: a Celery task, or a timer thread in the embedded mode."""

from __future__ import annotations

from apps.simulations import embedded
from config.celery import app as celery_app


def step_queue(*, simulation_id: int, version: int, countdown: float = 0.0) -> None:
    """Queue `step_simulation` for this version of the simulation, `countdown` seconds from now.

    Call it on commit. With Celery workers the broker holds the countdown; eager tasks run at
    once whatever the countdown, so in the embedded mode a later step goes to a timer thread.
    """
    from apps.simulations.tasks import step_simulation  # the task module imports the services

    if celery_app.conf.task_always_eager and countdown > 0:
        embedded.call_later(countdown, step_simulation.delay, simulation_id, version)
        return
    step_simulation.apply_async(args=[simulation_id, version], countdown=countdown or None)
