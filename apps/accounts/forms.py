"""The workspace a form writes into: a choice among those where the user has the role."""

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
