"""Distributed Map runs: ListMapRuns and DescribeMapRun for an execution whose history started
Map Runs, then the Map Runs' child workflow executions (ListExecutions with mapRunArn), each
pulled and imported like any other execution and linked to its parent.

What DescribeMapRun says (status, tolerated failures, item and execution counts, ARNs) is kept in
the parent's `description["map_runs"]`, one entry per Map Run in AWS's field names, plus how many
of its children are stored (`children_stored`), how many are Express and so have no history to
pull (`children_express`), and whether the endpoint can list them (`children_listable`). A child
execution's `parent_execution` and `map_run_arn` name where it came from.

A parent whose Map Runs have all ended and whose children are all in is not asked about again, so
re-syncing adds nothing twice and makes no Map Run calls for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import ClientError

from apps.accounts.models import Workspace
from apps.aws.errors import explain
from apps.aws.pulling import PullContext, pull_histories
from apps.aws.reading import NOT_AVAILABLE_CODES, jsonable
from apps.aws.reports import SyncProgress
from apps.aws.selectors import arn_fingerprint, executions_to_pull
from apps.executions.models import Execution

MAP_RUN_PAGE_SIZE = 100
MAX_DEPTH = 3  # a child workflow may run a Distributed Map of its own
TERMINAL_MAP_RUN = frozenset({"SUCCEEDED", "FAILED", "ABORTED"})


class _Unavailable(Exception):
    """The endpoint lacks the operation (moto has no ListExecutions with mapRunArn)."""


def _not_available(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code") or "")
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return code in NOT_AVAILABLE_CODES or status >= 500


def _pages(probe: Any, client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every page of a listing. The first call goes through `probe` (few retries): when the
    endpoint lacks the operation, _Unavailable is raised instead of retrying for long."""
    token, first = "", True
    while True:
        call = getattr(probe if first else client, operation)
        try:
            page = call(**kwargs, **({"nextToken": token} if token else {}))
        except ClientError as error:
            if first and _not_available(error):
                raise _Unavailable(operation) from None
            raise
        first = False
        yield jsonable(page.get(key, []))
        token = page.get("nextToken") or ""
        if not token:
            return


def map_run_arns_in_history(*, execution: Execution) -> list[str]:
    """The Map Run ARNs the execution's MapRunStarted events name, in event order."""
    arns: list[str] = []
    for data in execution.events.filter(type="MapRunStarted").values_list("data", flat=True):
        details = data.get("mapRunStartedEventDetails") if isinstance(data, dict) else None
        arn = details.get("mapRunArn") if isinstance(details, dict) else None
        if isinstance(arn, str) and arn and arn not in arns:
            arns.append(arn)
    return arns


def _settled(execution: Execution) -> bool:
    """Every Map Run ended and every child that can be pulled is stored."""
    runs = (execution.description or {}).get("map_runs")
    if not isinstance(runs, list) or not runs:
        return False
    for run in runs:
        if not isinstance(run, dict) or run.get("status") not in TERMINAL_MAP_RUN:
            return False
        counts = run.get("executionCounts") or {}
        total = int(counts.get("total") or 0) if isinstance(counts, dict) else 0
        found = int(run.get("children_stored") or 0) + int(run.get("children_express") or 0)
        if run.get("children_listable", True) and found < total:
            return False
    return True


def _with_map_runs(workspace: Workspace, arns: Sequence[str]) -> list[Execution]:
    """The workspace's stored executions among `arns` whose history started a Map Run."""
    fingerprints = [arn_fingerprint(arn) for arn in arns]
    found = Execution.objects.filter(
        workspace=workspace, fingerprint__in=fingerprints, events__type="MapRunStarted"
    )
    return list(found.distinct().order_by("id"))


def map_runs_sync(*, context: PullContext, probe: Any, arns: Sequence[str], page_size: int) -> None:
    """For each stored execution among `arns` with MapRunStarted events and Map Runs not settled:
    describe its Map Runs and pull their child executions, then the children's own Map Runs."""
    work = [(arns, 0)]
    while work:
        batch, depth = work.pop(0)
        for parent in _with_map_runs(context.workspace, batch):
            if _settled(parent):
                continue
            children = _sync_parent(context, probe, parent, page_size)
            if children and depth + 1 < MAX_DEPTH:
                work.append((children, depth + 1))


