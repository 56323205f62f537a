""" "Pull now" from a source's page: queue a run, then the task syncs and records its progress and
summary on the run, for the page to show.

A source is pulled from only once its current endpoint, profile, role and regions have passed a
connection test (connection.py): checked when the pull is asked for and again when it starts, in
case the source changed in between."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.aws.clients import AwsSetupError
from apps.aws.connection import source_require_tested, source_settings
from apps.aws.follow_models import AwsSyncRun
from apps.aws.models import AwsSource
from apps.aws.reports import SyncProgress
from apps.aws.services import SyncRequest, aws_sync
from apps.simulations import embedded
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

PROGRESS_MAX_LENGTH = 1000
QUEUED_STALE_SECONDS = 600  # a queued pull nobody started (its process restarted) is given up
INTERRUPTED = (
    "The pull was interrupted (its worker or server process stopped). Pull again: histories "
    "carry on from their last saved page."
)


class PullBusyError(ValueError):
    """A pull of this source is already queued or running."""


def _queue(run_id: int) -> None:
    """Queue the pull task. Eager tasks (the embedded mode) would run inside the request, so
    there the pull runs on a daemon thread of this process instead and the page can follow it."""
    from apps.aws.tasks import pull_source  # the task module imports this one

    if celery_app.conf.task_always_eager:
        embedded.call_later(0, pull_source.delay, run_id)
        return
    pull_source.delay(run_id)


def source_pull_request(*, source: AwsSource, user: Any = None) -> AwsSyncRun:
    """Queue a pull of every state machine of the source (on commit), asked for by `user`.
    Raises SourceUntestedError when the source's settings have not passed a connection test
    since they changed, and PullBusyError when a pull is already queued or running."""
    active = (AwsSyncRun.Status.QUEUED, AwsSyncRun.Status.RUNNING)
    with transaction.atomic():
        locked = AwsSource.objects.select_for_update().filter(pk=source.pk).first()
        source_require_tested(locked or source)
        _give_up_stale(source)
        if AwsSyncRun.objects.filter(source=source, status__in=active).exists():
            raise PullBusyError(
                f"A pull of {source.name} is already under way; wait for it to end."
            )
        run = AwsSyncRun.objects.create(
            source=source, requested_by=user if getattr(user, "is_authenticated", False) else None
        )
        audit_record(
            action="aws.pull",
            workspace=source.workspace,
            actor=user,
            target=source.name,
            detail={"run": run.pk, "regions": list(source.regions)},
        )
        transaction.on_commit(partial(_queue, run.pk))
    return run


def _give_up_stale(source: AwsSource) -> None:
    now = timezone.now()
    running_limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stale = AwsSyncRun.objects.filter(source=source).filter(
        status=AwsSyncRun.Status.RUNNING, started_at__lt=now - running_limit
    ) | AwsSyncRun.objects.filter(
        source=source,
        status=AwsSyncRun.Status.QUEUED,
        created_at__lt=now - timedelta(seconds=QUEUED_STALE_SECONDS),
    )
    stale.update(status=AwsSyncRun.Status.FAILED, error=INTERRUPTED, finished_at=now)


def _record(run_id: int, progress: SyncProgress) -> None:
    AwsSyncRun.objects.filter(pk=run_id).update(
        progress=progress.text[:PROGRESS_MAX_LENGTH], done=progress.done, total=progress.total
    )


def source_pull_run(*, run_id: int) -> AwsSyncRun | None:
    """Run a queued pull (once: a duplicate delivery finds it no longer queued and does nothing)."""
    claimed = AwsSyncRun.objects.filter(pk=run_id, status=AwsSyncRun.Status.QUEUED).update(
        status=AwsSyncRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = AwsSyncRun.objects.select_related("source", "source__workspace").get(pk=run_id)
    request = SyncRequest(
        source=source_settings(source=run.source),
        workspace=run.source.workspace,
        aws_source=run.source,
    )
    changes: dict[str, Any] = {"finished_at": None}
    try:
        source_require_tested(run.source)  # it may have changed since the pull was asked for
        summary = aws_sync(request=request, progress=partial(_record, run_id))
    except AwsSetupError as error:
        changes.update(status=AwsSyncRun.Status.FAILED, error=str(error))
    except Exception as error:  # shown on the page; the log has the traceback
        logger.exception("pull of source %s failed", run.source_id)
        changes.update(status=AwsSyncRun.Status.FAILED, error=f"The pull stopped: {error}")
    else:
        changes.update(
            status=AwsSyncRun.Status.DONE,
            summary=summary.lines(),
            failures=len(summary.failures),
            progress="",
        )
    changes["finished_at"] = timezone.now()
    AwsSyncRun.objects.filter(pk=run_id).update(**changes)
    run.refresh_from_db()
    return run


def source_pull_runs(*, source: AwsSource, limit: int = 10) -> list[AwsSyncRun]:
    return list(AwsSyncRun.objects.filter(source=source).order_by("-created_at", "-id")[:limit])
