"""Pull execution histories on a small thread pool and import them like any other history.

The threads only call AWS (apps/aws/reading.py); every database write happens on the calling
thread, from the messages the threads send. Each history page is saved with the nextToken that
follows it, so a pull that stops (an error, a killed process) resumes from its last saved page.
When every page is in, the describe output, the definition the execution ran and the pages are
imported through `execution_import`: the execution is keyed by its ARN, so pulling it again adds
only events not stored yet.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.accounts.models import Workspace
from apps.aws import reading
from apps.aws.errors import AwsPullError, explain
from apps.aws.models import AwsPull, AwsPullPage, AwsSource
from apps.aws.reports import ProgressCallback, SyncProgress, SyncSummary
from apps.aws.selectors import stored_executions
from apps.definitions.services import definition_import
from apps.executions.models import Execution
from apps.executions.selectors import events_after, last_event_id
from apps.executions.services import ExecutionImportError, execution_import
from apps.live.publish import execution_events_publish

# DescribeExecution fields execution_import does not keep, copied into Execution.description.
EXTRA_FIELDS = {
    "redriveCount": "redrive_count",
    "redriveDate": "redrive_date",
    "redriveStatus": "redrive_status",
    "redriveStatusReason": "redrive_status_reason",
    "stateMachineVersionArn": "state_machine_version_arn",
    "stateMachineAliasArn": "state_machine_alias_arn",
    "mapRunArn": "map_run_arn",
}
STALE_TOKEN_CODES = {"InvalidToken"}


@dataclass(frozen=True)
class PullContext:
    workspace: Workspace
    client: Any
    region: str
    endpoint_url: str
    aws_source: AwsSource | None
    summary: SyncSummary
    progress: ProgressCallback
    concurrency: int
    history_page_size: int = reading.HISTORY_PAGE_SIZE


@dataclass(frozen=True)
class _Job:
    pull_id: int
    execution_arn: str
    next_token: str


@dataclass(frozen=True)
class _Page:
    job: _Job
    events: list[dict[str, Any]]
    next_token: str


@dataclass(frozen=True)
class _Done:
    job: _Job
    description: dict[str, Any]
    machine: dict[str, Any] | None
    machine_problem: str


@dataclass(frozen=True)
class _Failed:
    job: _Job
    error: AwsPullError


_Message = _Page | _Done | _Failed


def _start(context: PullContext, arn: str) -> _Job:
    """The pull record for `arn`: carried on from its saved token, or started afresh."""
    pull, created = AwsPull.objects.get_or_create(
        workspace=context.workspace,
        execution_arn=arn,
        defaults={
            "region": context.region,
            "source": context.aws_source,
            "endpoint_url": context.endpoint_url or "",
        },
    )
    resumable = pull.status != AwsPull.Status.COMPLETE and pull.next_token and pull.pages
    if resumable:
        context.summary.resumed += 1
        context.progress(SyncProgress("history", f"{arn}: resuming after page {pull.pages}"))
    elif not created:
        pull.saved_pages.all().delete()
        pull.next_token, pull.pages, pull.events, pull.error = "", 0, 0, ""
    pull.status = AwsPull.Status.IN_PROGRESS
    pull.region, pull.source = context.region, context.aws_source
    pull.endpoint_url = context.endpoint_url or ""
    pull.save()
    return _Job(pull.pk, arn, pull.next_token)


def _fetch(context: PullContext, job: _Job, send: Callable[[_Message], None], stop: Any) -> None:
    """On a pool thread: describe the execution, then send each history page, then done."""
    client, arn = context.client, job.execution_arn
    try:
        description = reading.execution(client, arn)
        machine, problem = None, ""
        try:
            machine = _child_machine(reading.state_machine_for_execution(client, arn))
        except Exception as error:  # the history is still worth having without it
            problem = str(explain(error, region=context.region, endpoint_url=context.endpoint_url))
        pages = reading.history_pages(
            client, arn, next_token=job.next_token, page_size=context.history_page_size
        )
        for events, token in pages:
            send(_Page(job, events, token))
            if stop.is_set():
                raise AwsPullError("the pull was interrupted")
        send(_Done(job, description, machine, problem))
    except Exception as error:
        send(_Failed(job, explain(error, region=context.region, endpoint_url=context.endpoint_url)))


def _child_machine(machine: dict[str, Any]) -> dict[str, Any]:
    """A Map Run's child execution ran the Map Run's state machine: its definition is kept as
    "<machine>/<label>", not as a version of the parent machine."""
    name, label = str(machine.get("name") or ""), str(machine.get("label") or "")
    if machine.get("mapRunArn") and name and label and "/" not in name:
        return {**machine, "name": f"{name}/{label}"}
    return machine


def pull_histories(context: PullContext, arns: Sequence[str]) -> None:
    """Pull and import each execution's history, `context.concurrency` at a time."""
    if not arns:
        return
    jobs = [_start(context, arn) for arn in arns]
    messages: queue.Queue[_Message] = queue.Queue()
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=context.concurrency, thread_name_prefix="aws-pull")
    try:
        for job in jobs:
            pool.submit(_fetch, context, job, messages.put, stop)
        remaining, finished = len(jobs), 0
        while remaining:
            message = messages.get()
            if isinstance(message, _Page):
                _save_page(context, message)
                continue
            remaining -= 1
            finished += 1
            if isinstance(message, _Done):
                _import(context, message, finished, len(jobs))
            else:
                _fail(context, message)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _save_page(context: PullContext, message: _Page) -> None:
    with transaction.atomic():
        pull = AwsPull.objects.select_for_update().get(pk=message.job.pull_id)
        pull.pages += 1
        pull.events += len(message.events)
        AwsPullPage.objects.create(pull=pull, number=pull.pages, events=message.events)
        pull.next_token = message.next_token
        pull.save(update_fields=["pages", "events", "next_token", "updated_at"])
    if message.next_token or pull.pages > 1:
        text = f"{message.job.execution_arn}: history page {pull.pages} ({pull.events} events)"
        context.progress(SyncProgress("history", text, pull.pages))