def _run_arns(context: PullContext, probe: Any, parent: Execution) -> list[str]:
    try:
        return [
            str(item["mapRunArn"])
            for page in _pages(
                probe,
                context.client,
                "list_map_runs",
                "mapRuns",
                executionArn=parent.execution_arn,
                maxResults=MAP_RUN_PAGE_SIZE,
            )
            for item in page
        ]
    except _Unavailable:
        context.summary.notes.append(f"{context.region}: the endpoint has no ListMapRuns")
        return map_run_arns_in_history(execution=parent)


def _sync_parent(context: PullContext, probe: Any, parent: Execution, page_size: int) -> list[str]:
    """Describe each Map Run, pull its children, and keep the Map Runs with the parent."""
    where = {"region": context.region, "endpoint_url": context.endpoint_url}
    try:
        run_arns = _run_arns(context, probe, parent)
    except Exception as error:
        context.summary.failures.append(f"{parent.execution_arn}: {explain(error, **where)}")
        return []
    runs: list[dict[str, Any]] = []
    children: list[str] = []
    for run_arn in run_arns:
        context.progress(SyncProgress("map_run", f"{parent.name}: Map Run {run_arn}"))
        try:
            described = dict(jsonable(context.client.describe_map_run(mapRunArn=run_arn)))
            listed, listable = _sync_children(context, probe, parent, run_arn, page_size)
        except Exception as error:
            context.summary.failures.append(f"{run_arn}: {explain(error, **where)}")
            continue
        context.summary.map_runs += 1
        express = [arn for arn in listed if ":express:" in arn]
        stored = Execution.objects.filter(parent_execution=parent, map_run_arn=run_arn).count()
        described.update(
            children_stored=stored, children_express=len(express), children_listable=listable
        )
        runs.append(described)
        children.extend(arn for arn in listed if arn not in express)
    if runs:
        _keep_map_runs(parent, runs)
    return children


def _keep_map_runs(parent: Execution, runs: list[dict[str, Any]]) -> None:
    fresh = Execution.objects.get(pk=parent.pk)
    description = dict(fresh.description or {})
    kept = {str(run.get("mapRunArn")): run for run in description.get("map_runs") or []}
    kept.update({str(run.get("mapRunArn")): run for run in runs})
    description["map_runs"] = list(kept.values())
    Execution.objects.filter(pk=parent.pk).update(description=description)
    parent.description = description


def _sync_children(
    context: PullContext, probe: Any, parent: Execution, run_arn: str, page_size: int
) -> tuple[list[str], bool]:
    """ListExecutions(mapRunArn) page by page: pull each page's children and link them.
    Returns the listed child ARNs and whether the endpoint could list them."""
    summary, listed = context.summary, []
    try:
        pages = _pages(
            probe,
            context.client,
            "list_executions",
            "executions",
            mapRunArn=run_arn,
            maxResults=page_size,
        )
        for page in pages:
            arns = [str(item["executionArn"]) for item in page]
            pullable = [item for item in page if ":express:" not in str(item["executionArn"])]
            summary.child_executions_listed += len(page)
            to_pull = executions_to_pull(workspace=context.workspace, listed=pullable)
            summary.executions_unchanged += len(pullable) - len(to_pull)
            pull_histories(context, to_pull)
            Execution.objects.filter(
                workspace=context.workspace,
                fingerprint__in=[arn_fingerprint(arn) for arn in arns],
            ).update(parent_execution=parent, map_run_arn=run_arn)
            listed.extend(arns)
    except _Unavailable:
        summary.notes.append(
            f"{context.region}: the endpoint cannot list a Map Run's child executions "
            "(ListExecutions with mapRunArn)"
        )
        return listed, False
    express = sum(":express:" in arn for arn in listed)
    if express:
        summary.notes.append(
            f"{run_arn}: {express} child executions are Express; their histories are in "
            "CloudWatch Logs and were not pulled"
        )
    return listed, True
