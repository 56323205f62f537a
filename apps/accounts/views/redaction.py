"""/workspaces/<name>/redaction/: a workspace admin lists, adds and removes redaction rules, and
chooses whether histories are stored already redacted at import. Each change is recorded in the
audit log by the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts import selectors, services
from apps.accounts.forms import RedactAtImportForm, RedactionRuleForm, RedactionRuleRemoveForm
from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import object_view
from stepscope.history.redaction import MASK


def _page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    form: RedactionRuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "workspace": workspace,
        "rules": selectors.redaction_rule_list(workspace=workspace),
        "form": form or RedactionRuleForm(),
        "at_import": RedactAtImportForm(initial={"redact_at_import": workspace.redact_at_import}),
        "mask": MASK,
        "rules_max": services.RULES_MAX,
    }
    return render(request, "accounts/redaction.html", context, status=status)


def _add(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = RedactionRuleForm(request.POST)
    if form.is_valid():
        try:
            rule = services.redaction_rule_add(
                workspace=workspace, pattern=form.cleaned_data["pattern"], actor=request.user
            )
        except services.WorkspaceError as error:
            text = str(error)
            form.add_error("pattern", f"{text[:1].upper()}{text[1:]}.")
        else:
            messages.success(request, f"Added the rule {rule.pattern}.")
            return redirect("accounts:redaction", workspace.name)
    return _page(request, workspace, form=form, status=400)


def _remove(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = RedactionRuleRemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise services.WorkspaceError("choose a rule to remove")
        services.redaction_rule_remove(
            workspace=workspace, rule_id=form.cleaned_data["rule"], actor=request.user
        )
    except services.WorkspaceError as error:
        text = str(error)
        messages.error(request, f"{text[:1].upper()}{text[1:]}.")
        return _page(request, workspace, status=400)
    messages.success(request, "Removed the rule.")
    return redirect("accounts:redaction", workspace.name)


def _at_import(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    form = RedactAtImportForm(request.POST)
    form.is_valid()  # a checkbox: absent or anything else is off, never an error
    redact = bool(form.cleaned_data.get("redact_at_import"))
    services.workspace_redact_at_import_set(workspace=workspace, redact=redact, actor=request.user)
    messages.success(
        request,
        "Histories imported from now on are stored redacted."
        if redact
        else "Histories imported from now on are stored as they come (redacted when shown).",
    )
    return redirect("accounts:redaction", workspace.name)


ACTIONS = {"add": _add, "remove": _remove, "at_import": _at_import}


@object_view(Workspace, kwarg="name", field="name", path="", read=Role.ADMIN, write=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def redaction(request: HttpRequest, name: str) -> HttpResponse:
    workspace = selectors.workspace_get(name=name)
    if request.method != "POST":
        return _page(request, workspace)
    act = ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        messages.error(request, "Unknown action: use the page's buttons.")
        return _page(request, workspace, status=400)
    return act(request, workspace)
