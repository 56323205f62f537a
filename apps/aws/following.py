"""Follow running executions pulled from AWS: poll their new events until they end.

An execution is followed while it is pinned (the Follow button) or until a while after its page
was last opened (AWS_FOLLOW_VIEW_SECONDS). A periodic task (Celery beat's "aws-follow", or a
thread of the server process in the embedded mode) polls each followed execution that is due:

- DescribeExecution, then GetExecutionHistory newest first (reverseOrder) until a page reaches
  an event already stored, so a long history is not read again on every poll (an endpoint that
  ignores reverseOrder, like moto, answers oldest first: every page is read, known ids skipped);
- the new events are imported through `execution_import` (keyed by the ARN: nothing twice) and
  published to the execution's channel group on commit (apps.live.publish), so the live page
  shows them like a simulation's;
- back-off: the interval doubles after a poll with nothing new, up to AWS_FOLLOW_MAX_SECONDS, and
  goes back to AWS_FOLLOW_SECONDS after one with new events. An AWS error backs off the same way
  and is kept to show.
- once the execution has ended (or nobody follows it any more) the follow is removed.

Overlapping polls (two beats, a slow poll) are kept apart by a compare-and-set on next_poll_at.

Polls run for web users, so they obey the web's rules for AWS endpoints: a stored source must
have passed a connection test with its current settings, and every endpoint (a source's, or the
one a command-line pull used) is checked before each request (apps/aws/endpoints.py); allow a
local one with STEPSCOPE_AWS_ENDPOINT_ALLOW.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.aws.clients import SourceSettings, stepfunctions_client
from apps.aws.connection import source_require_tested, source_settings
from apps.aws.errors import explain
from apps.aws.follow_models import FollowedExecution
from apps.aws.models import AwsPull
from apps.aws.pulling import EXTRA_FIELDS
from apps.aws.reading import history_pages, jsonable
from apps.executions.models import Execution
from apps.executions.selectors import last_event_id
from apps.executions.services import execution_import
from apps.live.publish import execution_events_publish
from apps.simulations import embedded
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

FOLLOW_BATCH = 100  # executions polled per run at most; the next run takes the rest
POLL_LEASE_SECONDS = 120  # a poll in progress holds its follow this long at most


class FollowError(ValueError):
    """This execution cannot be followed; the message says why."""


def _interval_min() -> float:
    return float(settings.AWS_FOLLOW_SECONDS)


def _interval_max() -> float:
    return float(max(settings.AWS_FOLLOW_MAX_SECONDS, settings.AWS_FOLLOW_SECONDS))


def can_follow(execution: Execution) -> bool:
    return (
        execution.source == Execution.Source.AWS
        and execution.status == "RUNNING"
        and bool(execution.execution_arn)
    )


def execution_follow(
    *,
    execution: Execution,
    pinned: bool = True,
    seconds: float | None = None,
    actor: Any = None,
) -> FollowedExecution:
    """Follow a running AWS execution: `pinned` until it ends, else for `seconds` from now
    (default AWS_FOLLOW_VIEW_SECONDS) unless it is followed longer already. Its first poll is
    due at once. Raises FollowError for an execution that is not a running AWS one.

    A pinned follow (the Follow button, by `actor`) is recorded in the audit log; following
    because a page is open is not."""
    if not can_follow(execution):
        raise FollowError(
            f"{execution.name} is not a running execution pulled from AWS, so there is "
            "nothing to follow."
        )
    now = timezone.now()
    until = None if pinned else now + timedelta(seconds=seconds or settings.AWS_FOLLOW_VIEW_SECONDS)
    follow, created = FollowedExecution.objects.get_or_create(
        execution=execution,
        defaults={
            "pinned": pinned,
            "followed_until": until,
            "next_poll_at": now,
            "interval": _interval_min(),
        },
    )
    if not created:
        changed = []
        if pinned and not follow.pinned:
            follow.pinned = True
            changed.append("pinned")
        if until is not None and (follow.followed_until is None or follow.followed_until < until):
            follow.followed_until = until
            changed.append("followed_until")
        if changed:
            follow.save(update_fields=changed)
    if pinned:
        audit_record(
            action="execution.follow",
            workspace=execution.workspace,
            actor=actor,
            target=execution.name,
            detail={"execution_arn": execution.execution_arn},
        )
    transaction.on_commit(follower_start_in_process)
    return follow


def execution_follow_on_view(*, execution: Execution) -> FollowedExecution | None:
    """The execution's page was opened: follow it for a while when it is a running AWS one."""
    if not can_follow(execution):
        return None
    return execution_follow(execution=execution, pinned=False)


