"""Forms: import a history (several files at once, or pasted), and filter the executions list.

An import small enough to run while the page waits is decoded here (`documents`); a larger one is
handed on as uploads (`uploads`), never read whole, for a background job (import_jobs.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from apps.accounts.forms import add_workspace_field
from apps.accounts.models import Role
from apps.accounts.scoping import workspaces
from apps.definitions.models import Definition
from apps.executions.import_jobs import (
    PastedText,
    background_bytes,
    max_upload_bytes,
    not_utf8_message,
    runs_in_background,
    size_text,
)
from stepscope.history.status import EXECUTION_STATUS_STYLES
from stepscope.search.query import MAX_QUERY_LENGTH, QueryError, SearchQuery, parse_query

MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _decode(upload: Any) -> tuple[str, str]:
    """A small upload's text (the whole import is under the background threshold)."""
    raw = b"".join(upload.chunks())
    try:
        return upload.name, raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(not_utf8_message(upload.name, error)) from None


class ExecutionImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="History files",
        help_text="Select several at once: history pages, describe-execution JSON, the "
        "describe-state-machine-for-execution JSON, or a Stepscope bundle.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
        label="…or paste",
        help_text="What aws stepfunctions get-execution-history printed (one or several pages), "
        "optionally followed by what describe-execution printed.",
    )
    definition = forms.ChoiceField(required=False, label="Definition")
    name = forms.CharField(required=False, max_length=200, label="Execution name")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_workspace_field(self, user)
        self.fields["files"].help_text += (
            f" Up to {size_text(max_upload_bytes())} in all; more than "
            f"{size_text(background_bytes())} is imported in the background while a page "
            "shows how far it has got."
        )
        definitions = Definition.objects.filter(workspace__in=workspaces(user, Role.DEBUGGER))
        names = definitions.order_by("workspace__name", "name").values_list(
            "pk", "workspace__name", "name"
        )
        self.fields["definition"].choices = [
            ("", "Find it by state machine name, or draw what the history shows"),
            *((str(pk), f"{workspace} / {name}") for pk, workspace, name in names),
        ]

    def clean_files(self) -> list[Any]:
        uploads = self.cleaned_data.get("files") or []
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"Choose at most {MAX_FILES} files at once.")
        return list(uploads)

    def clean(self) -> dict[str, Any]:
        """`uploads` and their `total_bytes`; `documents` (decoded) unless they are for a job."""
        cleaned = super().clean() or {}
        uploads: list[Any] = list(cleaned.get("files") or [])
        if (cleaned.get("text") or "").strip():
            uploads.append(PastedText(cleaned["text"]))
        if not uploads and not self.errors:
            raise forms.ValidationError("Choose history files to upload or paste a history.")
        cleaned["uploads"] = uploads
        cleaned["total_bytes"] = total = sum(upload.size or 0 for upload in uploads)
        cleaned["documents"] = None
        if not runs_in_background(total):
            try:
                cleaned["documents"] = [_decode(upload) for upload in uploads]
            except forms.ValidationError as error:
                self.add_error("files", error)
        return cleaned


STATUS_CHOICES = [
    ("", "Any status"),
    ("problem", "Failed, timed out or aborted"),
    *((status, style.label) for status, style in EXECUTION_STATUS_STYLES.items()),
]


SEARCH_HELP = (
    "Words match the name, ARN, error, cause and any string or number of the input or output. "
    "Narrow with input.customerId:c-77, output.total:42, error:States.Timeout, "
    'state:ChargePayment (where the failure started), ran:"Some State", name:, cause:, '
    'status:failed; quote values with spaces: state:"Charge Payment".'
)
SINCE_CHOICES = [
    ("", "Any time"),
    ("1h", "Last hour"),
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
]
SINCE_DELTAS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}


class ExecutionFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        strip=False,
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        help_text=SEARCH_HELP,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "c-77 error:States.Timeout",
                "size": 40,
                "aria-describedby": "search-help",
            }
        ),
    )
    since = forms.ChoiceField(required=False, label="Time range", choices=SINCE_CHOICES)
    workspace = forms.ChoiceField(required=False, label="Workspace")
    state_machine = forms.ChoiceField(required=False, label="State machine")
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    started_after = forms.DateTimeField(
        required=False,
        label="Started after",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    started_before = forms.DateTimeField(
        required=False,
        label="Started before",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self, *args: Any, state_machines: list[str], workspace_names: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workspace"].choices = [
            ("", "Any workspace"),
            *((name, name) for name in workspace_names),
        ]
        self.fields["state_machine"].choices = [
            ("", "Any state machine"),
            *((name, name) for name in state_machines),
        ]

    def clean_q(self) -> SearchQuery:
        try:
            return parse_query(self.cleaned_data.get("q") or "")
        except QueryError as error:
            raise forms.ValidationError(f"The search cannot be read: {error}.") from None

    def clean(self) -> dict[str, Any]:
        """`started_after` is the later of its own value and the start of the time range."""
        cleaned = super().clean() or {}
        delta = SINCE_DELTAS.get(cleaned.get("since") or "")
        if delta is not None:
            start = timezone.now() - delta
            after = cleaned.get("started_after")
            cleaned["started_after"] = start if after is None or after < start else after
        return cleaned