def _fail(context: PullContext, message: _Failed) -> None:
    pull = AwsPull.objects.get(pk=message.job.pull_id)
    pull.status, pull.error = AwsPull.Status.FAILED, str(message.error)
    if message.error.code in STALE_TOKEN_CODES:  # AWS no longer honours it: start over next time
        pull.saved_pages.all().delete()
        pull.next_token, pull.pages, pull.events = "", 0, 0
    pull.save()
    failure = f"{message.job.execution_arn}: {message.error}"
    context.summary.failures.append(failure)
    context.progress(SyncProgress("execution", f"failed {failure}"))


def _documents(pull: AwsPull, message: _Done) -> list[tuple[str, str]]:
    documents = [("DescribeExecution", json.dumps(message.description))]
    if message.machine is not None:
        documents.append(("DescribeStateMachineForExecution", json.dumps(message.machine)))
    pages = pull.saved_pages.order_by("number").values_list("number", "events")
    documents.extend(
        (f"GetExecutionHistory page {number}", json.dumps({"events": events}))
        for number, events in pages
    )
    return documents


def _definition(context: PullContext, machine: dict[str, Any] | None) -> None:
    """The definition the execution ran, as a version of the machine's definition."""
    if not machine or not isinstance(machine.get("definition"), str):
        return
    try:
        outcome = definition_import(
            workspace=context.workspace,
            text=machine["definition"],
            name=str(machine.get("name", "")),
            audited=False,
        )
    except ValueError as error:
        context.summary.notes.append(f"definition of {machine.get('name')!r} not kept: {error}")
        return
    context.summary.definitions_added += outcome.created


def _import(context: PullContext, message: _Done, finished: int, total: int) -> None:
    arn, summary = message.job.execution_arn, context.summary
    with transaction.atomic():
        pull = AwsPull.objects.select_for_update().get(pk=message.job.pull_id)
        _definition(context, message.machine)
        stored = stored_executions(workspace=context.workspace, arns=[arn]).get(arn)
        before = last_event_id(execution=stored) if stored else 0
        try:
            result = execution_import(
                workspace=context.workspace, documents=_documents(pull, message)
            )
        except ExecutionImportError as error:
            _fail(context, _Failed(message.job, AwsPullError(f"not imported: {error}")))
            return
        execution = result.execution
        _keep_aws_fields(execution, message.description, created=result.created)
        pull.status, pull.execution, pull.next_token, pull.error = "complete", execution, "", ""
        pull.save()
        pull.saved_pages.all().delete()
        if result.added and not result.created:
            _publish_on_commit(execution, before)
    summary.executions_added += result.created
    summary.executions_updated += bool(result.added) and not result.created
    summary.executions_unchanged += not result.added and not result.created
    summary.events_added += result.added
    if message.machine_problem:
        summary.notes.append(f"{arn}: no definition: {message.machine_problem}")
    verb = "added" if result.created else "updated" if result.added else "unchanged"
    text = f"{verb} {execution.name}: {execution.status}, {result.added} events"
    context.progress(SyncProgress("execution", text, finished, total))


def _keep_aws_fields(execution: Execution, description: dict[str, Any], *, created: bool) -> None:
    kept = dict(execution.description or {})
    kept.update(
        {
            ours: description[theirs]
            for theirs, ours in EXTRA_FIELDS.items()
            if theirs in description
        }
    )
    changes: dict[str, Any] = {"description": kept}
    if created:
        changes["source"] = Execution.Source.AWS
    Execution.objects.filter(pk=execution.pk).update(**changes)
    execution.description = kept
    if created:
        execution.source = Execution.Source.AWS


def _publish_on_commit(execution: Execution, before: int) -> None:
    """New events of an execution already shown (a running or redriven one) reach its viewers."""

    def publish() -> None:
        events = [row.data for row in events_after(execution=execution, after=before, limit=25_000)]
        execution_events_publish(
            execution_id=execution.pk,
            events=events,
            status=execution.status,
            event_count=execution.event_count,
        )

    transaction.on_commit(publish)