def execution_unfollow(*, execution: Execution, actor: Any = None) -> bool:
    """Stop following (whether pinned or opened); True when it was followed (and then recorded
    in the audit log as done by `actor`)."""
    deleted, _ = FollowedExecution.objects.filter(execution=execution).delete()
    if deleted:
        audit_record(
            action="execution.unfollow",
            workspace=execution.workspace,
            actor=actor,
            target=execution.name,
            detail={"execution_arn": execution.execution_arn},
        )
    return bool(deleted)


def follow_get(*, execution: Execution) -> FollowedExecution | None:
    return FollowedExecution.objects.filter(execution=execution).first()


@dataclass(frozen=True)
class PollOutcome:
    execution_id: int
    added: int
    status: str
    error: str = ""
    ended: bool = False  # the follow was removed: the execution ended or nobody follows it


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 else ""


def _settings_for(execution: Execution) -> tuple[SourceSettings, str]:
    """Where the execution was pulled from: its pull's source (once tested with its current
    settings), else boto3's chain in the ARN's region at the endpoint it was pulled from (an
    execution pulled by aws_sync without --source, or from a source since deleted). Either way
    the web's endpoint rules apply to each request."""
    pull = (
        AwsPull.objects.filter(
            workspace_id=execution.workspace_id, execution_arn=execution.execution_arn
        )
        .select_related("source")
        .first()
    )
    region = (pull.region if pull else "") or _region_of(execution.execution_arn)
    if pull is not None and pull.source is not None:
        source_require_tested(pull.source)
        return source_settings(source=pull.source), region
    endpoint = pull.endpoint_url if pull is not None else ""
    return SourceSettings(regions=(region,), endpoint_url=endpoint, checked=True), region


def _page_ids(events: list[dict[str, Any]]) -> list[int]:
    return [int(event.get("id") or 0) for event in events]


def new_events(client: Any, arn: str, *, after: int) -> list[dict[str, Any]]:
    """The events with ids above `after`, oldest first: pages newest first until one reaches a
    known id (every page when the endpoint answers oldest first)."""
    found: dict[int, dict[str, Any]] = {}
    for events, token in history_pages(client, arn, newest_first=True):
        ids = _page_ids(events)
        found.update({number: e for number, e in zip(ids, events, strict=True) if number > after})
        newest_first = len(ids) < 2 or ids[0] > ids[-1]
        if not token or (newest_first and min(ids, default=0) <= after):
            break
    return [found[number] for number in sorted(found)]


def _import_new(
    execution: Execution, description: dict[str, Any], events: list[dict[str, Any]]
) -> tuple[Execution, int]:
    """Save the new events (and the describe output) and publish them on commit."""
    documents = [
        ("DescribeExecution", json.dumps(description)),
        ("GetExecutionHistory (new events)", json.dumps({"events": events})),
    ]
    with transaction.atomic():
        result = execution_import(workspace=execution.workspace, documents=documents)
        saved = result.execution
        kept = dict(saved.description or {})  # the redrive and version fields pulls keep
        kept.update({ours: description[k] for k, ours in EXTRA_FIELDS.items() if k in description})
        Execution.objects.filter(pk=saved.pk).update(description=kept)
        if result.added:
            ids = {int(event.get("id") or 0) for event in events}
            stored = [
                row.data for row in saved.events.filter(event_id__in=ids).order_by("event_id")
            ]
            status, count = saved.status, saved.event_count
            transaction.on_commit(
                lambda: execution_events_publish(
                    execution_id=saved.pk, events=stored, status=status, event_count=count
                )
            )
    return saved, result.added


