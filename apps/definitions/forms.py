"""The import form: paste or upload a definition, JSON, YAML or a CloudFormation/SAM template."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.forms import add_workspace_field
from stepscope.asl.loading import MAX_DEFINITION_BYTES

MIB = 1024 * 1024


def size_text(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / 1024:.0f} KiB"


class DefinitionImportForm(forms.Form):
    name = forms.CharField(
        required=False,
        max_length=200,
        help_text="Re-importing under the same name adds a version when the text changed.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "code"}),
        label="Definition",
        help_text="Paste ASL as JSON or YAML, or a CloudFormation/SAM template.",
    )
    file = forms.FileField(required=False, label="…or upload a file")
    choose = forms.ChoiceField(required=False, label="State machine in the template")

    def __init__(
        self, *args: Any, user: Any = None, choices: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        add_workspace_field(self, user)
        if choices:
            self.fields["choose"].choices = [("", "— pick one —"), *((c, c) for c in choices)]
        else:
            del self.fields["choose"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_DEFINITION_BYTES:
            raise forms.ValidationError(
                f"{upload.name} is {size_text(upload.size)}; a definition may be at most "
                f"1 MiB ({MAX_DEFINITION_BYTES:,} bytes), AWS's limit."
            )
        raw = upload.read()
        try:
            return upload.name, raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"{upload.name} is not UTF-8 text (byte {error.start}: {error.reason})."
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        uploaded = cleaned.get("file")
        if uploaded:
            filename, text = uploaded
            cleaned["text"] = text
            if not cleaned.get("name"):
                cleaned["name"] = filename.split(".")[0]
            # Show what was uploaded in the text box, so nothing is lost if it has an error.
            self.data = self.data.copy()
            self.data["text"] = text
        elif not (cleaned.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError("Paste a definition or choose a file to upload.")
        return cleaned
