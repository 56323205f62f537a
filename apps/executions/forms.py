"""Forms: import a history (several files at once, or pasted), and filter the executions list."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.forms import add_workspace_field
from apps.accounts.models import Role
from apps.accounts.scoping import workspaces
from apps.definitions.forms import size_text
from apps.definitions.models import Definition
from stepscope.history.status import EXECUTION_STATUS_STYLES

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _decode(upload: Any) -> tuple[str, str]:
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(
            f"{upload.name} is {size_text(upload.size)}; a history file may be at most "
            f"{size_text(MAX_FILE_BYTES)}."
        )
    raw = upload.read()
    try:
        return upload.name, raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            f"{upload.name} is not UTF-8 text (byte {error.start}: {error.reason})."
        ) from None


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
        definitions = Definition.objects.filter(workspace__in=workspaces(user, Role.DEBUGGER))
        names = definitions.order_by("workspace__name", "name").values_list(
            "pk", "workspace__name", "name"
        )
        self.fields["definition"].choices = [
            ("", "Find it by state machine name, or draw what the history shows"),
            *((str(pk), f"{workspace} / {name}") for pk, workspace, name in names),
        ]

    def clean_files(self) -> list[tuple[str, str]]:
        uploads = self.cleaned_data.get("files") or []
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"Choose at most {MAX_FILES} files at once.")
        return [_decode(upload) for upload in uploads]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        documents = list(cleaned.get("files") or [])
        if (cleaned.get("text") or "").strip():
            documents.append(("pasted text", cleaned["text"]))
        if not documents and not self.errors:
            raise forms.ValidationError("Choose history files to upload or paste a history.")
        cleaned["documents"] = documents
        return cleaned


STATUS_CHOICES = [
    ("", "Any status"),
    ("problem", "Failed, timed out or aborted"),
    *((status, style.label) for status, style in EXECUTION_STATUS_STYLES.items()),
]


class ExecutionFilterForm(forms.Form):
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
