"""Import a history (upload several files or paste), and export an execution as our bundle."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import Role
from apps.accounts.scoping import object_view, signed_in
from apps.executions import selectors, services
from apps.executions.forms import ExecutionImportForm
from apps.executions.models import Execution


def _too_big(request: HttpRequest) -> HttpResponse:
    message = (
        "That was too large to paste: upload the history as a file instead "
        "(files of up to 64 MiB are accepted)."
    )
    context = {"form": ExecutionImportForm(user=request.user), "page_error": message}
    return render(request, "executions/import.html", context, status=400)


@signed_in(read=Role.DEBUGGER, write=Role.DEBUGGER)
@require_http_methods(["GET", "POST"])
def execution_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ExecutionImportForm(user=request.user)
        return render(request, "executions/import.html", {"form": form})
    try:
        form = ExecutionImportForm(request.POST, request.FILES, user=request.user)
        valid = form.is_valid()
    except RequestDataTooBig:
        return _too_big(request)
    context: dict[str, object] = {"form": form}
    if valid:
        try:
            result = services.execution_import(
                workspace=form.cleaned_data["workspace"],
                documents=form.cleaned_data["documents"],
                definition=form.cleaned_data.get("definition") or None,
                name=form.cleaned_data.get("name") or None,
                user=request.user,
            )
        except services.ExecutionImportError as error:
            form.add_error(None, str(error))
        else:
            execution = result.execution
            if result.created:
                messages.success(request, f"Imported {execution.name}: {result.added} events.")
            elif result.added:
                messages.success(request, f"Added {result.added} events to {execution.name}.")
            else:
                messages.info(request, f"Nothing new: every event of {execution.name} was stored.")
            return redirect(f"{execution.get_absolute_url()}?imported=1")
    return render(request, "executions/import.html", context, status=400)


@object_view(Execution)
@require_GET
def execution_export(request: HttpRequest, pk: int) -> HttpResponse:
    execution = selectors.execution_get(pk=pk)
    bundle = selectors.execution_bundle(execution=execution)
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in execution.name)[:80]
    response = HttpResponse(bundle, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{safe or "execution"}.bundle.json"'
    return response