def execution_poll(*, execution: Execution) -> PollOutcome:
    """Fetch and save the execution's new events; raises on AWS or import problems."""
    source, region = _settings_for(execution)
    try:
        client = stepfunctions_client(source, region)
        description = jsonable(client.describe_execution(executionArn=execution.execution_arn))
        events = new_events(
            client, execution.execution_arn, after=last_event_id(execution=execution)
        )
    except Exception as error:
        raise explain(error, region=region, endpoint_url=source.endpoint_url) from error
    if not events:
        return PollOutcome(execution.pk, 0, execution.status)
    saved, added = _import_new(execution, description, events)
    return PollOutcome(saved.pk, added, saved.status)


def _due(now: datetime) -> Q:
    still_followed = Q(pinned=True) | Q(followed_until__gt=now)
    return Q(next_poll_at__lte=now) & still_followed


def _claim(follow: FollowedExecution, now: datetime) -> bool:
    lease = now + timedelta(seconds=POLL_LEASE_SECONDS)
    return bool(
        FollowedExecution.objects.filter(pk=follow.pk, next_poll_at=follow.next_poll_at).update(
            next_poll_at=lease
        )
    )


def _poll_one(follow: FollowedExecution, now: datetime) -> PollOutcome:
    execution = follow.execution
    error = ""
    try:
        outcome = execution_poll(execution=execution)
    except Exception as problem:  # an AWS or import problem: shown, then backed off
        logger.warning("following execution %s: %s", execution.pk, problem)
        error = str(problem)
        outcome = PollOutcome(execution.pk, 0, execution.status, error)
    if outcome.status != "RUNNING":
        FollowedExecution.objects.filter(pk=follow.pk).delete()
        return PollOutcome(outcome.execution_id, outcome.added, outcome.status, error, True)
    interval = follow.interval or _interval_min()
    interval = _interval_min() if outcome.added else min(interval * 2, _interval_max())
    finished = timezone.now()
    FollowedExecution.objects.filter(pk=follow.pk).update(
        next_poll_at=finished + timedelta(seconds=interval),
        interval=interval,
        polls=follow.polls + 1,
        events_added=follow.events_added + outcome.added,
        last_polled_at=finished,
        error=error,
    )
    return outcome


def follows_poll(*, now: datetime | None = None, limit: int = FOLLOW_BATCH) -> list[PollOutcome]:
    """Poll every followed execution that is due; drop the follows nobody wants any more (no
    longer pinned nor open, or their execution is no longer a running AWS one)."""
    now = timezone.now() if now is None else now
    FollowedExecution.objects.filter(pinned=False, followed_until__lte=now).delete()
    FollowedExecution.objects.exclude(execution__status="RUNNING").delete()
    due = (
        FollowedExecution.objects.filter(_due(now))
        .select_related("execution")
        .order_by("next_poll_at")[:limit]
    )
    outcomes = []
    for follow in list(due):
        if _claim(follow, now):
            outcomes.append(_poll_one(follow, now))
    return outcomes


_started: embedded.Repeating | None = None
_start_lock = threading.Lock()


def follower_start_in_process() -> embedded.Repeating | None:
    """The embedded mode's follower (no Celery workers, so no beat): poll every
    AWS_FOLLOW_SECONDS on a daemon thread of this process. Started once, the first time something
    is followed; does nothing (None) unless tasks run in-process and STEPSCOPE_SWEEP_IN_PROCESS
    is on (as serve.sh sets it in the embedded mode)."""
    global _started
    if not settings.SIMULATION_SWEEP_IN_PROCESS or not celery_app.conf.task_always_eager:
        return None
    with _start_lock:
        if _started is None or _started.stopped.is_set():
            _started = embedded.every(
                float(settings.AWS_FOLLOW_SECONDS), follows_poll, name="stepscope-aws-follower"
            )
        return _started
