"""Pages for AWS sources: the list, the create and edit form, and a source's page with "Test
connection", "Pull now" and the last pulls; and following a running AWS execution.

Views only translate HTTP to service and selector calls and back. Sources are credentials: only
a workspace's admins create, edit and test them; its debuggers pull and follow; its viewers read.
Every text shown is escaped by the templates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import allows, object_view, signed_in, workspaces
from apps.aws import connection, following, selectors, services, sync_runs
from apps.aws.forms import AwsSourceForm, source_initial
from apps.aws.models import AwsPull, AwsSource
from apps.executions.models import Execution

RECENT_EXECUTIONS = 20
# Which field a message of aws_source_save is about.
ERROR_FIELDS = (
    ("region", "regions"),
    ("role ARN", "role_arn"),
    ("endpoint URL", "endpoint_url"),
    ("name", "name"),
)


def _source(pk: int) -> AwsSource:
    """The source a view's access rule has already let through."""
    return get_object_or_404(AwsSource.objects.select_related("workspace"), pk=pk)


def _save(
    form: AwsSourceForm, *, workspace: Workspace, creating: bool, actor: Any
) -> AwsSource | None:
    """Save through the service; its refusals land on the field they are about."""
    data = form.cleaned_data
    if creating and AwsSource.objects.filter(workspace=workspace, name=data["name"]).exists():
        form.add_error("name", f"There is already a source named {data['name']}.")
        return None
    try:
        return services.aws_source_save(
            workspace=workspace,
            actor=actor,
            name=data["name"],
            regions=data["regions"],
            profile_name=data["profile_name"],
            role_arn=data["role_arn"],
            endpoint_url=data["endpoint_url"],
        )
    except services.AwsSetupError as error:
        message = str(error)
        field = error.field or next((f for word, f in ERROR_FIELDS if word in message), None)
        form.add_error(field if field in form.fields else None, message)
        return None


@signed_in()
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = list(selectors.aws_source_list(user=request.user))
    administered = set(workspaces(request.user, Role.ADMIN).values_list("pk", flat=True))
    rows = [
        {
            "source": source,
            "editable": source.workspace_id in administered,
            "tested": connection.source_is_tested(source),
        }
        for source in sources
    ]
    context = {"rows": rows, "can_add": bool(administered)}
    return render(request, "aws/list.html", context)


@signed_in(read=Role.ADMIN, write=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    form = AwsSourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        workspace = form.cleaned_data["workspace"]
        source = _save(form, workspace=workspace, creating=True, actor=request.user)
        if source is not None:
            messages.success(request, f"Saved the AWS source {source.name}.")
            return redirect("aws:detail", source.pk)
    status = 400 if form.is_bound else 200
    return render(request, "aws/form.html", {"form": form, "source": None}, status=status)


@object_view(AwsSource, read=Role.ADMIN, write=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(pk)
    form = AwsSourceForm(
        request.POST or None, initial=source_initial(source), renaming=False, source=source
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(form, workspace=source.workspace, creating=False, actor=request.user)
        if saved is not None:
            messages.success(request, f"Saved the AWS source {source.name}.")
            return redirect("aws:detail", source.pk)
    status = 400 if form.is_bound else 200
    return render(request, "aws/form.html", {"form": form, "source": source}, status=status)


def _pulled_executions(source: AwsSource) -> list[Execution]:
    ids = (
        AwsPull.objects.filter(source=source, execution__isnull=False)
        .order_by("-updated_at")
        .values_list("execution_id", flat=True)[:RECENT_EXECUTIONS]
    )
    executions = Execution.objects.filter(pk__in=list(ids)).select_related("aws_follow")
    return sorted(executions, key=lambda e: (e.started_at is None, e.started_at), reverse=True)


def _detail(
    request: HttpRequest, source: AwsSource, checks: Any = None, status: int = 200
) -> HttpResponse:
    runs = sync_runs.source_pull_runs(source=source)
    role = getattr(request, "role", None)
    context = {
        "source": source,
        "checks": checks,
        "runs": runs,
        "pulling": any(run.status in ("queued", "running") for run in runs),
        "executions": _pulled_executions(source),
        "tested": connection.source_is_tested(source),
        "can_admin": allows(role, Role.ADMIN),
        "can_debug": allows(role, Role.DEBUGGER),
    }
    return render(request, "aws/detail.html", context, status=status)


@object_view(AwsSource)
@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _source(pk))


@object_view(AwsSource, write=Role.ADMIN)
@require_POST
def source_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Test the connection now and show each region's message on the source's page; passing in
    every region lets the source be pulled from with these settings."""
    source = _source(pk)
    checks = services.aws_source_test(source=source, actor=request.user)
    return _detail(request, source, checks=checks)


@object_view(AwsSource, write=Role.DEBUGGER)
@require_POST
def source_pull(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source(pk)
    try:
        sync_runs.source_pull_request(source=source, user=request.user)
    except (sync_runs.PullBusyError, connection.SourceUntestedError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Pulling from {source.name}: progress shows below.")
    return redirect("aws:detail", source.pk)


def _back(request: HttpRequest, execution: Execution) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # a path, never a URL name to reverse
    return redirect(execution.get_absolute_url())


@object_view(Execution, write=Role.DEBUGGER)
@require_POST
def execution_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow (action=follow) or stop following (action=unfollow) a running AWS execution."""
    execution = Execution.objects.filter(pk=pk).first()
    if execution is None:
        raise Http404("There is no such execution.")
    if request.POST.get("action") == "unfollow":
        following.execution_unfollow(execution=execution, actor=request.user)
        messages.success(request, f"Stopped following {execution.name}.")
        return _back(request, execution)
    try:
        following.execution_follow(execution=execution, pinned=True, actor=request.user)
    except following.FollowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Following {execution.name} until it ends.")
    return _back(request, execution)
