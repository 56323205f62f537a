"""Celery tasks for AWS: thin, idempotent, JSON arguments (ids)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.aws.following import follows_poll
from apps.aws.sync_runs import source_pull_run


@shared_task(
    name="aws.pull_source",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
    serializer="json",
)
def pull_source(run_id: int) -> None:
    """ "Pull now": sync the run's source; a duplicate delivery does nothing."""
    source_pull_run(run_id=run_id)


@shared_task(
    name="aws.follow",
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    ignore_result=True,
    serializer="json",
)
def follow_executions() -> None:
    """Celery beat's "aws-follow": poll the followed running executions that are due."""
    follows_poll()
