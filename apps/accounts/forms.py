"""Forms for accounts: the workspace a form writes into (a choice among those where the user
has the role), and the forms of the workspace pages (members, redaction rules, audit filter)."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import workspaces


class WorkspaceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A workspace by name; left out, the only one there is to choose."""

    def __init__(self, *args: Any, only: Workspace | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only = only

    def clean(self, value: Any) -> Any:
        if value in self.empty_values and self.only is not None:
            return self.only
        return super().clean(value)


def add_workspace_field(form: forms.BaseForm, user: Any, role: str = Role.DEBUGGER) -> None:
    """Add a `workspace` choice (by name) to `form`: the workspaces where `user` has `role`.
    It may be left out when there is only one."""
    choices = workspaces(user, role)
    found = list(choices[:2])
    only = found[0] if len(found) == 1 else None
    form.fields["workspace"] = WorkspaceChoiceField(
        queryset=choices,
        to_field_name="name",
        empty_label=None,
        label="Workspace",
        only=only,
        initial=only.name if only else None,
        error_messages={
            "invalid_choice": f"Choose a workspace where you have the {role} role.",
            "required": "Choose a workspace."
            if found
            else f"You have the {role} role in no workspace: ask a workspace admin.",
        },
    )


# The workspace pages' forms ------------------------------------------------------------------

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class MemberForm(forms.Form):
    """Add a member, or change one's role (`action` says which)."""

    username = forms.CharField(max_length=150, label="Username")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.VIEWER, label="Role")


class MemberRemoveForm(forms.Form):
    username = forms.CharField(max_length=150)


class RedactionRuleForm(forms.Form):
    pattern = forms.CharField(
        max_length=4096,  # longer is refused by the rule's own check, with its limit named
        strip=False,
        label="Rule",
        help_text="A key name (cardNumber, masked at any depth), a path such as "
        "$.customer.email or $..['card number'], either one starting with (?i) to ignore case.",
        error_messages={"required": "Type a key name or a path."},
    )


class RedactionRuleRemoveForm(forms.Form):
    rule = forms.IntegerField(min_value=1)


class RedactAtImportForm(forms.Form):
    redact_at_import = forms.BooleanField(
        required=False,
        label="Store redacted values at import",
        help_text="Histories imported, pulled or simulated while this is on are stored with "
        "matching values already masked, so the real values are never kept. Histories stored "
        "before stay as they are (and are masked when shown).",
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, label="Action")

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *((a, a) for a in actions)]
        self.fields["action"].error_messages["invalid_choice"] = (
            "No entry of this workspace has the action %(value)s: choose one from the list."
        )
