"""The failures view (/failures/): failed executions grouped by state machine, root-cause state
and root-cause error, for the workspaces the user may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from apps.accounts.scoping import signed_in, workspaces
from apps.executions.failures import DEFAULT_SINCE, PRESETS, failure_groups, since_parse


class FailureFilterForm(forms.Form):
    workspace = forms.ChoiceField(required=False, label="Workspace")
    since = forms.CharField(
        required=False,
        max_length=100,
        label="Since",
        help_text="all, 24h, 7d, 30d, 90m, 2w or an ISO-8601 date",
        widget=forms.TextInput(attrs={"list": "since-presets", "size": 12}),
    )

    def __init__(self, *args: Any, workspace_names: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["workspace"].choices = [
            ("", "Any workspace"),
            *((name, name) for name in workspace_names),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = cleaned.get("since") or DEFAULT_SINCE
        cleaned["since_text"] = text
        try:
            cleaned["since_moment"] = since_parse(text, now=self.now)
        except ValueError as error:
            self.add_error("since", str(error))
        return cleaned


@signed_in()
@require_GET
def failures(request: HttpRequest) -> HttpResponse:
    now = datetime.now(UTC)
    form = FailureFilterForm(
        request.GET,
        workspace_names=workspaces(request.user).values_list("name", flat=True),
        now=now,
    )
    valid = form.is_valid()
    workspace = (form.cleaned_data.get("workspace") or "") if valid else ""
    scope = {"workspace": workspace} if workspace else {}
    presets = [(preset, "?" + urlencode({"since": preset, **scope})) for preset in PRESETS]
    context: dict[str, Any] = {"form": form, "presets": presets, "report": None}
    if not valid:  # the error says why; the range links lead back to a valid page
        return render(request, "executions/failures.html", context, status=400)
    context.update(
        report=failure_groups(
            user=request.user, workspace=workspace, since=form.cleaned_data["since_moment"], now=now
        ),
        since=form.cleaned_data["since_text"],
        workspace=workspace,
    )
    return render(request, "executions/failures.html", context)
