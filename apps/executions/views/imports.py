"""Import a history (upload several files or paste), follow a background import, and export an
execution as our bundle.

An import whose Content-Length is over STEPSCOPE_MAX_UPLOAD_BYTES is refused with a 413 before
its body is parsed (CSRF is checked after that, by `_post`: the CSRF middleware would parse the
body first). A body without a Content-Length carries no files (Django's parser reads none), so
the declared length bounds every upload. One over the background threshold
(STEPSCOPE_IMPORT_BACKGROUND_BYTES) is streamed into a job and the browser follows the job's page;
a smaller one is imported while the page waits, as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import Role
from apps.accounts.scoping import allows, object_view, signed_in, visible
from apps.definitions.models import Definition
from apps.executions import import_jobs, selectors, services
from apps.executions.forms import MAX_FILES, ExecutionImportForm
from apps.executions.models import Execution, ImportJob

FORM_FIELDS_KEPT = ("workspace", "definition", "name")


def _page(request: HttpRequest, form: ExecutionImportForm, status: int, error: str = "") -> Any:
    return render(
        request, "executions/import.html", {"form": form, "page_error": error}, status=status
    )


def _too_big_to_paste(request: HttpRequest) -> HttpResponse:
    message = (
        "That was too large to paste: upload the history as a file instead "
        f"(uploads of up to {import_jobs.size_text(import_jobs.max_upload_bytes())} are accepted)."
    )
    return _page(request, ExecutionImportForm(user=request.user), 400, message)


def _over_limit(request: HttpRequest, size: int) -> HttpResponse:
    limit = import_jobs.size_text(import_jobs.max_upload_bytes())
    message = (
        f"Stepscope accepts at most {limit} in one import. That upload is "
        f"{import_jobs.size_text(size)}, so it was refused and nothing was stored. Import "
        "fewer files at once; whoever runs Stepscope can raise the limit with "
        "STEPSCOPE_MAX_UPLOAD_BYTES."
    )
    return _page(request, ExecutionImportForm(user=request.user), 413, message)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


@signed_in(read=Role.DEBUGGER, write=Role.DEBUGGER)
@csrf_exempt  # checked by _post once the body is known not to be over the limit
@require_http_methods(["GET", "POST"])
def execution_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {key: request.GET[key] for key in FORM_FIELDS_KEPT if key in request.GET}
        form = ExecutionImportForm(user=request.user, initial=initial)
        return render(request, "executions/import.html", {"form": form})
    declared = _declared_length(request)
    if declared > import_jobs.max_upload_bytes():
        return _over_limit(request, declared)  # refused before anything reads the body
    try:
        request.POST, request.FILES  # noqa: B018 (parsed here: CSRF's check reads them)
    except RequestDataTooBig:
        return _too_big_to_paste(request)
    except TooManyFilesSent:
        form = ExecutionImportForm(user=request.user)
        return _page(request, form, 400, f"Choose at most {MAX_FILES} files at once.")
    return _post(request)


@csrf_protect
def _post(request: HttpRequest) -> HttpResponse:
    form = ExecutionImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _page(request, form, 400)
    if form.cleaned_data["documents"] is None:
        return _import_in_background(request, form)
    return _import_now(request, form)


def _import_in_background(request: HttpRequest, form: ExecutionImportForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        job = import_jobs.import_job_create(
            workspace=data["workspace"],
            uploads=data["uploads"],
            definition=data.get("definition") or None,
            name=data.get("name") or None,
            user=request.user,
        )
    except import_jobs.ImportJobError as error:
        form.add_error("files", str(error))
        return _page(request, form, 400)
    return redirect(f"{job.get_absolute_url()}?follow=1")


def _import_now(request: HttpRequest, form: ExecutionImportForm) -> HttpResponse:
    data = form.cleaned_data
    try:
        result = services.execution_import(
            workspace=data["workspace"],
            documents=data["documents"],
            definition=data.get("definition") or None,
            name=data.get("name") or None,
            user=request.user,
            audited=True,
        )
    except services.ExecutionImportError as error:
        form.add_error(None, str(error))
        return _page(request, form, 400)
    execution = result.execution
    if result.created:
        messages.success(request, f"Imported {execution.name}: {result.added} events.")
    elif result.added:
        messages.success(request, f"Added {result.added} events to {execution.name}.")
    else:
        messages.info(request, f"Nothing new: every event of {execution.name} was stored.")
    return redirect(f"{execution.get_absolute_url()}?imported=1")


def _again_url(job: ImportJob) -> str:
    """The import form with what the job was given (files cannot be chosen for the user)."""
    kept = {"workspace": job.workspace.name, "definition": job.definition, "name": job.name}
    return f"{reverse('executions:import')}?{urlencode({k: v for k, v in kept.items() if v})}"


def _definition_label(request: HttpRequest, job: ImportJob) -> str:
    if not job.definition.isdecimal():
        return job.definition
    definitions = visible(Definition.objects.filter(pk=int(job.definition)), request.user)
    found = definitions.select_related("workspace").first()
    return f"{found.workspace.name} / {found.name}" if found else f"definition {job.definition}"


@object_view(ImportJob)
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import: refreshes itself until it ends; then, when the page was following
    it, goes on to the execution."""
    job = import_jobs.import_job_give_up_if_stale(job=import_jobs.import_job_get(pk=pk))
    following = request.GET.get("follow") == "1"
    if job.status == ImportJob.Status.DONE and following and job.execution is not None:
        return redirect(f"{job.execution.get_absolute_url()}?imported=1")
    context = {
        "job": job,
        "following": following,
        "again_url": _again_url(job),
        "can_import": allows(getattr(request, "role", None), Role.DEBUGGER),
        "definition": _definition_label(request, job),
    }
    return render(request, "executions/import_job.html", context)


@object_view(Execution)
@require_GET
def execution_export(request: HttpRequest, pk: int) -> HttpResponse:
    execution = selectors.execution_get(pk=pk)
    bundle = selectors.execution_bundle(execution=execution)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in execution.name)[:80]
    response = HttpResponse(bundle, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{safe or "execution"}.bundle.json"'
    return response
