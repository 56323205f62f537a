"""Celery tasks for executions: thin, idempotent, JSON arguments (ids); their options (time
limits, acks late) come from the CELERY_TASK_* settings."""

from __future__ import annotations

from celery import shared_task

from apps.executions.import_jobs import import_job_run


@shared_task(name="executions.import_job")
def run_import_job(job_id: int) -> None:
    """Import a queued job's uploads; a duplicate delivery does nothing."""
    import_job_run(job_id=job_id)
