"""Celery tasks for AWS: thin, idempotent, JSON arguments (ids); their options come from the
CELERY_TASK_* settings."""

from __future__ import annotations

from celery import shared_task

from apps.aws.following import follows_poll
from apps.aws.sync_runs import source_pull_run


@shared_task(name="aws.pull_source")
def pull_source(run_id: int) -> None:
    """ "Pull now": sync the run's source; a duplicate delivery does nothing."""
    source_pull_run(run_id=run_id)


@shared_task(name="aws.follow")
def follow_executions() -> None:
    """Celery beat's "aws-follow": poll the followed running executions that are due."""
    follows_poll()
